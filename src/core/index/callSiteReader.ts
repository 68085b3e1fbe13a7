// Reads the call sites a chain names, from the source as it is now: files are parsed on first
// use and kept until told they changed (forget). The same masking as the scan's full parse, so
// that lines and columns agree with the facts.
import type { Parser, Tree } from 'web-tree-sitter';
import { maskAnnotations } from '../facts/annotationMask';
import { bodyOutline, callArguments, callGuards, predicateBody } from '../facts/callGuards';
import { parsedExpression } from '../facts/constantConditions';
import type { BodyOutline, CallGuards, CallSiteReader, Expr, MacroDefinition, PredicateBody } from '../model/callSites';
import { MacroDefinitions } from './macroDefinitions';

/** Reads a file of the tree as text; undefined when it cannot be read. */
export type TextSource = (file: string) => string | undefined;

/** Parsed files kept at once: a result's chains pass through a few hundred. */
const KEPT_FILES = 256;
/** Files kept as text for callText: cheap, and asked for every hop of every chain judged. */
const KEPT_TEXTS = 4096;
/** Lines of a call's text that callText gives: arguments rarely run longer. */
const CALL_TEXT_LINES = 4;

export class ParsedCallSites implements CallSiteReader {
  private readonly trees = new Map<string, Tree | null>();
  private readonly texts = new Map<string, string[] | null>();
  private readonly macros: MacroDefinitions;

  constructor(private readonly parser: Parser, private readonly read: TextSource) {
    this.macros = new MacroDefinitions(read, (text) => this.expression(text));
  }

  outline(file: string, line: number, name: string): BodyOutline | undefined {
    const tree = this.tree(file);
    return tree === undefined ? undefined : bodyOutline(tree, file, line, name);
  }

  macro(file: string, name: string): MacroDefinition | undefined {
    return this.macros.find(file, name);
  }

  expression(text: string): Expr {
    return parsedExpression(this.parser, text);
  }

  predicate(file: string, line: number, name: string): PredicateBody | undefined {
    const tree = this.tree(file);
    return tree === undefined ? undefined : predicateBody(tree, line, name);
  }

  arguments(file: string, line: number, column: number): string[] | undefined {
    const tree = this.tree(file);
    return tree === undefined ? undefined : callArguments(tree, line, column);
  }

  guards(file: string, line: number, column: number): CallGuards | undefined {
    const tree = this.tree(file);
    return tree === undefined ? undefined : callGuards(tree, line, column);
  }

  callText(file: string, line: number, column: number): string | undefined {
    let lines = this.texts.get(file);
    if (lines === undefined) {
      if (this.texts.size >= KEPT_TEXTS) {
        const oldest = this.texts.keys().next().value;
        if (oldest !== undefined) this.texts.delete(oldest);
      }
      lines = this.read(file)?.split('\n') ?? null;
      this.texts.set(file, lines);
    }
    if (lines === null) return undefined;
    return lines.slice(line - 1, line + CALL_TEXT_LINES - 1).join('\n').slice(column - 1);
  }

  /** The file changed: parse it again when next asked. */
  forget(file: string): void {
    this.macros.forget(file);
    this.texts.delete(file);
    this.trees.get(file)?.delete();
    this.trees.delete(file);
  }

  /** Frees the parsed trees and the parser. */
  dispose(): void {
    for (const file of [...this.trees.keys()]) this.forget(file);
    this.parser.delete();
  }

  private tree(file: string): Tree | undefined {
    const kept = this.trees.get(file);
    if (kept !== undefined) return kept ?? undefined;
    if (this.trees.size >= KEPT_FILES) {
      const oldest = this.trees.keys().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    const text = this.read(file);
    const tree = text === undefined ? null : this.parser.parse(maskAnnotations(text));
    this.trees.set(file, tree);
    return tree ?? undefined;
  }
}
