// A diff at the default confidence compares likely chains only, as scan reports them. A chain
// that is still there on the new side, but only possible now, is then removed from the report:
// the reason says so, with what lowers it, rather than a step that no longer holds.
import type { Chain, ScanResult } from '../model/chain';
import { chainIdentity } from './chainIdentity';
import type { RemovalReason } from './removalReason';

/** Removed chains that `newAll` (every chain of the new side) still has as possible ones. */
export function demotedChains(removed: readonly Chain[], newAll: ScanResult): Map<Chain, RemovalReason> {
  const reasons = new Map<Chain, RemovalReason>();
  if (removed.length === 0) return reasons;
  const possible = new Map(newAll.chains.filter((c) => c.confidence === 'possible').map((c) => [chainIdentity(c), c]));
  for (const c of removed) {
    const now = possible.get(chainIdentity(c));
    if (now !== undefined) reasons.set(c, { kind: 'now-possible', step: -1, because: now.reasons.filter((r) => r.lowers).map((r) => r.text) });
  }
  return reasons;
}
