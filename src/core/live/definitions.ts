// Does an edited file still make the same calls and define the same things? If so, every node,
// body and call index of the call graph stays valid and only lines, columns and control flow
// may differ. Compared on packed facts: names through each file's own name table.
import { CALL_CALLEE, CALL_KIND, CALL_RECEIVER, CALL_STRIDE, type PackedFileFacts } from '../model/packedFacts';

/** undefined when the shapes match, else what differs (for the user). */
export function sameCallShape(a: PackedFileFacts, b: PackedFileFacts): string | undefined {
  if (a.functions.length !== b.functions.length) return 'functions were added or removed';
  for (let i = 0; i < a.functions.length; i++) {
    const x = a.functions[i]!;
    const y = b.functions[i]!;
    if (x.name !== y.name || x.isStatic !== y.isStatic || x.kind !== y.kind || x.conditional !== y.conditional) return `the definition of ${x.name} changed`;
    if (x.callCount !== y.callCount) return `the calls of ${x.name} changed`;
  }
  if (a.calls.length !== b.calls.length) return 'calls were added or removed';
  const name = (f: PackedFileFacts, id: number): string | undefined => (id < 0 ? undefined : f.names[id]);
  for (let s = 0; s < a.calls.length; s += CALL_STRIDE) {
    if (a.calls[s + CALL_KIND] !== b.calls[s + CALL_KIND]
      || name(a, a.calls[s + CALL_CALLEE]!) !== name(b, b.calls[s + CALL_CALLEE]!)
      || name(a, a.calls[s + CALL_RECEIVER]!) !== name(b, b.calls[s + CALL_RECEIVER]!)) {
      return `a call changed (now ${name(b, b.calls[s + CALL_CALLEE]!) ?? '?'})`;
    }
  }
  const stores = (f: PackedFileFacts): string => f.fieldAssignments.map((x) => `${x.field}=${x.fn}@${x.structType ?? ''}`).join(',');
  if (stores(a) !== stores(b)) return 'function pointer stores changed';
  const fields = (f: PackedFileFacts): string => f.structFields.map((x) => `${x.struct}.${x.field}:${x.type}`).join(',');
  if (fields(a) !== fields(b)) return 'struct field types changed';
  return undefined;
}
