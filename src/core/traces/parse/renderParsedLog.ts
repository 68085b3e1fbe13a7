// A stable, diff-friendly text form of a ParsedLog: one line per record, for golden files and
// for `lockpath trace --format text`.

import type { CallNode, Frame, ParsedLog, Report } from '../../model/trace';

export interface RenderOptions {
  /** Call-tree lines printed per input (the rest is counted). */
  maxTreeLines?: number;
  /** Observed edges printed (the rest is counted). */
  maxEdges?: number;
  /** Print every stack frame (true) or only stack sizes. */
  frames?: boolean;
}

export function renderParsedLog(log: ParsedLog, options: RenderOptions = {}): string {
  const maxTree = options.maxTreeLines ?? 200;
  const maxEdges = options.maxEdges ?? 50;
  const out: string[] = [];
  out.push(`input ${log.file} format=${log.format} lines=${log.lines}${log.aborted ? ' ABORTED' : ''}`);
  if (log.title !== null) out.push(`title "${log.title}"`);
  for (const u of log.unparsed) out.push(`unparsed ${u.line}: ${u.reason}${u.text ? ` | ${u.text}` : ''}`);
  if (log.unparsedDropped > 0) out.push(`unparsed: ${log.unparsedDropped} more not kept`);
  for (const l of log.limits) out.push(`limit ${l.what}: kept ${l.kept}, dropped ${l.dropped}`);
  for (const r of log.reports) renderReport(r, out, options.frames ?? true);
  for (const t of log.trees) {
    out.push(`tree ${t.task} roots=${t.roots.length}`);
    const budget = { left: maxTree, skipped: 0 };
    for (const root of t.roots) renderNode(root, 1, out, budget);
    if (budget.skipped > 0) out.push(`  ... ${budget.skipped} more nodes`);
  }
  if (log.stackTraces.length > 0) out.push(`stack traces: ${log.stackTraces.length}`);
  if (log.events.length > 0) {
    const byName = new Map<string, number>();
    for (const e of log.events) byName.set(e.name, (byName.get(e.name) ?? 0) + 1);
    out.push(`events: ${[...byName].sort().map(([n, c]) => `${n}=${c}`).join(' ')}`);
  }
  for (const f of log.freezeHeld) {
    out.push(`freeze-held ${f.task} ${f.class} -> ${f.sink} (${f.source}, line ${f.line}, x${f.count}): ${f.path.join(' > ')}`);
  }
  out.push(`observed edges: ${log.observedEdges.length}`);
  for (const e of log.observedEdges.slice(0, maxEdges)) out.push(`  ${e.caller} -> ${e.callee} x${e.count}`);
  if (log.observedEdges.length > maxEdges) out.push(`  ... ${log.observedEdges.length - maxEdges} more`);
  return `${out.join('\n')}\n`;
}

function renderReport(r: Report, out: string[], frames: boolean): void {
  out.push(`report ${r.kind} "${r.title}" task=${r.task ?? '-'} lines=${r.line}-${r.endLine}`);
  const g = r.guiltyFrame;
  out.push(g === null ? '  guilty none' : `  guilty ${g.function}${g.raw !== g.function ? ` (${g.raw})` : ''} (line ${g.line})`);
  if (r.detail !== undefined) out.push(`  detail ${r.detail}`);
  for (const l of r.locks) {
    out.push(`  lock ${l.role} ${l.class} freeze=${l.freeze ?? '-'} at=${l.at ?? '-'}${l.holder ? ` holder=${l.holder}` : ''} (line ${l.line})`);
  }
  if (r.chain) out.push(`  chain ${r.chain.join(' --> ')}`);
  if (r.scenario) out.push(`  scenario ${r.scenario.join(' | ')}`);
  for (const s of r.stacks) {
    out.push(`  stack "${s.label}" frames=${s.frames.length} (line ${s.line})`);
    if (frames) for (const f of s.frames) out.push(`    ${renderFrame(f)}`);
  }
}

export function renderFrame(f: Frame): string {
  let s = `${f.unreliable ? '? ' : ''}${f.function}${f.offset ?? ''}`;
  if (f.module) s += ` [${f.module}]`;
  if (f.file) s += ` ${f.file}${f.line !== undefined ? `:${f.line}` : ''}`;
  if (f.inline) s += ' [inline]';
  return s;
}

function renderNode(n: CallNode, indent: number, out: string[], budget: { left: number; skipped: number }): void {
  if (budget.left <= 0) {
    budget.skipped += 1 + countNodes(n.children);
    return;
  }
  budget.left--;
  const flags = [
    n.duration !== null ? `${n.duration}us` : '',
    n.synthetic ? 'synthetic' : '',
    n.unclosed ? 'unclosed' : '',
    n.irq ? 'irq' : '',
    n.retval !== undefined ? `ret=${n.retval}` : '',
    ...n.events.map((e) => `/* ${e.name}${e.args ? `: ${e.args}` : ''} */`),
  ].filter((x) => x !== '');
  out.push(`${'  '.repeat(indent)}${n.function}${n.module ? ` [${n.module}]` : ''} @${n.line}${flags.length ? ` ${flags.join(' ')}` : ''}`);
  for (const c of n.children) renderNode(c, indent + 1, out, budget);
}

function countNodes(nodes: readonly CallNode[]): number {
  let n = 0;
  for (const c of nodes) n += 1 + countNodes(c.children);
  return n;
}
