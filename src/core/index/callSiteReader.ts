// Reads the call sites a chain names, from the source as it is now: files are parsed on first
// use and kept until told they changed (forget). The same masking as the scan's full parse, so
// that lines and columns agree with the facts. Where the facts say which function spans a
// line, only that function is parsed, the lines around it left empty so that rows stay the
// file's: a chain's hops pass through a few functions of files of thousands of lines.
import { createHash } from 'node:crypto';
import type { Parser, Tree } from 'web-tree-sitter';
import { maskAnnotations } from '../facts/annotationMask';
import { bodyOutline, callArguments, callerParameters, callGuards, predicateBody } from '../facts/callSites/callGuards';
import { parsedExpression } from '../facts/callSites/constantConditions';
import { localValues } from '../facts/callSites/localValues';
import { succeededBefore } from '../facts/callSites/priorCalls';
import { shiftedLine, type LineShift } from '../model/lineShift';
import type { BodyOutline, CallGuards, CallSiteReader, Expr, FunctionSpans, MacroDefinition, NameUse, PredicateBody, ReadTracking } from '../model/callSites';
import { MacroDefinitions } from './macroDefinitions';
import { SourceLines } from './sourceLines';

/** Reads a file of the tree as text; undefined when it cannot be read. */
export type TextSource = (file: string) => string | undefined;

/** Parsed functions (or whole files) kept at once: a result's chains pass through a few thousand. */
const KEPT_TREES = 4096;
/** Files kept as text for callText: cheap, and asked for every hop of every chain judged. */
const KEPT_TEXTS = 4096;
/** Lines of a call's text that callText gives: arguments rarely run longer. */
const CALL_TEXT_LINES = 4;

/** `word` as a whole word, then `after`. */
function wholeWord(word: string, after: string, flags: string): RegExp {
  return new RegExp(`(?<![\\w])${word.replace(/[^\w]/g, '\\$&')}(?![\\w])${after}`, flags);
}

export class ParsedCallSites implements CallSiteReader, ReadTracking {
  /** Per file, by the first line of the function parsed (0: the whole file). */
  private readonly trees = new Map<string, Map<number, Tree | null>>();
  private keptTrees = 0;
  private readonly texts = new Map<string, SourceLines | null>();
  /** Per file, how often it changed (forget): what a recorded read of a whole file is compared against. */
  private readonly versions = new Map<string, number>();
  /** What was read since recording began, when it did (see readKey). */
  private log: Map<string, string> | undefined;
  /** Per file, digests of the function spans read (by `start-end`), until the file changes. */
  private readonly digests = new Map<string, Map<string, string>>();
  /** What each read key gives now (see currentValue), until its file changes. */
  private readonly values = new Map<string, string>();
  /**
   * Per file, its keys in `values`: forgetting a file went through every key (every read of
   * every kept chain, 4 ms per edit on a whole kernel) to find its own.
   */
  private readonly valueKeys = new Map<string, string[]>();
  /** Per file, the words asked of it (mentions): asked for every hop of every chain judged. */
  private readonly mentioned = new Map<string, Map<string, boolean>>();
  private readonly macros: MacroDefinitions;
  /** Per file, what was read at its calls (see atCall). */
  private readonly atCalls = new Map<string, Map<string, unknown>>();

  constructor(private readonly parser: Parser, private readonly read: TextSource, private readonly spans?: FunctionSpans) {
    this.macros = new MacroDefinitions(read, (text) => this.expression(text));
  }

  outline(file: string, line: number, name: string): BodyOutline | undefined {
    const tree = this.tree(file, line);
    return tree === undefined ? undefined : bodyOutline(tree, file, line, name);
  }

  macro(file: string, name: string): MacroDefinition | undefined {
    return this.macros.find(file, name);
  }

  expression(text: string): Expr {
    return parsedExpression(this.parser, text);
  }

  predicate(file: string, line: number, name: string): PredicateBody | undefined {
    const tree = this.tree(file, line);
    return tree === undefined ? undefined : predicateBody(tree, line, name);
  }

  arguments(file: string, line: number, column: number): string[] | undefined {
    return this.atCall('a', file, line, column, callArguments);
  }

  parameters(file: string, line: number, column: number): string[] | undefined {
    return this.atCall('p', file, line, column, callerParameters);
  }

  guards(file: string, line: number, column: number): CallGuards | undefined {
    return this.atCall('g', file, line, column, callGuards);
  }

