// Facts arrive from worker threads and cache shards as fresh copies: every `kfree` callee is its
// own string. Sharing equal strings keeps a whole kernel's facts within memory.
import type { PackedFileFacts } from '../model/packedFacts';

export class StringPool {
  private readonly pool = new Map<string, string>();

  intern<S extends string>(s: S): S {
    // The pool maps each string to an equal one, so what it returns has the type of what it was given.
    const have = this.pool.get(s) as S | undefined;
    if (have !== undefined) return have;
    this.pool.set(s, s);
    return s;
  }

  /** Interns the repeated names of one file's packed facts, in place. */
  internFile(file: PackedFileFacts): void {
    const names = file.names;
    for (let i = 0; i < names.length; i++) names[i] = this.intern(names[i]!);
    for (const fn of file.functions) {
      fn.name = this.intern(fn.name);
      // Two values, yet every decoded function had its own copy: 15 MiB on a kernel.
      fn.kind = this.intern(fn.kind);
    }
    for (const a of file.fieldAssignments) {
      a.field = this.intern(a.field);
      a.fn = this.intern(a.fn);
      if (a.structType !== undefined) a.structType = this.intern(a.structType);
      if (a.object !== undefined) a.object = this.intern(a.object);
    }
    for (const f of file.structFields) {
      f.struct = this.intern(f.struct);
      f.field = this.intern(f.field);
      f.type = this.intern(f.type);
    }
  }
}
