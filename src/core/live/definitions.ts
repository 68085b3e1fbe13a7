// Does an edited file still define the same things? If so, every node and body index of the
// call graph stays valid: the calls may differ (CallGraph.replaceCalls patches them in), but
// no function, function-pointer store or struct field type came or went.
import type { PackedFileFacts } from '../model/packedFacts';

/** undefined when the definitions match, else what differs (for the user). */
export function sameDefinitions(a: PackedFileFacts, b: PackedFileFacts): string | undefined {
  if (a.functions.length !== b.functions.length) return 'functions were added or removed';
  for (let i = 0; i < a.functions.length; i++) {
    const x = a.functions[i]!;
    const y = b.functions[i]!;
    if (x.name !== y.name || x.isStatic !== y.isStatic || x.kind !== y.kind || x.conditional !== y.conditional) return `the definition of ${x.name} changed`;
  }
  const stores = (f: PackedFileFacts): string => f.fieldAssignments.map((x) => `${x.field}=${x.fn}@${x.structType ?? ''}`).join(',');
  if (stores(a) !== stores(b)) return 'function pointer stores changed';
  const fields = (f: PackedFileFacts): string => f.structFields.map((x) => `${x.struct}.${x.field}:${x.type}`).join(',');
  if (fields(a) !== fields(b)) return 'struct field types changed';
  return undefined;
}
