// The JSON form of `lockpath diff`: the contract for scripts and CI that read it. Chains are
// written as in the scan report; lists are in report order (by id) so output is byte-stable.
import type { Chain } from '../model/chain';
import { compareText } from '../model/compareText';
import { describeChange, type ChainDiff, type DiffSideInfo } from './chainDiff';
import { describeRemoval, type RemovalReason } from './removalReason';
import { LOCKPATH_VERSION } from '../version';
import { toJsonChain, type JsonChain } from '../report/json';

export interface JsonDiffReport {
  tool: 'lockpath';
  version: string;
  kind: 'diff';
  old: DiffSideInfo;
  new: DiffSideInfo;
  rules: string[];
  counts: { added: number; removed: number; changed: number; unchanged: number };
  added: JsonChain[];
  removed: { chain: JsonChain; reason: RemovalReason & { text: string } }[];
  changed: { old: JsonChain; new: JsonChain; firstDifference: number; text: string }[];
  unchanged: { old: string; new: string }[];
}

const byId = (a: Chain, b: Chain): number => compareText(a.id, b.id);

export function toJsonDiff(diff: ChainDiff): JsonDiffReport {
  return {
    tool: 'lockpath',
    version: LOCKPATH_VERSION,
    kind: 'diff',
    old: { ...diff.old },
    new: { ...diff.new },
    rules: [...diff.rules],
    counts: { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length, unchanged: diff.unchanged.length },
    added: [...diff.added].sort(byId).map(toJsonChain),
    removed: [...diff.removed].sort((a, b) => byId(a.chain, b.chain)).map((r) => ({ chain: toJsonChain(r.chain), reason: { ...r.reason, text: describeRemoval(r.reason) } })),
    changed: [...diff.changed].sort((a, b) => byId(a.new, b.new)).map((c) => ({
      old: toJsonChain(c.old), new: toJsonChain(c.new), firstDifference: c.firstDifference, text: describeChange(c),
    })),
    unchanged: [...diff.unchanged].sort((a, b) => byId(a.new, b.new)).map((p) => ({ old: p.old.id, new: p.new.id })),
  };
}

export function renderJsonDiff(diff: ChainDiff): string {
  return `${JSON.stringify(toJsonDiff(diff), null, 2)}\n`;
}
