// Held-context dataflow over one function's control flow. Path-sensitive enough for the
// kernel's error handling: a conditional acquisition (`err = mnt_want_write(m); if (err)
// return err;`) is pending until a branch tests its result, and branches on variables the
// function returns are remembered so that its own return value can say whether it holds.
import type { FunctionFact, ReturnValue } from '../model/facts';
import type { AcquireWhen } from './ruleSpec';

export interface CallEffect {
  acquire?: AcquireWhen;
  release?: 'always' | 'maybe';
  /** Wrapper levels above a primitive (absent for primitives). */
  depth?: number;
}

/** Attribution of a held context to the call that took it; ENTRY when the caller held it. */
export const ENTRY = -1;
const NONE = -2;
const MAX_DEPTH = 3;
const MAX_STATES_PER_BLOCK = 48;
const MAX_PENDING = 3;

interface Pending {
  /** `v:name` for a variable holding the result, `c:index` for the call's own value. */
  subject: string;
  when: AcquireWhen;
  call: number;
}

interface State {
  depth: number;
  /** Call index that took the outermost hold, ENTRY, or NONE. */
  acq: number;
  /** Conditional acquisitions whose result no branch has tested yet. */
  pending: readonly Pending[];
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
  /** The state budget ran out: results are partial (reported as not analysed). */
  truncated: boolean;
}

/** States one function may visit; far above what real kernel functions need (a few hundred). */
const STATE_BUDGET = 200_000;