  /**
   * What `read` finds at a call of the function parsed for `line`, kept until the file changes
   * or its trees are let go: a live update judges thousands of chains, and the variants tried
   * for one chain ask the same call sites again. Callers share the answer and do not change it.
   */
  private atCall<T>(kind: string, file: string, line: number, column: number, read: (tree: Tree, line: number, column: number) => T): T | undefined {
    const key = `${kind}${line}:${column}`;
    let perFile = this.atCalls.get(file);
    if (perFile?.has(key) === true) {
      this.noteRead(`t\0${file}\0${line}`);
      return perFile.get(key) as T | undefined;
    }
    const tree = this.tree(file, line);
    const value = tree === undefined ? undefined : read(tree, line, column);
    if (perFile === undefined) this.atCalls.set(file, perFile = new Map());
    perFile.set(key, value);
    return value;
  }

  succeededBefore(file: string, line: number, column: number, callee: string, index: number, arg: string): number | undefined {
    const tree = this.tree(file, line);
    return tree === undefined ? undefined : succeededBefore(tree, line, column, callee, index, arg);
  }

  localValues(file: string, line: number, column: number, name: string): string[] | undefined {
    const tree = this.tree(file, line);
    return tree === undefined ? undefined : localValues(tree, line, column, name);
  }

  callText(file: string, line: number, column: number): string | undefined {
    this.noteRead(`c\0${file}\0${line}`);
    return this.callLines(file, line)?.slice(column - 1);
  }

  private callLines(file: string, line: number): string | undefined {
    return this.lines(file)?.slice(line - 1, line + CALL_TEXT_LINES - 1);
  }

  mentions(file: string, word: string): boolean {
    this.noteRead(`m\0${file}\0${word}`);
    return this.mentioned1(file, word);
  }

  private mentioned1(file: string, word: string): boolean {
    let words = this.mentioned.get(file);
    const known = words?.get(word);
    if (known !== undefined) return known;
    const whole = wholeWord(word, '', '');
    // A newline is no word character: a whole word of the text is one of a line.
    const text = this.lines(file)?.text;
    const found = text !== undefined && text.includes(word) && whole.test(text);
    if (words === undefined) this.mentioned.set(file, words = new Map());
    words.set(word, found);
    return found;
  }

  nameUses(file: string, word: string): NameUse[] {
    this.noteRead(`u\0${file}\0${word}`);
    const lines = this.lines(file);
    const whole = wholeWord(word, '(\\s*\\()?', 'g');
    const uses: NameUse[] = [];
    let directive = false;
    for (let i = 0; i < (lines?.count ?? 0); i++) {
      const text = lines!.line(i);
      // A directive runs on over lines ending in a backslash.
      directive = directive || /^\s*#/.test(text);
      if (text.includes(word)) for (const m of text.matchAll(whole)) uses.push({ line: i + 1, called: m[1] !== undefined && !directive });
      directive = directive && /\\\s*$/.test(text);
    }
    return uses;
  }

  private lines(file: string): SourceLines | undefined {
    let lines = this.texts.get(file);
    if (lines === undefined) {
      if (this.texts.size >= KEPT_TEXTS) {
        const oldest = this.texts.keys().next().value;
        if (oldest !== undefined) this.texts.delete(oldest);
      }
      const text = this.read(file);
      lines = text === undefined ? null : new SourceLines(text);
      this.texts.set(file, lines);
    }
    return lines ?? undefined;
  }

  recording<T>(read: () => T): { value: T; reads: ReadonlyMap<string, string> } {
    const outer = this.log;
    const log = new Map<string, string>();
    this.log = log;
    try {
      const value = read();
      return { value, reads: log };
    } finally {
      this.log = outer;
      if (outer !== undefined) for (const [file, version] of log) outer.set(file, version);
    }
  }

  unchanged(reads: ReadonlyMap<string, string>): boolean {
    for (const [key, read] of reads) if (this.currentValue(key) !== read) return false;
    return true;
  }

  placedAsBefore(reads: ReadonlyMap<string, string>, files: ReadonlySet<string>): boolean {
    // `c`: a call's lines by digest, which text moved onto the same lines could match.
    for (const key of reads.keys()) if (key.startsWith('c\0') && files.has(key.slice(2, key.indexOf('\0', 2)))) return false;
    return true;
  }

