// Which parser a log needs, from its first lines. A tracefs header (`# tracer: X`) or the
// trace-cmd preamble (`cpus=N`) decides at once; otherwise each line votes for the format whose
// tokenizer accepts it, and console logs (the most free-form) win ties.

import type { LogFormat } from '../../model/trace';
import { tokenizeGraphLine } from './ftrace/graphLineTokenizer';
import { tokenizeFtraceLine } from './ftrace/lineTokenizer';
import { tokenizeDmesgLine } from './dmesg/lineTokenizer';

/** Lines looked at before deciding by votes. */
export const DETECT_LINES = 64;

/** A format a single line settles, or undefined. */
export function decisiveFormat(line: string): LogFormat | undefined {
  const t = line.trim();
  const m = /^#\s*tracer:\s*(\S+)/.exec(t);
  if (m) return m[1] === 'function_graph' ? 'function_graph' : 'function';
  if (/^cpus=\d+$/.test(t) || /^#?\s*trace-cmd report\b/.test(t)) return 'trace-cmd';
  return undefined;
}

export function detectFormat(lines: readonly string[]): LogFormat {
  for (const l of lines) {
    const f = decisiveFormat(l);
    if (f) return f;
  }
  let graph = 0;
  let fn = 0;
  let traceCmd = 0;
  let dmesg = 0;
  for (const l of lines) {
    if (l.trim() === '' || l.trimStart().startsWith('#')) continue;
    const g = tokenizeGraphLine(l);
    if (g.kind === 'line' && g.body.kind !== 'comment') graph++;
    const f = tokenizeFtraceLine(l);
    if (f.kind === 'call' || f.kind === 'stackStart' || f.kind === 'stackFrame' || f.kind === 'event') {
      if (/\]\s+\S*\s+\d+\.\d+: function:/.test(l)) traceCmd++;
      else fn++;
    }
    const d = tokenizeDmesgLine(l);
    if (d.prefix.timestamp !== null || (d.body.kind !== 'text' && d.body.kind !== 'blank')) dmesg++;
  }
  const best = Math.max(graph, fn, traceCmd);
  if (best === 0 || dmesg >= best) return 'dmesg';
  if (traceCmd === best) return 'trace-cmd';
  return graph === best ? 'function_graph' : 'function';
}