/** Traces what is held through one body's control flow: under which holds each call runs, and how it can exit. */
export function traceHolds(
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
  const entry: State = { depth: entryHeld ? 1 : 0, acq: entryHeld ? ENTRY : NONE, pending: [], facts: '' };

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
    for (const p of s.pending) holders.add(p.call);
    if (holders.size > 0) heldBy[call] = holders;
  };

  enqueue(0, entry);
  let budget = STATE_BUDGET;
  while (work.length > 0) {
    if (--budget < 0) return { heldBy, exits, truncated: true };
    const [blockIndex, start] = work.pop()!;
    const block = blocks[blockIndex]!;
    let states: State[] = [start];
    for (const event of block.events) {
      const next: State[] = [];
      for (const s of states) {
        if (event.kind === 'kill') {
          const t = forget(materialize(s, `v:${event.variable}`), event.variable);
          next.push(event.value !== undefined && tracked.has(event.variable) ? remember(t, event.variable, event.value === 'zero' ? 'z' : 'nz') : t);
          continue;
        }
        markHeld(event.call, s);
        const site = fn.calls[event.call]!;
        let t = s;
        if (site.assignedTo !== undefined) {
          t = forget(materialize(t, `v:${site.assignedTo}`), site.assignedTo);
        }
        const effect = effectOf(event.call);
        if (effect?.acquire !== undefined) {
          if (effect.acquire === 'always') {
            t = acquire(t, event.call);
          } else {
            const subject = site.assignedTo !== undefined ? `v:${site.assignedTo}` : `c:${event.call}`;
            const when = site.assignedNegated === true ? negate(effect.acquire) : effect.acquire;
            // The same subject again (a loop) settles the earlier one; a few pending at once is plenty.
            t = materialize(t, subject);
            if (t.pending.length >= MAX_PENDING) t = materialize(t, t.pending[0]!.subject);
            t = { ...t, pending: [...t.pending, { subject, when, call: event.call }] };
          }
          next.push(t);
        } else if (effect?.release !== undefined) {
          // A release pairs with a hold already taken; only with none does it settle a pending one.
          const released = release(t.depth > 0 ? t : materialize(t));
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
  return { heldBy, exits, truncated: false };
}

/** `ok = !f()`: success of f() reads as the opposite value of ok. */
function negate(when: AcquireWhen): AcquireWhen {
  return when === 'zero' ? 'nonzero' : when === 'nonzero' ? 'zero' : when;
}

function stateKey(s: State): string {
  return `${s.depth}|${s.acq}|${s.pending.map((p) => `${p.subject}/${p.when}/${p.call}`).join(',')}|${s.facts}`;
}

function acquire(s: State, call: number): State {
  return { ...s, depth: Math.min(s.depth + 1, MAX_DEPTH), acq: s.depth === 0 ? call : s.acq };
}

function release(s: State): State {
  const depth = Math.max(s.depth - 1, 0);
  return { ...s, depth, acq: depth === 0 ? NONE : s.acq };
}

/** Pending acquisitions (all, or those on `subject`) whose result nobody tests any more: assume they succeeded. */
function materialize(s: State, subject?: string): State {
  if (s.pending.length === 0) return s;
  let t: State = { ...s, pending: [] };
  for (const p of s.pending) {
    if (subject === undefined || p.subject === subject) t = acquire(t, p.call);
    else t = { ...t, pending: [...t.pending, p] };
  }
  return t;
}

function forget(s: State, variable: string): State {
  if (factOf(s.facts, variable) === undefined) return s;
  const facts = s.facts.split(';').filter((f) => !f.startsWith(`${variable}=`)).join(';');
  return facts === s.facts ? s : { ...s, facts };
}

function applyCondition(s: State, subject: string, nonzero: boolean, tracked: ReadonlySet<string>): State | undefined {
  let t = s;
  const resolved = t.pending.find((p) => p.subject === subject);
  if (resolved !== undefined) {
    const success = resolved.when === 'zero' ? !nonzero : nonzero;
    const cleared: State = { ...t, pending: t.pending.filter((p) => p !== resolved) };
    t = success ? acquire(cleared, resolved.call) : cleared;
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

/** `s` knowing `name`'s value too (it knew nothing of it): the entry goes where sorting would put it. */
function remember(s: State, name: string, value: 'z' | 'nz'): State {
  const entry = `${name}=${value}`;
  const { facts } = s;
  const at = findEntry(facts, (start, stop) => facts.slice(start, stop) > entry);
  if (at >= 0) return { ...s, facts: `${facts.slice(0, at)}${entry};${facts.slice(at)}` };
  return { ...s, facts: facts === '' ? entry : `${facts};${entry}` };
}

const EQUALS = '='.charCodeAt(0);

/** What `facts` knows of `name`. */
function factOf(facts: string, name: string): string | undefined {
  const at = findEntry(facts, (start) => facts.startsWith(name, start) && facts.charCodeAt(start + name.length) === EQUALS);
  if (at < 0) return undefined;
  const end = facts.indexOf(';', at);
  return facts.slice(at + name.length + 1, end < 0 ? facts.length : end);
}

/**
 * Where the first entry of `facts` that `match` accepts starts (it runs to `stop`), or -1. Read
 * in place: asked at every branch and assignment of every state, where splitting the list made
 * most of a function's garbage.
 */
function findEntry(facts: string, match: (start: number, stop: number) => boolean): number {
  for (let at = 0; at < facts.length;) {
    const end = facts.indexOf(';', at);
    const stop = end < 0 ? facts.length : end;
    if (match(at, stop)) return at;
    at = stop + 1;
  }
  return -1;
}

function exitState(s: State, value: ReturnValue, tracked: ReadonlySet<string>): ExitState {
  const e: ExitState = { held: s.depth >= 1, value };
  for (const p of s.pending) {
    const returned = (value.kind === 'var' && p.subject === `v:${value.name}`) || (value.kind === 'call' && p.subject === `c:${value.call}`);
    if (returned) e.pendingReturned = p.when;
    else e.pendingUnreturned = true;
  }
  if (value.kind === 'var' && tracked.has(value.name)) {
    const known = factOf(s.facts, value.name);
    if (known !== undefined) e.valueKnown = known === 'z' ? 'zero' : 'nonzero';
  }
  return e;
}
