// Per-file facts: everything later stages need from one C file, as plain JSON so that the
// index cache can store it. Lines and columns are 1-based; columns count UTF-8 bytes + 1.

/** What a branch edge knows about the value it tested. */
export interface EdgeCondition {
  /** `v:name` for a variable, `c:N` for the result of call N of the same function. */
  subject: string;
  /** True on the edge taken when the subject is non-zero (truthy). */
  nonzero: boolean;
}

export interface FlowEdge {
  to: number;
  cond?: EdgeCondition;
}

/** One event inside a basic block, in evaluation order. */
export type FlowEvent =
  | { kind: 'call'; call: number }
  /** The variable got a value that is not the result of a call; `value` when it is a constant. */
  | { kind: 'kill'; variable: string; value?: 'zero' | 'nonzero' };

/** What a `return` statement returns, as far as held-state inference cares. */
export type ReturnValue =
  | { kind: 'none' }
  | { kind: 'var'; name: string }
  | { kind: 'call'; call: number }
  | { kind: 'const'; zero: boolean }
  | { kind: 'other' };

export interface FlowBlock {
  events: FlowEvent[];
  succ: FlowEdge[];
  /** Set on blocks that leave the function (return or falling off the end). */
  exit?: ReturnValue;
}

/** Control flow of one function body: block 0 is the entry. */
export interface FunctionFlow {
  blocks: FlowBlock[];
  /** Variables that some `return v` returns. */
  returnedVars: string[];
  /** Variables returned or tested by a branch: the only ones whose values are tracked. */
  trackedVars: string[];
}

export type CallKind =
  /** `name(...)` */
  | 'direct'
  /** `expr->field(...)` or `expr.field(...)` */
  | 'field'
  /** `(*fp)(...)` or `fp(...)` where fp is a local or parameter of pointer type */
  | 'pointer';

export interface CallSite {
  kind: CallKind;
  /** Function name for direct calls, field name for field calls, variable for pointer calls. */
  callee: string;
  /** For field calls: the struct type of the object the field is read from, when the source shows it. */
  receiverType?: string;
  line: number;
  column: number;
  /** Source text of the argument list, without the parentheses, whitespace folded. */
  args: string;
  /** The call's value is stored in this variable (`v = f()` or `int v = f()`). */
  assignedTo?: string;
  /** The stored value is the call's logical negation (`got_write = !mnt_want_write(m)`). */
  assignedNegated?: boolean;
}

export interface FunctionFact {
  name: string;
  isStatic: boolean;
  /** Function-like macro definitions (`SYSCALL_DEFINEn`) map to this kind. */
  kind: 'function' | 'syscall';
  startLine: number;
  endLine: number;
  /** Line of the function name, where diagnostics for the definition go. */
  nameLine: number;
  nameColumn: number;
  /** Inside `#if`/`#ifdef`/`#else`: kept as one alternative among several definitions. */
  conditional: boolean;
  calls: CallSite[];
  flow: FunctionFlow;
  /** Parse errors inside the body: calls were still extracted, control flow may be coarse. */
  bodyErrors: number;
}

/** `.field = fn` in an initializer, or `x->field = fn` in code. */
export interface FieldAssignment {
  field: string;
  fn: string;
  /** Struct type of the initialized object when the source shows it (`struct file_operations`). */
  structType?: string;
  /**
   * The named variable an initializer fills, with the designators down to the pair's struct
   * (`foo_nb`, `hooks.nb`): what `&foo_nb` passed elsewhere holds. Absent for assignments in
   * code and for elements of arrays, whose object has no name.
   */
  object?: string;
  line: number;
}

/** `struct S { ... const struct T *field; ... }` */
export interface StructField {
  struct: string;
  field: string;
  /** Name of the struct type the field points to or holds (`file_operations`). */
  type: string;
}

export interface FileFacts {
  /** Path relative to the scanned root, with forward slashes. */
  file: string;
  functions: FunctionFact[];
  fieldAssignments: FieldAssignment[];
  structFields: StructField[];
  /**
   * Number of ERROR/MISSING nodes tree-sitter produced for this file; for token facts, the
   * file-scope `{ }` blocks read as no definition, table or struct (`BPF_CALL_2(f, ...) { }`).
   */
  errorNodes: number;
  /**
   * The file has no `{` (nor its digraph `<%`): no function body, initializer list or struct
   * body, so nothing to extract, and it was not parsed (a kernel has ~500 MB of such headers:
   * register definitions, prototypes).
   */
  braceless?: true;
  /**
   * Facts read from tokens, control flow not read: each function's flow is its calls in source
   * order (one block), leaving through its `return` statements or the end. Only files with a
   * function that touches the held context need a full parse (index/flowNeeds.ts).
   */
  reader?: 'tokens';
  /** Parsed because the token reader could not read it (brackets that do not balance). */
  tokensDeclined?: true;
  /** Set when the file was not analysed: the reason, as shown to the user. */
  skipped?: string;
}

/** How a file's facts were read: a full tree-sitter parse with control flow, or tokens. */
export type FactReader = 'tree' | 'tokens';

export function readerOf(facts: { reader?: 'tokens' }): FactReader {
  return facts.reader ?? 'tree';
}

/** Whether a function of the file calls one of `names` directly. */
export function callsAny(facts: FileFacts, names: { has(name: string): boolean }): boolean {
  return facts.functions.some((fn) => fn.calls.some((c) => c.kind === 'direct' && names.has(c.callee)));
}
