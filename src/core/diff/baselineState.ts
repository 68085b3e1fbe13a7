// SARIF `baselineState` for the chains of a scan against a baseline result: `new`, `unchanged`
// (same identity, wherever its lines moved), `updated` (same acquisition and sink, another
// path), and `absent` for chains only in the baseline.
import type { Chain } from '../model/chain';
import { matchChains } from './matchChains';

export type BaselineState = 'new' | 'unchanged' | 'updated' | 'absent';

export interface BaselineComparison {
  /** State of each current chain. */
  states: Map<Chain, Exclude<BaselineState, 'absent'>>;
  /** Chains of the baseline that the current result no longer has. */
  absent: Chain[];
}

export function compareToBaseline(baseline: readonly Chain[], current: readonly Chain[]): BaselineComparison {
  const match = matchChains(baseline, current);
  const states = new Map<Chain, Exclude<BaselineState, 'absent'>>();
  for (const c of current) states.set(c, 'new');
  for (const p of match.unchanged) states.set(p.new, 'unchanged');
  for (const p of match.changed) states.set(p.new, 'updated');
  return { states, absent: match.removed };
}

export function countStates(cmp: BaselineComparison): Record<BaselineState, number> {
  const counts: Record<BaselineState, number> = { new: 0, unchanged: 0, updated: 0, absent: cmp.absent.length };
  for (const s of cmp.states.values()) counts[s]++;
  return counts;
}
