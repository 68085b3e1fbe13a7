// Does an edited file still declare the same struct field types? They decide, tree-wide, which
// struct type a call like `file->f_op->read_iter()` goes through: an edit that changes them is
// not patched in but rebuilt.
import type { PackedFileFacts } from '../model/packedFacts';

/** undefined when the field types match, else what differs (for the user). */
export function sameStructFields(a: PackedFileFacts, b: PackedFileFacts): string | undefined {
  const fields = (f: PackedFileFacts): string => f.structFields.map((x) => `${x.struct}.${x.field}:${x.type}`).join(',');
  return fields(a) === fields(b) ? undefined : 'struct field types changed';
}
