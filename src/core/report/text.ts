// Human-readable report for the terminal. Chains use the same rendering as the goldens so a
// line seen in the CLI can be searched for in a golden and the other way round.
import type { Chain, ScanResult, ScanStats } from '../model/chain';
import { oneLine, renderChainLines } from '../chains/renderChain';
import { sortChains, sortNotAnalysed, sortSkipped } from './json';

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `850 ms` under a second, `12.3 s` above: enough precision to compare runs by eye. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `2 chains (1 through function pointers) in 10 files, 50 functions, 200 call sites; ... 1.2 s` */
export function summaryLine(result: ScanResult): string {
  const s: ScanStats = result.stats;
  const indirect = result.chains.filter((c) => c.indirect).length;
  const chains = plural(result.chains.length, 'chain') + (indirect > 0 ? ` (${indirect} through function pointers)` : '');
  const extra: string[] = [];
  if ((s.hiddenChains ?? 0) > 0) extra.push(`${plural(s.hiddenChains!, 'possible chain')} not shown (--confidence possible)`);
  if ((s.tokenReadFiles ?? 0) > 0) extra.push(`${plural(s.tokenReadFiles!, 'file')} read from tokens`);
  if (s.filesWithErrors > 0) extra.push(`${plural(s.filesWithErrors, 'file')} with parse errors`);
  if ((s.bracelessFiles ?? 0) > 0) extra.push(`${plural(s.bracelessFiles!, 'file')} without braces (not parsed)`);
  if (s.skippedFiles > 0) extra.push(`${plural(s.skippedFiles, 'file')} skipped`);
  if (s.cachedFiles > 0) extra.push(`${s.cachedFiles} from cache`);
  const scanned = `${plural(s.files, 'file')}, ${plural(s.functions, 'function')}, ${plural(s.callSites, 'call site')}`;
  return `${chains} in ${scanned}${extra.length > 0 ? `; ${extra.join(', ')}` : ''}; ${formatDuration(s.durationMs)}`;
}

function confidenceRank(chain: Chain): number {
  return chain.confidence === 'likely' ? 0 : 1;
}

/** The whole report, each line ending in a newline. */
export function renderText(result: ScanResult): string {
  const out: string[] = [];
  out.push(`lockpath ${oneLine(result.version)}  ${oneLine(result.root)}`);
  out.push(`rules: ${result.rules.length > 0 ? result.rules.map(oneLine).join(', ') : '(none)'}`);
  out.push('');

  // Most likely and shortest first: the chains a reader should look at come before the rest.
  const chains = sortChains(result.chains).sort((a, b) => confidenceRank(a) - confidenceRank(b) || a.hops.length - b.hops.length);
  chains.forEach((chain, i) => {
    out.push(`chain ${i + 1}/${chains.length}  ${oneLine(chain.rule)}  ${oneLine(chain.id)}  [${chain.confidence}]`);
    for (const line of renderChainLines(chain)) out.push(`  ${line}`);
    if (chain.alsoSinks !== undefined) out.push(`  the same call also reaches ${chain.alsoSinks.map(oneLine).join(', ')}`);
    for (const r of chain.reasons) if (r.lowers) out.push(`  possible: ${r.hop < 0 ? 'the hold' : `hop ${r.hop + 1}`}: ${oneLine(r.text)}`);
    out.push('');
  });

  out.push(summaryLine(result));

  if (result.skipped.length > 0) {
    out.push('');
    out.push(`skipped files (${result.skipped.length}):`);
    for (const s of sortSkipped(result.skipped)) out.push(`  ${oneLine(s.file)}: ${oneLine(s.reason)}`);
  }
  if (result.notAnalysed.length > 0) {
    out.push('');
    out.push('not analysed:');
    for (const n of sortNotAnalysed(result.notAnalysed)) out.push(`  ${oneLine(n.what)} (${n.count}): ${oneLine(n.reason)}`);
  }
  return out.map((l) => `${l}\n`).join('');
}
