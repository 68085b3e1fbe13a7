// Which chains a report shows: the likely ones by default; with `possible`, all of them. The
// result keeps saying how many it leaves out, so a reader knows there is more on request.
import type { Confidence, ScanResult } from '../model/chain';

export function atConfidence(result: ScanResult, least: Confidence): ScanResult {
  const possible = result.chains.filter((c) => c.confidence === 'possible').length;
  const stats = { ...result.stats, possibleChains: possible };
  if (least === 'possible') return { ...result, stats };
  return { ...result, stats: { ...stats, hiddenChains: possible }, chains: result.chains.filter((c) => c.confidence === 'likely') };
}
