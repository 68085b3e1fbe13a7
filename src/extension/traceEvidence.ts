// How a loaded trace reads in the editor, decided without `vscode` (unit-tested in plain Node):
// per source line, what ran there (inline text and hover lines), and the chain panel's evidence
// DTOs. All texts are plain; the views show them as text, never as markup.
import type { DurationStats, TraceView } from '../core/editor/traceView';
import type { ChainEvidenceDto, ExtraEdgeDto, OverlayDto } from '../protocol/chainPanelProtocol';

/** One annotated line of a source file. */
export interface OverlayLine {
  /** 1-based. */
  line: number;
  /** Shown after the line's text: the strongest fact of the line. */
  inline: string;
  /** Every fact of the line, for the hover. */
  details: string[];
  /** A hop of a chain ran here. */
  hop: boolean;
  /** The log printed this function at a line of another kernel version: only its name maps. */
  otherVersion: boolean;
}

/** Tasks named in a text; the rest are counted. */
const TASKS_SHOWN = 3;

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

function formatUs(us: number): string {
  return us >= 1000 ? `${(us / 1000).toFixed(us >= 10_000 ? 0 : 1)} ms` : `${us >= 10 ? Math.round(us) : us} us`;
}

/** `2x by lpcopy-42, lpcopy/4242, max 21 us` */
export function evidenceText(count: number, tasks: readonly string[], duration: DurationStats | null): string {
  const parts = [`${count}x`];
  if (tasks.length > 0) {
    const more = tasks.length > TASKS_SHOWN ? ` +${tasks.length - TASKS_SHOWN}` : '';
    parts.push(`by ${tasks.slice(0, TASKS_SHOWN).join(', ')}${more}`);
  }
  if (duration !== null && duration.calls > 0) parts.push(`max ${formatUs(duration.maxUs)}`);
  return parts.join(' ');
}

/** Per file (relative to the tree's root), its annotated lines in line order. */
export function overlayLinesByFile(view: TraceView): Map<string, OverlayLine[]> {
  const files = new Map<string, Map<number, OverlayLine & { rank: number }>>();
  const add = (file: string, line: number, rank: number, inline: string, detail: string, flags: Partial<Pick<OverlayLine, 'hop' | 'otherVersion'>> = {}): void => {
    let lines = files.get(file);
    if (lines === undefined) files.set(file, (lines = new Map()));
    let at = lines.get(line);
    if (at === undefined) lines.set(line, (at = { line, inline, details: [], hop: false, otherVersion: false, rank }));
    else if (rank < at.rank) Object.assign(at, { inline, rank });
    if (!at.details.includes(detail)) at.details.push(detail);
    at.hop ||= flags.hop === true;
    at.otherVersion ||= flags.otherVersion === true;
  };
  for (const c of view.chains) {
    c.observed.forEach((at, i) => {
      const h = view.hops[at];
      if (h === undefined) return;
      const via = h.via !== undefined ? ` (through ${h.via})` : '';
      add(h.file, h.line, 0, `chain hop ran ${evidenceText(h.count, h.tasks, h.duration)}`,
        `hop ${i + 1}/${c.hops} of chain ${c.chain}: ${h.caller} -> ${h.callee} observed ${evidenceText(h.count, h.tasks, h.duration)}${via}`, { hop: true });
    });
  }
  for (const c of view.calls) {
    const via = c.via === 'direct' ? '' : ` through ${c.via}`;
    add(c.file, c.line, 1, `ran ${evidenceText(c.count, c.tasks, c.duration)}`, `${c.caller} -> ${c.callee}${via} observed ${evidenceText(c.count, c.tasks, c.duration)}`);
  }
  for (const f of view.frames) {
    add(f.file, f.line, 2, `in ${plural(f.count, 'reported stack')}`, `${f.function}: this line is in ${plural(f.count, 'stack')} of the loaded reports`);
  }
  for (const f of view.functions) {
    const other = f.otherVersion.length > 0;
    add(f.file, f.line, 3, `${f.name} ran ${evidenceText(f.count, f.tasks, f.duration)}${other ? ' (line from another version)' : ''}`,
      `${f.name} seen ${evidenceText(f.count, f.tasks, f.duration)}${other ? `; line from another version: the log prints ${f.otherVersion.join(', ')}, outside this tree's definition, so only the name maps` : ''}`,
      { otherVersion: other });
  }
  const out = new Map<string, OverlayLine[]>();
  for (const [file, lines] of files) {
    out.set(file, [...lines.values()].sort((a, b) => a.line - b.line).map(({ rank: _rank, ...l }) => l));
  }
  return out;
}

/** `fs/overlay/copy_up.c:46` -> file and line; `?` (not in the tree) -> empty file. */
function splitAt(at: string): { file: string; line: number } {
  const colon = at.lastIndexOf(':');
  const line = Number(at.slice(colon + 1));
  return colon > 0 && Number.isInteger(line) && line > 0 ? { file: at.slice(0, colon), line } : { file: '', line: 0 };
}

/** The chain panel's view of a loaded trace. */
export function toOverlayDto(view: TraceView, source: readonly string[]): OverlayDto {
  const chains = view.chains.map((c): ChainEvidenceDto => ({
    chainId: c.chain, observedHops: c.observedHops,
    hops: c.observed.map((at) => {
      const h = view.hops[at];
      return h === undefined ? { observed: false, count: 0, text: 'not observed' }
        : { observed: true, count: h.count, text: `observed ${evidenceText(h.count, h.tasks, h.duration)}${h.via !== undefined ? ` (through ${h.via})` : ''}` };
    }),
  }));
  const extraEdges = view.extraEdges.map((e): ExtraEdgeDto => ({ label: `${e.caller} -> ${e.callee}`, count: e.count, ...splitAt(e.callerAt) }));
  const { mapping, edges } = view;
  const summary = `${mapping.mappedNames} of ${plural(mapping.names, 'function name')} found in the tree; `
    + `${plural(edges.observed, 'observed edge')}, ${edges.extra} not in the static graph; ${plural(chains.length, 'chain')} with observed hops`;
  return { source: source.join(', '), summary, chains, extraEdges };
}
