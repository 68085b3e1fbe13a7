// Which chains a report shows: the likely ones by default; with `possible`, all of them. The
// result keeps saying how many it leaves out, so a reader knows there is more on request.
import type { Confidence, ScanResult } from '../model/chain';

/** Possible chains a result replayed for a likely-only report left unread (see readResult). */
export function unreadPossible(result: ScanResult): number {
  return result.chains.some((c) => c.confidence === 'possible') ? 0 : result.stats.possibleChains ?? 0;
}

export function atConfidence(result: ScanResult, least: Confidence): ScanResult {
  const listed = result.chains.filter((c) => c.confidence === 'possible').length;
  const unread = unreadPossible(result);
  if (least === 'possible' && unread > 0) throw new Error(`the result lists none of its ${unread} possible chains`);
  const possible = listed + unread;
  const stats = { ...result.stats, possibleChains: possible };
  if (least === 'possible') return { ...result, stats };
  return { ...result, stats: { ...stats, hiddenChains: possible }, chains: result.chains.filter((c) => c.confidence === 'likely') };
}
