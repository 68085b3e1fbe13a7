// `lockpath diff` for the terminal: added, removed (fixed, with the step that no longer holds),
// changed (old and new path), and how many stayed the same. Chains render as in `scan`.
import type { Chain } from '../model/chain';
import { compareText } from '../model/compareText';
import { oneLine, renderChainLines } from '../chains/renderChain';
import { describeChange, type ChainDiff } from './chainDiff';
import { describeRemoval } from './removalReason';

const byId = (a: Chain, b: Chain): number => compareText(a.id, b.id);

/** `diff: 1 added, 2 removed, 0 changed, 7 unchanged` */
export function diffSummaryLine(diff: ChainDiff): string {
  return `diff: ${diff.added.length} added, ${diff.removed.length} removed, ${diff.changed.length} changed, ${diff.unchanged.length} unchanged`;
}

export function renderDiffText(diff: ChainDiff): string {
  const out: string[] = [];
  out.push(`lockpath diff  ${oneLine(diff.old.source)} (${diff.old.chains} chains) -> ${oneLine(diff.new.source)} (${diff.new.chains} chains)`);
  out.push('');
  if (diff.added.length > 0) {
    out.push(`added (${diff.added.length}):`);
    for (const c of [...diff.added].sort(byId)) {
      out.push(`  ${oneLine(c.id)}`);
      for (const l of renderChainLines(c)) out.push(`    ${l}`);
    }
    out.push('');
  }
  if (diff.removed.length > 0) {
    out.push(`removed (fixed) (${diff.removed.length}):`);
    for (const r of [...diff.removed].sort((a, b) => byId(a.chain, b.chain))) {
      out.push(`  ${oneLine(r.chain.id)}`);
      out.push(`    fixed because ${oneLine(describeRemoval(r.reason))}`);
      for (const l of renderChainLines(r.chain)) out.push(`    ${l}`);
    }
    out.push('');
  }
  if (diff.changed.length > 0) {
    out.push(`changed (${diff.changed.length}):`);
    for (const c of [...diff.changed].sort((a, b) => byId(a.new, b.new))) {
      out.push(`  ${oneLine(c.new.id)}${c.old.id !== c.new.id ? ` (was ${oneLine(c.old.id)})` : ''}`);
      out.push(`    ${oneLine(describeChange(c))}`);
      for (const l of renderChainLines(c.old)) out.push(`    - ${l}`);
      for (const l of renderChainLines(c.new)) out.push(`    + ${l}`);
    }
    out.push('');
  }
  out.push(`unchanged: ${diff.unchanged.length} chain${diff.unchanged.length === 1 ? '' : 's'}`);
  out.push(diffSummaryLine(diff));
  return out.map((l) => `${l}\n`).join('');
}
