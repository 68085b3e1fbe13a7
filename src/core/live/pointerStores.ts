// Does an edited file still store the same functions in struct fields, and declare the same
// struct field types? Those decide where every call through a pointer may go, tree-wide: an
// edit that changes them is not patched in but rebuilt.
import type { PackedFileFacts } from '../model/packedFacts';

/** undefined when stores and field types match, else what differs (for the user). */
export function sameStores(a: PackedFileFacts, b: PackedFileFacts): string | undefined {
  const stores = (f: PackedFileFacts): string => f.fieldAssignments.map((x) => `${x.field}=${x.fn}@${x.structType ?? ''}`).join(',');
  if (stores(a) !== stores(b)) return 'function pointer stores changed';
  const fields = (f: PackedFileFacts): string => f.structFields.map((x) => `${x.struct}.${x.field}:${x.type}`).join(',');
  if (fields(a) !== fields(b)) return 'struct field types changed';
  return undefined;
}
