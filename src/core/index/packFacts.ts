// FileFacts -> PackedFileFacts, done where the facts are made (worker threads) so that only the
// packed form crosses to the coordinator. The readers of the packed calls are in
// model/packedCalls.ts, beside the layout, for every later stage to use.
import type { FileFacts } from '../model/facts';
import {
  CALL_CALLEE, CALL_COLUMN, CALL_KIND, CALL_KINDS, CALL_LINE, CALL_RECEIVER, CALL_STRIDE,
  type PackedFileFacts, type PackedFunction,
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