  shiftedReads(reads: ReadonlyMap<string, string>, shifts: readonly LineShift[]): ReadonlyMap<string, string> {
    const moved = new Map<string, string>();
    for (const [key, value] of reads) {
      const [kind, file, at] = key.split('\0') as [string, string, string];
      const line = kind === 't' || kind === 'c' ? shiftedLine(shifts, file, Number(at)) : undefined;
      if (line === undefined || line === Number(at)) {
        moved.set(key, value);
        continue;
      }
      const delta = line - Number(at);
      // `t`: `start-end:digest` of the function spanning the line, or the file's version.
      const span = kind === 't' ? /^(\d+)-(\d+):/.exec(value) : null;
      moved.set(`${kind}\0${file}\0${line}`, span === null ? value : `${Number(span[1]) + delta}-${Number(span[2]) + delta}:${value.slice(span[0].length)}`);
    }
    return moved;
  }

  /**
   * readValue, kept until the file changes (forget): every kept chain's reads are asked again at
   * every live update, and each answer made anew (split keys, digests) was garbage.
   */
  private currentValue(key: string): string {
    let value = this.values.get(key);
    if (value === undefined) {
      value = this.readValue(key);
      this.values.set(key, value);
      // Keys are `kind\0file\0at`, kinds one letter.
      const file = key.slice(2, key.indexOf('\0', 2));
      const keys = this.valueKeys.get(file);
      if (keys === undefined) this.valueKeys.set(file, [key]);
      else keys.push(key);
    }
    return value;
  }

  /**
   * What a read gives now, by its key: `t` the function spanning a line (its span and a digest
   * of its text; the file's version when the whole file is parsed), `c` the lines of a call,
   * `m` whether a file mentions a word, `u` where a file uses a name (its version). A file's edit that leaves these alone (a comment
   * elsewhere, a function added) leaves the verdicts that read them standing.
   */
  private readValue(key: string): string {
    const [kind, file, at] = key.split('\0') as [string, string, string];
    if (kind === 'm') return this.mentioned1(file, at) ? '1' : '0';
    // Every use of a name in the file, and the callers they stand for: the whole file counts.
    if (kind === 'u') return `v${this.versions.get(file) ?? 0}`;
    if (kind === 'c') return digest(this.callLines(file, Number(at)) ?? '');
    const span = this.spans?.(file, Number(at));
    if (span === undefined) return `v${this.versions.get(file) ?? 0}`;
    const range = `${span.startLine}-${span.endLine}`;
    let perFile = this.digests.get(file);
    let d = perFile?.get(range);
    if (d === undefined) {
      d = digest(this.lines(file)?.slice(span.startLine - 1, span.endLine) ?? '');
      if (perFile === undefined) this.digests.set(file, perFile = new Map());
      perFile.set(range, d);
    }
    return `${range}:${d}`;
  }

  /** The file changed: parse it again when next asked, and verdicts that read it no longer hold. */
  forget(file: string): void {
    this.versions.set(file, (this.versions.get(file) ?? 0) + 1);
    this.digests.delete(file);
    for (const key of this.valueKeys.get(file) ?? []) this.values.delete(key);
    this.valueKeys.delete(file);
    this.macros.forget(file);
    this.drop(file);
  }

  /** Frees the parsed trees and the parser. */
  dispose(): void {
    for (const file of [...this.trees.keys()]) this.drop(file);
    this.parser.delete();
  }

  private drop(file: string): void {
    this.mentioned.delete(file);
    this.atCalls.delete(file);
    this.texts.delete(file);
    const trees = this.trees.get(file);
    if (trees === undefined) return;
    for (const tree of trees.values()) tree?.delete();
    this.keptTrees -= trees.size;
    this.trees.delete(file);
  }

  private noteRead(key: string): void {
    if (this.log !== undefined && !this.log.has(key)) this.log.set(key, this.currentValue(key));
  }

  /** The parsed function of `file` that spans `line`, or the whole file when no span is known. */
  private tree(file: string, line: number): Tree | undefined {
    this.noteRead(`t\0${file}\0${line}`);
    const span = this.spans?.(file, line);
    const key = span?.startLine ?? 0;
    let perFile = this.trees.get(file);
    const kept = perFile?.get(key);
    if (kept !== undefined) return kept ?? undefined;
    // Whole files go first, oldest first: a file's functions are asked for together.
    for (const oldest of this.trees.keys()) {
      if (this.keptTrees < KEPT_TREES || oldest === file) break;
      this.drop(oldest);
    }
    const lines = this.lines(file);
    const text = lines === undefined ? undefined
      : span === undefined ? lines.text
      : '\n'.repeat(span.startLine - 1) + lines.slice(span.startLine - 1, span.endLine);
    const tree = text === undefined ? null : this.parser.parse(maskAnnotations(text));
    perFile = this.trees.get(file);
    if (perFile === undefined) this.trees.set(file, perFile = new Map());
    perFile.set(key, tree);
    this.keptTrees++;
    return tree ?? undefined;
  }

}

function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}
