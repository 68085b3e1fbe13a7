// Readers of the packed call table (packedFacts.ts). They sit beside the layout, not in the
// index that writes it, because the graph, the rules and the chains read calls through them.
import {
  CALL_CALLEE, CALL_COLUMN, CALL_KIND, CALL_KINDS, CALL_LINE, CALL_RECEIVER, CALL_STRIDE, KIND_DIRECT,
  type CallHead, type PackedFileFacts, type PackedFunction,
} from './packedFacts';

/** Slot of call `i` of `fn` in `file.calls`. */
function slot(fn: PackedFunction, i: number): number {
  return (fn.firstCall + i) * CALL_STRIDE;
}

export function callKind(file: PackedFileFacts, fn: PackedFunction, i: number): CallHead['kind'] {
  return CALL_KINDS[file.calls[slot(fn, i) + CALL_KIND]!]!;
}

/** The name of a direct call, or undefined for calls through pointers. */
export function directCallee(file: PackedFileFacts, fn: PackedFunction, i: number): string | undefined {
  const s = slot(fn, i);
  return file.calls[s + CALL_KIND] === KIND_DIRECT ? file.names[file.calls[s + CALL_CALLEE]!] : undefined;
}

export function callHead(file: PackedFileFacts, fn: PackedFunction, i: number): CallHead {
  const s = slot(fn, i);
  const c = file.calls;
  const receiver = c[s + CALL_RECEIVER]!;
  const head: CallHead = { kind: CALL_KINDS[c[s + CALL_KIND]!]!, callee: file.names[c[s + CALL_CALLEE]!]!, line: c[s + CALL_LINE]!, column: c[s + CALL_COLUMN]! };
  if (receiver >= 0) head.receiverType = file.names[receiver]!;
  return head;
}
