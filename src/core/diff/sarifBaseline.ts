// SARIF with `baselineState` on every result, as GitHub code scanning and SARIF viewers read
// it: the current chains are `new`, `unchanged` or `updated`; chains only in the baseline are
// added as `absent` results, with why they went when that is known.
import type { Log, Result } from 'sarif';
import type { Chain, ScanResult } from '../model/chain';
import type { BaselineState } from './baselineState';
import { sortChains } from '../report/json';
import { ruleDescriptor, toResult, toSarif, type SarifOptions } from '../report/sarif';

export interface AbsentChain {
  chain: Chain;
  /** Why it is gone, one sentence, when known. */
  fixedBecause?: string;
}

export function toSarifWithBaseline(
  result: ScanResult, states: ReadonlyMap<Chain, Exclude<BaselineState, 'absent'>>, absent: readonly AbsentChain[], options: SarifOptions = {},
): Log {
  const log = toSarif(result, options);
  const run = log.runs[0]!;
  const results = run.results ?? [];
  sortChains(result.chains).forEach((chain, i) => {
    results[i]!.baselineState = states.get(chain) ?? 'new';
  });
  const rules = (run.tool.driver.rules ??= []);
  const byChain = new Map(absent.map((a) => [a.chain, a.fixedBecause]));
  for (const chain of sortChains(absent.map((a) => a.chain))) {
    let ruleIndex = rules.findIndex((r) => r.id === chain.rule);
    if (ruleIndex < 0) ruleIndex = rules.push(ruleDescriptor(chain.rule)) - 1;
    const r: Result = { ...toResult(chain, ruleIndex), baselineState: 'absent' };
    const why = byChain.get(chain);
    if (why !== undefined) {
      r.message = { text: `${r.message.text ?? ''} Fixed: ${why}.` };
      r.properties = { ...r.properties, fixedBecause: why };
    }
    results.push(r);
  }
  run.results = results;
  return log;
}

export function renderSarifWithBaseline(
  result: ScanResult, states: ReadonlyMap<Chain, Exclude<BaselineState, 'absent'>>, absent: readonly AbsentChain[], options: SarifOptions = {},
): string {
  return `${JSON.stringify(toSarifWithBaseline(result, states, absent, options), null, 2)}\n`;
}
