// Reads the call sites a chain names, from the source as it is now: files are parsed on first
// use and kept until told they changed (forget). The same masking as the scan's full parse, so
// that lines and columns agree with the facts.
import type { Parser, Tree } from 'web-tree-sitter';
import { maskAnnotations } from '../facts/annotationMask';
import { callArguments, callGuards, predicateBody } from '../facts/callGuards';
import { localValues } from '../facts/localValues';
import type { CallGuards, CallSiteReader, PredicateBody, ReadTracking } from '../model/callSites';

/** Reads a file of the tree as text; undefined when it cannot be read. */
export type TextSource = (file: string) => string | undefined;

/** Parsed files kept at once: a result's chains pass through a few hundred. */
const KEPT_FILES = 256;
/** Files kept as text for callText: cheap, and asked for every hop of every chain judged. */
const KEPT_TEXTS = 4096;
/** Lines of a call's text that callText gives: arguments rarely run longer. */
const CALL_TEXT_LINES = 4;

export class ParsedCallSites implements CallSiteReader, ReadTracking {
  private readonly trees = new Map<string, Tree | null>();
  private readonly texts = new Map<string, string[] | null>();
  /** Per file, how often it changed (forget): what a recorded read is compared against. */
  private readonly versions = new Map<string, number>();
  /** The files read since recording began, when it did. */
  private log: Map<string, number> | undefined;

  constructor(private readonly parser: Parser, private readonly read: TextSource) {}

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

  localValues(file: string, line: number, column: number, name: string): string[] | undefined {
    const tree = this.tree(file);
    return tree === undefined ? undefined : localValues(tree, line, column, name);
  }

  callText(file: string, line: number, column: number): string | undefined {
    const lines = this.lines(file);
    return lines?.slice(line - 1, line + CALL_TEXT_LINES - 1).join('\n').slice(column - 1);
  }

  mentions(file: string, word: string): boolean {
    return this.lines(file)?.some((l) => l.includes(word) && new RegExp(`\\b${word}\\b`).test(l)) ?? false;
  }

  private lines(file: string): string[] | undefined {
    this.noteRead(file);
    let lines = this.texts.get(file);
    if (lines === undefined) {
      if (this.texts.size >= KEPT_TEXTS) {
        const oldest = this.texts.keys().next().value;
        if (oldest !== undefined) this.texts.delete(oldest);
      }
      lines = this.read(file)?.split('\n') ?? null;
      this.texts.set(file, lines);
    }
    return lines ?? undefined;
  }

  recording<T>(read: () => T): { value: T; reads: ReadonlyMap<string, number> } {
    const outer = this.log;
    const log = new Map<string, number>();
    this.log = log;
    try {
      const value = read();
      return { value, reads: log };
    } finally {
      this.log = outer;
      if (outer !== undefined) for (const [file, version] of log) outer.set(file, version);
    }
  }

  unchanged(reads: ReadonlyMap<string, number>): boolean {
    for (const [file, version] of reads) if ((this.versions.get(file) ?? 0) !== version) return false;
    return true;
  }

  /** The file changed: parse it again when next asked, and verdicts that read it no longer hold. */
  forget(file: string): void {
    this.versions.set(file, (this.versions.get(file) ?? 0) + 1);
    this.drop(file);
  }

  /** Frees the parsed trees and the parser. */
  dispose(): void {
    for (const file of [...this.trees.keys()]) this.drop(file);
    this.parser.delete();
  }

  private drop(file: string): void {
    this.texts.delete(file);
    this.trees.get(file)?.delete();
    this.trees.delete(file);
  }

  private noteRead(file: string): void {
    this.log?.set(file, this.versions.get(file) ?? 0);
  }

  private tree(file: string): Tree | undefined {
    this.noteRead(file);
    const kept = this.trees.get(file);
    if (kept !== undefined) return kept ?? undefined;
    if (this.trees.size >= KEPT_FILES) {
      const oldest = this.trees.keys().next().value;
      if (oldest !== undefined) this.drop(oldest);
    }
    const text = this.read(file);
    const tree = text === undefined ? null : this.parser.parse(maskAnnotations(text));
    this.trees.set(file, tree);
    return tree ?? undefined;
  }
}
