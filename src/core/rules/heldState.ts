// Held-context dataflow over one function's control flow. Path-sensitive enough for the
// kernel's error handling: a conditional acquisition (`err = mnt_want_write(m); if (err)
// return err;`) is pending until a branch tests its result, and branches on variables the
// function returns are remembered so that its own return value can say whether it holds.
import type { FunctionFact, ReturnValue } from '../model/facts';
import type { AcquireWhen } from './ruleSpec';

export interface CallEffect {
  acquire?: AcquireWhen;
  release?: 'always' | 'maybe';
}

/** Attribution of a held context to the call that took it; ENTRY when the caller held it. */
export const ENTRY = -1;
const NONE = -2;
const MAX_DEPTH = 3;
const MAX_STATES_PER_BLOCK = 48;

interface State {
  depth: number;
  /** Call index that took the outermost hold, ENTRY, or NONE. */
  acq: number;
  /** Subject of a pending conditional acquisition: `v:name` or `c:index`. */
  pending: string | undefined;
  pendingWhen: AcquireWhen;
  pendingCall: number;
  /** Known zero/non-zero facts about returned variables, `name=z` / `name=nz`, sorted. */
  facts: string;
}

export interface ExitState {
  held: boolean;
  /** A pending conditional acquisition at the exit, and whether the return value is its result. */
  pendingReturned?: AcquireWhen;
  pendingUnreturned?: boolean;
  value: ReturnValue;
  /** What the state knows of the returned variable, if the value is a variable. */
  valueKnown?: 'zero' | 'nonzero';
}

export interface FlowResult {
  /** Per call index: the holds (acquiring call indices, or ENTRY) under which it runs. */
  heldBy: (Set<number> | undefined)[];
  exits: ExitState[];
}

export function analyzeFlow(
  fn: FunctionFact,
  effectOf: (callIndex: number) => CallEffect | undefined,
  entryHeld: boolean,
): FlowResult {
  const blocks = fn.flow.blocks;
  const tracked = new Set(fn.flow.trackedVars ?? fn.flow.returnedVars);
  const heldBy: (Set<number> | undefined)[] = new Array(fn.calls.length);
  const exits: ExitState[] = [];
  const seen: Map<string, State>[] = blocks.map(() => new Map());
  const work: [number, State][] = [];
  const entry: State = { depth: entryHeld ? 1 : 0, acq: entryHeld ? ENTRY : NONE, pending: undefined, pendingWhen: 'always', pendingCall: -1, facts: '' };

  const enqueue = (block: number, s: State): void => {
    const set = seen[block]!;
    let state = s;
    if (set.size >= MAX_STATES_PER_BLOCK && state.facts !== '') state = { ...state, facts: '' };
    const key = stateKey(state);
    if (set.has(key)) return;
    set.set(key, state);
    work.push([block, state]);
  };

  const markHeld = (call: number, s: State): void => {
    const holders = heldBy[call] ?? new Set<number>();
    if (s.depth >= 1) holders.add(s.acq);
    if (s.pending !== undefined) holders.add(s.pendingCall);
    if (holders.size > 0) heldBy[call] = holders;
  };

  enqueue(0, entry);
  while (work.length > 0) {
    const [blockIndex, start] = work.pop()!;
    const block = blocks[blockIndex]!;
    let states: State[] = [start];
    for (const event of block.events) {
      const next: State[] = [];
      for (const s of states) {
        if (event.kind === 'kill') {
          const t = forget(s.pending === `v:${event.variable}` ? materialize(s) : s, event.variable);
          next.push(event.value !== undefined && tracked.has(event.variable) ? remember(t, event.variable, event.value === 'zero' ? 'z' : 'nz') : t);
          continue;
        }
        markHeld(event.call, s);
        const site = fn.calls[event.call]!;
        let t = s;
        if (site.assignedTo !== undefined) {
          if (t.pending === `v:${site.assignedTo}`) t = materialize(t);
          t = forget(t, site.assignedTo);
        }
        const effect = effectOf(event.call);
        if (effect?.acquire !== undefined) {
          t = materialize(t);
          if (effect.acquire === 'always') {
            t = acquire(t, event.call);
          } else {
            const subject = site.assignedTo !== undefined ? `v:${site.assignedTo}` : `c:${event.call}`;
            const when = site.assignedNegated === true ? negate(effect.acquire) : effect.acquire;
            t = { ...t, pending: subject, pendingWhen: when, pendingCall: event.call };
          }
          next.push(t);
        } else if (effect?.release !== undefined) {
          const released = release(materialize(t));
          next.push(released);
          if (effect.release === 'maybe') next.push(t);
        } else {
          next.push(t);
        }
      }
      states = next;
    }
    for (const s of states) {
      if (block.exit !== undefined) exits.push(exitState(s, block.exit, tracked));
      for (const edge of block.succ) {
        const t = edge.cond === undefined ? s : applyCondition(s, edge.cond.subject, edge.cond.nonzero, tracked);
        if (t !== undefined) enqueue(edge.to, t);
      }
    }
  }
  return { heldBy, exits };
}

