// The part of a file's facts that the whole-tree stages read for every function: names, lines
// and call heads, with the calls packed into one Int32Array per file. A kernel has four
// million call sites; as objects they alone outgrow the memory budget. Control flow and
// argument text are read for the few functions that touch the held context, from the full
// facts (FileFacts), on demand.
import type { CallSite, FieldAssignment, FunctionFact, StructField } from './facts';

/** What a call site is without its argument text and assignment: enough to resolve it. */
export type CallHead = Pick<CallSite, 'kind' | 'callee' | 'receiverType' | 'line' | 'column'>;

export interface PackedFunction extends Omit<FunctionFact, 'calls' | 'flow'> {
  /** Position in FileFacts.functions of the same content: where the full fact is found. */
  index: number;
  /** This function's calls are entries [firstCall, firstCall + callCount) of the file's calls. */
  firstCall: number;
  callCount: number;
  /** Call indices (relative to firstCall) made in tail position: `return f(...)`. */
  tailCalls?: number[];
}

/** Int32 slots per packed call. */
export const CALL_STRIDE = 5;
/** Slot offsets within a packed call. */
export const CALL_KIND = 0;
export const CALL_CALLEE = 1;
/** Index into `names`, or -1 when the source does not show the receiver's type. */
export const CALL_RECEIVER = 2;
export const CALL_LINE = 3;
export const CALL_COLUMN = 4;

export const CALL_KINDS = ['direct', 'field', 'pointer'] as const satisfies readonly CallSite['kind'][];
/** Values of the CALL_KIND slot, as CALL_KINDS orders them. */
export const KIND_DIRECT = 0;
export const KIND_FIELD = 1;

export interface PackedFileFacts {
  file: string;
  /** Content hash of the file these facts were taken from: the key of its full facts. */
  hash: string;
  functions: PackedFunction[];
  /** CALL_STRIDE int32 per call; callee and receiver slots index `names`. */
  calls: Int32Array;
  names: string[];
  fieldAssignments: FieldAssignment[];
  structFields: StructField[];
  errorNodes: number;
  braceless?: true;
  /** As FileFacts.reader. */
  reader?: 'tokens';
  /** As FileFacts.tokensDeclined. */
  tokensDeclined?: true;
}
