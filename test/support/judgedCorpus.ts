// The judged corpus (test/kernel/judged): chains read hop by hop in Debian's 6.1 and 6.12, and
// how a result is held against it. Every real one must stay in the default (likely) report; no
// false one may be in it, but for those listed below with the reason the analysis cannot see yet.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Chain } from '../../src/core/model/chain';
import type { KernelVersion } from './kernelTrees';

export interface Verdict {
  version: KernelVersion;
  round: number;
  acquire: { function: string; call: string; file: string; line: number };
  path: string[];
  sink: string;
  verdict: 'real' | 'false';
  failingHop: number | null;
  class: string | null;
  evidence: { file: string; line: number; note: string }[];
}

/**
 * False chains still rated likely, by acquiring function and the hop that fails, with why the
 * analysis does not see it. The test fails when one of them leaves the default report, so that
 * this list only shrinks.
 */
export const KNOWN_FALSE_LIKELY: readonly { version: KernelVersion; acquire: string; failsAt: string; why: string }[] = [];

export function verdicts(version: KernelVersion): Verdict[] {
  const text = readFileSync(join(process.cwd(), 'test', 'kernel', 'judged', `${version}.jsonl`), 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Verdict);
}

/** The reported chain a verdict speaks of: same acquisition, same functions, same sink (or merged hook). */
export function reported(chains: readonly Chain[], v: Verdict): Chain | undefined {
  const path = v.path.join('>');
  return chains.find((c) => {
    if (c.acquire.function !== v.acquire.function || c.acquire.call !== v.acquire.call) return false;
    const callees = c.hops.map((h) => h.callee);
    if (callees.join('>') === path && c.sink === v.sink) return true;
    // One finding per hook point: the other hook of the same last call.
    return (c.alsoSinks ?? []).includes(v.sink) && [...callees.slice(0, -1), v.sink].join('>') === path;
  });
}

/** What a result gets wrong against the corpus: real chains not likely, false ones likely (unlisted). */
export function judgeResult(version: KernelVersion, chains: readonly Chain[]): { verdicts: number; real: number; lostReal: string[]; falseLikely: string[] } {
  const all = verdicts(version);
  const lostReal: string[] = [];
  const falseLikely: string[] = [];
  for (const v of all) {
    const c = reported(chains, v);
    const label = `${v.acquire.function} > ${v.path.join(' > ')}`;
    if (v.verdict === 'real' && c?.confidence !== 'likely') lostReal.push(label);
    if (v.verdict === 'false' && c?.confidence === 'likely') {
      const failsAt = v.path[v.failingHop ?? 0] ?? '';
      if (!KNOWN_FALSE_LIKELY.some((k) => k.version === version && k.acquire === v.acquire.function && k.failsAt === failsAt)) falseLikely.push(`${label} (fails at ${failsAt})`);
    }
  }
  return { verdicts: all.length, real: all.filter((v) => v.verdict === 'real').length, lostReal, falseLikely };
}
