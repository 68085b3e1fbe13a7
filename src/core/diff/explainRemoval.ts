// Walks a removed chain step by step over the new side and names the first step that no longer
// holds: the acquisition gone or moved, a call gone, the hold released earlier, a call exempt.
import type { Chain } from '../model/chain';
import type { RemovalReason } from './removalReason';
import type { SideView } from './sideView';

export function explainRemoval(chain: Chain, side: SideView): RemovalReason {
  const { function: acquirer, call } = chain.acquire;
  if (side.defines(acquirer) === false) {
    const into = acquiredNowBy(chain, side);
    return into.length > 0 ? { kind: 'acquisition-moved', step: 0, fn: acquirer, call, into } : { kind: 'function-gone', step: 0, fn: acquirer };
  }
  const acquires = side.acquires(acquirer, call);
  if (acquires === false) {
    const into = acquiredNowBy(chain, side);
    return into.length > 0 ? { kind: 'acquisition-moved', step: 0, fn: acquirer, call, into } : { kind: 'acquisition-gone', step: 0, fn: acquirer, call };
  }
  if (acquires === undefined) return { kind: 'not-seen', step: 0, caller: acquirer, callee: call };
  for (let i = 0; i < chain.hops.length; i++) {
    const hop = chain.hops[i]!;
    const step = i + 1;
    if (i > 0 && side.defines(hop.caller) === false) return { kind: 'function-gone', step, fn: hop.caller };
    const calls = side.calls(hop.caller, hop.callee);
    if (calls === false) {
      const instead = i === 0 ? laterCallOutsideHold(chain, side) : undefined;
      if (instead !== undefined) return { kind: 'released-earlier', step, fn: acquirer, call, callee: hop.callee, instead };
      return { kind: 'call-gone', step, caller: hop.caller, callee: hop.callee, calleeGone: side.defines(hop.callee) === false && hop.callee !== chain.sink };
    }
    if (calls === undefined) return { kind: 'not-seen', step, caller: hop.caller, callee: hop.callee };
    const held = i === 0 ? side.heldAt(acquirer, call, hop.callee) : side.keepsHold(hop.caller, hop.callee);
    if (held === false) {
      return i === 0 ? { kind: 'released-earlier', step, fn: acquirer, call, callee: hop.callee } : { kind: 'hold-dropped', step, caller: hop.caller, callee: hop.callee };
    }
    if (side.exempt(hop.caller, hop.callee) === true) return { kind: 'exempt', step, caller: hop.caller, callee: hop.callee };
  }
  if (side.isSink(chain.sink) === false) return { kind: 'sink-gone', step: chain.hops.length, sink: chain.sink };
  return { kind: 'unexplained', step: -1 };
}

/**
 * Functions the chain's functions refer to (call, or pass on as an actor) that now call the
 * acquisition the chain's acquirer no longer makes: where it moved, on the new side.
 */
function acquiredNowBy(chain: Chain, side: SideView): string[] {
  const now = side.acquirers(chain.acquire.call);
  if (now === undefined) return [];
  const referenced = new Set<string>();
  for (const f of [chain.acquire.function, ...chain.hops.map((h) => h.callee)]) for (const name of side.references(f) ?? []) referenced.add(name);
  return now.filter((f) => f !== chain.acquire.function && referenced.has(f));
}

/** A later function of the path the acquirer now calls itself, outside the hold. */
function laterCallOutsideHold(chain: Chain, side: SideView): string | undefined {
  const { function: acquirer, call } = chain.acquire;
  for (const hop of chain.hops.slice(1)) {
    if (side.calls(acquirer, hop.callee) === true && side.heldAt(acquirer, call, hop.callee) === false) return hop.callee;
  }
  return undefined;
}

/**
 * Moves stand only for functions that did not take the hold on the old side already: the
 * others are dropped, and a move with none left is an acquisition gone.
 */
export function confirmMove(reason: RemovalReason, acquiredBefore: ReadonlySet<string>): RemovalReason {
  if (reason.kind !== 'acquisition-moved') return reason;
  const into = reason.into.filter((f) => !acquiredBefore.has(f));
  if (into.length > 0) return { ...reason, into };
  return { kind: 'acquisition-gone', step: 0, fn: reason.fn, call: reason.call };
}
