// Facts arrive from worker threads and cache shards as fresh copies: every `kfree` callee is its
// own string. Sharing equal strings keeps a whole kernel's facts within memory.
import type { PackedFileFacts } from '../model/packedFacts';
import type { StringTable } from './snapshotStrings';

export class StringPool implements StringTable {
  private readonly index = new Map<string, number>();
  /** Every string interned, in the order first seen: a snapshot's table of names (see snapshotStrings.ts). */
  readonly table: string[] = [];

  intern<S extends string>(s: S): S {
    const at = this.index.get(s);
    // The pool holds each string's first copy, so what it returns has the type of what it was given.
    if (at !== undefined) return this.table[at] as S;
    this.index.set(s, this.table.length);
    this.table.push(s);
    return s;
  }

  /** The string's place in `table`; throws for one never interned (facts that bypassed the pool). */
  indexOf(s: string): number {
    const at = this.index.get(s);
    if (at === undefined) throw new Error(`a string outside the pool: ${JSON.stringify(s.slice(0, 60))}`);
    return at;
  }

  /** Interns the repeated names of one file's packed facts, in place. */
  internFile(file: PackedFileFacts): void {
    eachString(file, (s) => this.intern(s));
  }

  /** Adds the strings of one file's packed facts to the pool, leaving the file's own copies. */
  addFile(file: PackedFileFacts): void {
    eachString(file, (s) => {
      this.intern(s);
      return s;
    });
  }
}

/**
 * Every string of a file's packed facts, replaced in place by what `visit` gives for it: the one
 * list of them, for interning and for a snapshot's table (snapshotStrings.ts).
 */
function eachString(file: PackedFileFacts, visit: <S extends string>(s: S) => S): void {
  const names = file.names;
  for (let i = 0; i < names.length; i++) names[i] = visit(names[i]!);
  for (const fn of file.functions) {
    fn.name = visit(fn.name);
    // Two values, yet every decoded function had its own copy: 15 MiB on a kernel.
    fn.kind = visit(fn.kind);
  }
  for (const a of file.fieldAssignments) {
    a.field = visit(a.field);
    a.fn = visit(a.fn);
    if (a.structType !== undefined) a.structType = visit(a.structType);
    if (a.object !== undefined) a.object = visit(a.object);
  }
  for (const f of file.structFields) {
    f.struct = visit(f.struct);
    f.field = visit(f.field);
    f.type = visit(f.type);
  }
}
