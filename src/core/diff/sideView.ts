// What one side of a diff can say about the code a chain of the other side went through. A
// side backed by a tree (its call graph and rule model) knows; a side known only from its
// result file knows what its chains show, and says `undefined` (cannot tell) for the rest.
import type { ScanResult } from '../model/chain';

/** true / false when the side knows; undefined when it cannot tell. */
export type Answer = boolean | undefined;

export interface SideView {
  /** A function of this name is defined. */
  defines(fn: string): Answer;
  /** `caller` calls `callee`, by name or through a function pointer that may hold it. */
  calls(caller: string, callee: string): Answer;
  /** `fn` calls `acquireCall` (the primitive or wrapper that takes the hold). */
  acquires(fn: string, acquireCall: string): Answer;
  /** In `fn`, a call to `callee` runs under a hold that `fn`'s own call to `acquireCall` took. */
  heldAt(fn: string, acquireCall: string, callee: string): Answer;
  /** A call from `caller` to `callee` still runs under the hold `caller` was entered with. */
  keepsHold(caller: string, callee: string): Answer;
  /** Every call from `caller` to `callee` is exempt by its arguments (a write-side check). */
  exempt(caller: string, callee: string): Answer;
  /** `sink` is a sink of the rule. */
  isSink(sink: string): Answer;
  /** Every function that calls `acquireCall`; undefined when the side cannot list them. */
  acquirers(acquireCall: string): readonly string[] | undefined;
  /** Names `fn` refers to: its callees and the identifiers in its calls' arguments (actors passed on). */
  references(fn: string): ReadonlySet<string> | undefined;
}

/** A side known from its result alone: what its chains show is true, the rest unknown. */
export function resultSideView(result: ScanResult, rule: string): SideView {
  const chains = result.chains.filter((c) => c.rule === rule);
  const seen = (test: (c: (typeof chains)[number]) => boolean): Answer => (chains.some(test) ? true : undefined);
  return {
    defines: (fn) => seen((c) => c.acquire.function === fn || c.hops.some((h) => h.caller === fn || h.callee === fn)),
    calls: (caller, callee) => seen((c) => c.hops.some((h) => h.caller === caller && h.callee === callee)),
    acquires: (fn, call) => seen((c) => c.acquire.function === fn && c.acquire.call === call),
    heldAt: (fn, call, callee) => seen((c) => c.acquire.function === fn && c.acquire.call === call && c.hops[0]?.callee === callee),
    keepsHold: (caller, callee) => seen((c) => c.hops.some((h, i) => i > 0 && h.caller === caller && h.callee === callee)),
    exempt: () => undefined,
    isSink: (sink) => seen((c) => c.sink === sink),
    acquirers: () => undefined,
    references: () => undefined,
  };
}