/** `ok = !f()`: success of f() reads as the opposite value of ok. */
function negate(when: AcquireWhen): AcquireWhen {
  return when === 'zero' ? 'nonzero' : when === 'nonzero' ? 'zero' : when;
}

function stateKey(s: State): string {
  return `${s.depth}|${s.acq}|${s.pending ?? ''}|${s.pendingWhen}|${s.pendingCall}|${s.facts}`;
}

function acquire(s: State, call: number): State {
  return { ...s, depth: Math.min(s.depth + 1, MAX_DEPTH), acq: s.depth === 0 ? call : s.acq };
}

function release(s: State): State {
  const depth = Math.max(s.depth - 1, 0);
  return { ...s, depth, acq: depth === 0 ? NONE : s.acq };
}

/** A pending acquisition whose result nobody tests any more: assume it succeeded. */
function materialize(s: State): State {
  if (s.pending === undefined) return s;
  return { ...acquire(s, s.pendingCall), pending: undefined, pendingCall: -1, pendingWhen: 'always' };
}

function forget(s: State, variable: string): State {
  if (s.facts === '') return s;
  const facts = s.facts.split(';').filter((f) => !f.startsWith(`${variable}=`)).join(';');
  return facts === s.facts ? s : { ...s, facts };
}

function applyCondition(s: State, subject: string, nonzero: boolean, tracked: ReadonlySet<string>): State | undefined {
  let t = s;
  if (t.pending === subject) {
    const success = t.pendingWhen === 'zero' ? !nonzero : nonzero;
    const cleared: State = { ...t, pending: undefined, pendingCall: -1, pendingWhen: 'always' };
    t = success ? acquire(cleared, t.pendingCall) : cleared;
  }
  if (subject.startsWith('v:')) {
    const name = subject.slice(2);
    if (tracked.has(name)) {
      const known = factOf(t.facts, name);
      const want = nonzero ? 'nz' : 'z';
      if (known !== undefined && known !== want) return undefined; // this path cannot happen
      if (known === undefined) t = remember(t, name, want);
    }
  }
  return t;
}

function remember(s: State, name: string, value: 'z' | 'nz'): State {
  return { ...s, facts: [...(s.facts === '' ? [] : s.facts.split(';')), `${name}=${value}`].sort().join(';') };
}

function factOf(facts: string, name: string): string | undefined {
  if (facts === '') return undefined;
  for (const f of facts.split(';')) if (f.startsWith(`${name}=`)) return f.slice(name.length + 1);
  return undefined;
}

function exitState(s: State, value: ReturnValue, tracked: ReadonlySet<string>): ExitState {
  const e: ExitState = { held: s.depth >= 1, value };
  if (s.pending !== undefined) {
    const returned = (value.kind === 'var' && s.pending === `v:${value.name}`) || (value.kind === 'call' && s.pending === `c:${value.call}`);
    if (returned) e.pendingReturned = s.pendingWhen;
    else e.pendingUnreturned = true;
  }
  if (value.kind === 'var' && tracked.has(value.name)) {
    const known = factOf(s.facts, value.name);
    if (known !== undefined) e.valueKnown = known === 'z' ? 'zero' : 'nonzero';
  }
  return e;
}
