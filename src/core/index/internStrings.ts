// Facts arrive from worker threads and cache shards as fresh copies: every `kfree` callee is its
// own string. Sharing equal strings keeps a whole kernel's facts within memory.
import type { FileFacts } from '../model/facts';

export class StringPool {
  private readonly pool = new Map<string, string>();

  intern(s: string): string {
    const have = this.pool.get(s);
    if (have !== undefined) return have;
    this.pool.set(s, s);
    return s;
  }

  /** Interns the repeated names of one file's facts, in place. */
  internFacts(facts: FileFacts): void {
    for (const fn of facts.functions) {
      fn.name = this.intern(fn.name);
      for (const c of fn.calls) {
        c.callee = this.intern(c.callee);
        if (c.receiverType !== undefined) c.receiverType = this.intern(c.receiverType);
        if (c.assignedTo !== undefined) c.assignedTo = this.intern(c.assignedTo);
      }
      for (const b of fn.flow.blocks) {
        for (const e of b.succ) if (e.cond !== undefined) e.cond.subject = this.intern(e.cond.subject);
        for (const ev of b.events) if (ev.kind === 'kill') ev.variable = this.intern(ev.variable);
      }
    }
    for (const a of facts.fieldAssignments) {
      a.field = this.intern(a.field);
      a.fn = this.intern(a.fn);
      if (a.structType !== undefined) a.structType = this.intern(a.structType);
    }
    for (const f of facts.structFields) {
      f.struct = this.intern(f.struct);
      f.field = this.intern(f.field);
      f.type = this.intern(f.type);
    }
  }
}
