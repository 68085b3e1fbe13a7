// Call sites a chain names, as read again from the source: what a call passes and what its
// function tests of its parameters before making it. Shared by the reader (index) and the
// rule that checks constant arguments (chains).

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

export interface CallGuards {
  /** The function the call is in. */
  function: string;
  params: string[];
  /** Every test the call needs to hold, on some parameter. */
  tests: ParamTest[];
}

/** The call sites a chain's hops name, read from the source on demand. */
export interface CallSiteReader {
  /** Argument texts of the call whose callee name starts at (line, column). */
  arguments(file: string, line: number, column: number): string[] | undefined;
  /** What the call at (line, column) needs of its function's parameters. */
  guards(file: string, line: number, column: number): CallGuards | undefined;
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
