// Call sites a chain names, as read again from the source: what a call passes and what its
// function tests of its parameters before making it. Shared by the reader (index) and the
// rule that checks constant arguments (chains).
import type { LineShift } from './lineShift';

/** A value a test needs: non-zero, zero, or equal / unequal to a named constant. */
export type Requirement =
  | { kind: 'nonzero' }
  | { kind: 'zero' }
  | { kind: 'equals'; value: string }
  | { kind: 'differs'; value: string };

export interface ParamTest {
  /** 0-based parameter position. */
  param: number;
  needs: Requirement;
}

/**
 * A condition as far as constants decide it: plain names, literals, tests against a constant,
 * masks, calls, and the logic joining them. What else a condition says is `unknown`.
 */
export type Condition =
  | { kind: 'name'; name: string }
  | { kind: 'literal'; value: string }
  | { kind: 'not'; of: Condition }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'compare'; subject: string; equal: boolean; value: string }
  /** `subject & bits`: zero when the subject is; `bits` when it is one constant. */
  | { kind: 'mask'; subject: string; bits?: string }
  | { kind: 'call'; callee: string; args: string[] }
  | { kind: 'unknown' };

/** A condition the call needs to have the value `truth`. */
export interface NeededCondition {
  condition: Condition;
  truth: boolean;
}

export interface CallGuards {
  /** The function the call is in. */
  function: string;
  params: string[];
  /** Parameters the function assigns or takes the address of: their value at the call is not the one passed. */
  reassigned: string[];
  /** Every test the call needs to hold, on some parameter. */
  tests: ParamTest[];
  /** The conditions around the call, whole, for reasoning through the calls they make. */
  conditions: NeededCondition[];
}

/** A function that decides a value from its parameters: its leading early returns and its last. */
export interface PredicateBody {
  params: string[];
  /** `if (when) return returns;` in order; a step without `when` is the final `return`. */
  steps: { when?: Condition; returns: Condition }[];
}

/** Where a function begins and ends: 1-based lines, inclusive. */
export interface LineSpan {
  startLine: number;
  endLine: number;
}

/** The span of the function that spans a line of a file, if the facts know one. */
export type FunctionSpans = (file: string, line: number) => LineSpan | undefined;

/** Where a function is defined, for reading its body. */
export interface Definition {
  file: string;
  line: number;
}

/** The call sites a chain's hops name, read from the source on demand. */
/**
 * Where `name`, called from `file`, is defined; undefined when not known. The call graph answers
 * it (composeResult), not the reader: resolving a name needs the whole tree.
 */
export type DefinitionLookup = (file: string, name: string) => Definition | undefined;

/** A whole-word use of a name in a file's text. */
export interface NameUse {
  line: number;
  /** Followed by `(` outside a preprocessor directive: a call, a declaration or a mention in a comment, never the address. */
  called: boolean;
}

/** A direct call of a function, where it is made. */
export interface CallerSite {
  caller: string;
  file: string;
  line: number;
  column: number;
}

/**
 * Every call of the function `name` defined in `file`; undefined when not all of them are known
 * (a global function may be called from code not scanned; a function whose address is taken,
 * through a pointer).
 */
export type CallerLookup = (file: string, name: string) => readonly CallerSite[] | undefined;

export interface CallSiteReader {
  /**
   * The source text from the call at (line, column) on, a few lines of it, without parsing:
   * enough to see whether its arguments can hold a literal.
   */
  callText?(file: string, line: number, column: number): string | undefined;
  /** Argument texts of the call whose callee name starts at (line, column). */
  arguments(file: string, line: number, column: number): string[] | undefined;
  /** What the call at (line, column) needs of its function's parameters. */
  guards(file: string, line: number, column: number): CallGuards | undefined;
  /** The parameter names of the function making the call at (line, column): guards' `params`, without reading its tests. */
  parameters?(file: string, line: number, column: number): string[] | undefined;
  /** The leading returns of the function `name` defined at `line`, when it has only those before its last. */
  predicate?(file: string, line: number, name: string): PredicateBody | undefined;
  /** The values the function of the call at (line, column) gives its local `name` before the call. */
  localValues?(file: string, line: number, column: number, name: string): string[] | undefined;
  /** Does the file's text hold `word` as a whole word? */
  mentions?(file: string, word: string): boolean;
  /**
   * The line of a call `callee(…)` with `arg` as its argument `index` that every way to the call
   * at (line, column) makes first, leaving the function when it returns non-zero; undefined
   * when there is none.
   */
  succeededBefore?(file: string, line: number, column: number, callee: string, index: number, arg: string): number | undefined;
  /** Where the file's text holds `word` as a whole word, and whether each is called there. */
  nameUses?(file: string, word: string): NameUse[];
  /** The body of the function `name` defined at `line`, outlined. */
  outline?(file: string, line: number, name: string): BodyOutline | undefined;
  /** The object-like macro `name` as `file` sees it through its includes; undefined when not found. */
  macro?(file: string, name: string): MacroDefinition | undefined;
  /** A C expression given as text (rule data such as `MAY_WRITE | MAY_APPEND`), read as code is. */
  expression?(text: string): Expr;
}

