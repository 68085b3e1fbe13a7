// FileFacts -> PackedFileFacts, done where the facts are made (worker threads) so that only the
// packed form crosses to the coordinator, and readers for the packed calls.
import type { FileFacts } from '../model/facts';
import {
  CALL_CALLEE, CALL_COLUMN, CALL_KIND, CALL_KINDS, CALL_LINE, CALL_RECEIVER, CALL_STRIDE, KIND_DIRECT,
  type CallHead, type PackedFileFacts, type PackedFunction,
} from '../model/packedFacts';

export function packFacts(facts: FileFacts, hash: string): PackedFileFacts {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const id = (s: string): number => {
    let n = ids.get(s);
    if (n === undefined) {
      n = names.length;
      names.push(s);
      ids.set(s, n);
    }
    return n;
  };
  let total = 0;
  for (const fn of facts.functions) total += fn.calls.length;
  const calls = new Int32Array(total * CALL_STRIDE);
  let at = 0;
  const functions = facts.functions.map((fn, index): PackedFunction => {
    const { calls: fnCalls, flow, ...meta } = fn;
    const packed: PackedFunction = { ...meta, index, firstCall: at / CALL_STRIDE, callCount: fnCalls.length };
    for (const c of fnCalls) {
      calls[at + CALL_KIND] = CALL_KINDS.indexOf(c.kind);
      calls[at + CALL_CALLEE] = id(c.callee);
      calls[at + CALL_RECEIVER] = c.receiverType === undefined ? -1 : id(c.receiverType);
      calls[at + CALL_LINE] = c.line;
      calls[at + CALL_COLUMN] = c.column;
      at += CALL_STRIDE;
    }
    const tails: number[] = [];
    for (const b of flow.blocks) if (b.exit?.kind === 'call') tails.push(b.exit.call);
    if (tails.length > 0) packed.tailCalls = tails;
    return packed;
  });
  const packed: PackedFileFacts = {
    file: facts.file, hash, functions, calls, names,
    fieldAssignments: facts.fieldAssignments, structFields: facts.structFields, errorNodes: facts.errorNodes,
  };
  if (facts.braceless === true) packed.braceless = true;
  if (facts.reader !== undefined) packed.reader = facts.reader;
  if (facts.tokensDeclined === true) packed.tokensDeclined = true;
  return packed;
}

/** Slot of call `i` of `fn` in `file.calls`. */
function slot(fn: PackedFunction, i: number): number {
  return (fn.firstCall + i) * CALL_STRIDE;
}

export function callKind(file: PackedFileFacts, fn: PackedFunction, i: number): CallHead['kind'] {
  return CALL_KINDS[file.calls[slot(fn, i) + CALL_KIND]!]!;
}

export function calleeOf(file: PackedFileFacts, fn: PackedFunction, i: number): string {
  return file.names[file.calls[slot(fn, i) + CALL_CALLEE]!]!;
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
