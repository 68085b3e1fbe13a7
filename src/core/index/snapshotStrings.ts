// The strings of a snapshot segment's files in one table, the records holding indexes into it.
// A kernel's snapshot holds millions of names (callees, functions and their kinds, fields and
// struct types), most of them repeats: decoded one by one, each came back as a string of its
// own, which the string pool then hashed and looked up to share it (5 of the 10 s a whole 6.12
// snapshot took to read). The table is decoded and pooled once; records carry numbers, field
// stores and struct fields packed in Int32Arrays rather than one object each.
import type { FieldAssignment, StructField } from '../model/facts';
import type { PackedFileFacts, PackedFunction } from '../model/packedFacts';
import { StringPool } from './internStrings';

/** A file's packed facts as a segment record holds them: strings as indexes into the segment's table. */
export interface TabledFile extends Omit<PackedFileFacts, 'names' | 'functions' | 'fieldAssignments' | 'structFields'> {
  names: Int32Array;
  functions: TabledFunction[];
  /** ASSIGNMENT_STRIDE per store: field, fn, structType or -1, object or -1, line. */
  fieldAssignments: Int32Array;
  /** STRUCT_FIELD_STRIDE per field: struct, field, type. */
  structFields: Int32Array;
}

type TabledFunction = Omit<PackedFunction, 'name' | 'kind'> & { name: number; kind: number };

const ASSIGNMENT_STRIDE = 5;
const STRUCT_FIELD_STRIDE = 3;
const ABSENT = -1;

/** The strings a segment's records index: its table, and a string's place in it. */
export interface StringTable {
  readonly table: readonly string[];
  indexOf(s: string): number;
}

/** The strings of the files a segment will hold, gathered from them (a delta's few files): a pool of their own. */
export class SegmentStrings extends StringPool {
  constructor(files: readonly PackedFileFacts[]) {
    super();
    for (const f of files) this.addFile(f);
  }
}

/** The file's record against `strings`, which must hold every string of it; its facts are not changed. */
export function encodeTabled(f: PackedFileFacts, strings: StringTable): TabledFile {
  // Plain loops writing in place: a kernel's base holds millions of these strings.
  const names = new Int32Array(f.names.length);
  for (let i = 0; i < names.length; i++) names[i] = strings.indexOf(f.names[i]!);
  const assignments = new Int32Array(f.fieldAssignments.length * ASSIGNMENT_STRIDE);
  for (let i = 0, o = 0; i < f.fieldAssignments.length; i++, o += ASSIGNMENT_STRIDE) {
    const a = f.fieldAssignments[i]!;
    assignments[o] = strings.indexOf(a.field);
    assignments[o + 1] = strings.indexOf(a.fn);
    assignments[o + 2] = a.structType === undefined ? ABSENT : strings.indexOf(a.structType);
    assignments[o + 3] = a.object === undefined ? ABSENT : strings.indexOf(a.object);
    assignments[o + 4] = a.line;
  }
  const structFields = new Int32Array(f.structFields.length * STRUCT_FIELD_STRIDE);
  for (let i = 0, o = 0; i < f.structFields.length; i++, o += STRUCT_FIELD_STRIDE) {
    const s = f.structFields[i]!;
    structFields[o] = strings.indexOf(s.struct);
    structFields[o + 1] = strings.indexOf(s.field);
    structFields[o + 2] = strings.indexOf(s.type);
  }
  return {
    ...f,
    names,
    functions: f.functions.map((fn) => ({ ...fn, name: strings.indexOf(fn.name), kind: strings.indexOf(fn.kind) })),
    fieldAssignments: assignments,
    structFields,
  };
}

/**
 * A record back as packed facts, its strings taken from `table` (pooled by the caller); throws
 * when an index is outside the table (a damaged record). Functions are rewritten in place:
 * copies of a kernel's 680 000 function records would only be garbage.
 */
export function decodeTabled(record: TabledFile, table: readonly string[]): PackedFileFacts {
  const at = (i: number): string => {
    const s = table[i];
    if (s === undefined) throw new Error(`a name index (${i}) outside the segment's table of ${table.length}`);
    return s;
  };
  const names = new Array<string>(record.names.length);
  for (let i = 0; i < names.length; i++) names[i] = at(record.names[i]!);
  const functions = record.functions as unknown as PackedFunction[];
  record.functions.forEach((fn, i) => {
    const out = functions[i]!;
    out.name = at(fn.name);
    out.kind = at(fn.kind) as PackedFunction['kind'];
  });
  const a = record.fieldAssignments;
  const fieldAssignments: FieldAssignment[] = [];
  for (let i = 0; i < a.length; i += ASSIGNMENT_STRIDE) {
    const field = at(a[i]!);
    const fn = at(a[i + 1]!);
    const line = a[i + 4]!;
    const structType = a[i + 2]!;
    const object = a[i + 3]!;
    // Whole literals: a property added after one goes to a backing store of its own (16 MB more
    // over a kernel's stores than the objects the parser made).
    fieldAssignments.push(structType === ABSENT
      ? (object === ABSENT ? { field, fn, line } : { field, fn, line, object: at(object) })
      : (object === ABSENT ? { field, fn, line, structType: at(structType) } : { field, fn, line, structType: at(structType), object: at(object) }));
  }
  const s = record.structFields;
  const structFields: StructField[] = [];
  for (let i = 0; i < s.length; i += STRUCT_FIELD_STRIDE) structFields.push({ struct: at(s[i]!), field: at(s[i + 1]!), type: at(s[i + 2]!) });
  return { ...record, names, functions, fieldAssignments, structFields };
}