/**
 * `0` for NULL, 0 and false; `1` for true and other non-zero integer literals; the name of an
 * upper-case constant; undefined for anything else.
 */
export function constantText(text: string): string | undefined {
  const t = text.trim().replace(/^\((.*)\)$/, '$1').trim();
  if (t === 'NULL' || t === 'false' || /^0[xX]?0*[uUlL]*$/.test(t)) return '0';
  if (t === 'true' || /^(0[xX][0-9a-fA-F]+|[1-9][0-9]*)[uUlL]*$/.test(t)) return '1';
  if (/^[A-Z][A-Z0-9_]*$/.test(t)) return t;
  return undefined;
}

/**
 * A reader that tells what some reading read (keys of its own making, each with what it gave),
 * and whether it gives the same now: a verdict kept across live updates holds only while the
 * source it read is the same.
 */
export interface ReadTracking {
  recording<T>(read: () => T): { value: T; reads: ReadonlyMap<string, string> };
  unchanged(reads: ReadonlyMap<string, string>): boolean;
  /**
   * Reads that are unchanged: do they also place what they found where it was, when code in
   * `files` moved? A read of a function's text answers with its lines, so one that is unchanged
   * read a function that did not move; a read of a few lines of text does not say where they are.
   */
  placedAsBefore(reads: ReadonlyMap<string, string>, files: ReadonlySet<string>): boolean;
  /**
   * The reads as made at the lines `shifts` moved them to, with what they gave then (a
   * function's span moved too); reads where no shift says where the line went stay as they
   * are, for unchanged() to judge.
   */
  shiftedReads(reads: ReadonlyMap<string, string>, shifts: readonly LineShift[]): ReadonlyMap<string, string>;
}

/**
 * An integer expression as far as constants can decide it: names (parameters, locals, macros),
 * numbers, C's operators on them, and calls (whose value is not known). What else the source
 * says (fields, pointers, sizeof) is `unknown`.
 */
export type Expr =
  | { kind: 'name'; name: string }
  | { kind: 'number'; value: number }
  | { kind: 'unary'; op: string; of: Expr }
  | { kind: 'binary'; op: string; left: Expr; right: Expr }
  | { kind: 'choose'; test: Expr; then: Expr; otherwise: Expr }
  | { kind: 'call'; callee: string; args: Expr[] }
  | { kind: 'unknown' };

/** The `if` conditions a statement sits under, each with the branch taken. */
export interface Under {
  test: Expr;
  truth: boolean;
}

/**
 * One thing a function body does on the way to its end, in source order: sets a local, calls a
 * function, returns, or is a label. Statements inside loops and switches give their calls only: a return
 * there is not certain to end the body.
 */
export type OutlineStep =
  | { kind: 'set'; name: string; value: Expr; under: Under[] }
  | { kind: 'call'; callee: string; args: Expr[]; line: number; under: Under[] }
  | { kind: 'return'; line: number; under: Under[] }
  /** A label: a goto may reach what follows, whatever returned before. */
  | { kind: 'label' };

/** A function body as its calls and the returns that may end it first, for following constants into it. */
export interface BodyOutline {
  name: string;
  file: string;
  params: string[];
  steps: OutlineStep[];
}

/** An object-like macro's definition, where the includes of a file find it. */
export interface MacroDefinition {
  value: Expr;
  file: string;
  line: number;
}
