// Stable, diff-friendly text form of one chain, for goldens and the CLI. One line per event,
// location first, so a golden diff points at the hop that changed and `file:line:col` is
// clickable in terminals and editors.
import { fieldOfVia, type Chain, type ChainAcquire, type ChainHop, type ChainLocation } from '../model/chain';

/** `file:line:col`; unknown parts (0) are dropped rather than printed as fake positions. */
export function formatLocation(loc: ChainLocation): string {
  const file = oneLine(loc.file);
  if (!(loc.line > 0)) return file;
  if (!(loc.column > 0)) return `${file}:${loc.line}`;
  return `${file}:${loc.line}:${loc.column}`;
}

/** `do_sendfile holds freeze via file_start_write (on zero return)` */
export function describeAcquire(acquire: ChainAcquire, rule: string): string {
  const condition = acquire.condition ? ` (${oneLine(acquire.condition)})` : '';
  return `${oneLine(acquire.function)} holds ${oneLine(rule)} via ${oneLine(acquire.call)}${condition}`;
}

/** True when the hop was resolved through a function pointer rather than a named call. */
export function isPointerHop(hop: ChainHop): boolean {
  return hop.via !== 'direct';
}

/** The pointer's field without the `->` the model stores in `via`. */
export function pointerField(hop: ChainHop): string {
  return fieldOfVia(hop.via) ?? hop.via;
}

/** `12 candidates`, `1 candidate`, or undefined when the resolver did not count them. */
export function describeCandidates(hop: ChainHop): string | undefined {
  if (hop.candidates === undefined) return undefined;
  return `${hop.candidates} candidate${hop.candidates === 1 ? '' : 's'}`;
}

/**
 * The callee part of a hop line. For a pointer hop the pointer comes first because that is
 * what the source line shows; the chosen target follows after `=` when it is a real name.
 */
function describeCallee(hop: ChainHop): string {
  if (!isPointerHop(hop)) return oneLine(hop.callee);
  const via = oneLine(hop.via);
  const target = oneLine(hop.callee);
  return target === '' || target === via || target === pointerField(hop) ? via : `${via} = ${target}`;
}

function pointerNote(hop: ChainHop): string {
  // `*` stands for "any struct": the resolver matched on the field name alone.
  const parts = [`fnptr: ${oneLine(hop.structType ?? '*')}.${oneLine(pointerField(hop))}`];
  const candidates = describeCandidates(hop);
  if (candidates !== undefined) parts.push(candidates);
  return `[${parts.join(', ')}]`;
}

/** One hop: `fs/splice.c:41:9  do_splice_to -> ->splice_read = x  [fnptr: file_operations.splice_read, 12 candidates]` */
export function renderHop(hop: ChainHop): string {
  const line = `${formatLocation(hop)}  ${oneLine(hop.caller)} -> ${describeCallee(hop)}`;
  return isPointerHop(hop) ? `${line}  ${pointerNote(hop)}` : line;
}

/**
 * Lines for one chain: the acquisition, then each hop. The last line is marked with the sink
 * so that a chain whose final hop does not reach the sink name is visible in a diff.
 */
export function renderChainLines(chain: Chain): string[] {
  const lines = [`${formatLocation(chain.acquire)}  ${describeAcquire(chain.acquire, chain.rule)}`];
  for (const hop of chain.hops) lines.push(renderHop(hop));
  const last = chain.hops[chain.hops.length - 1];
  const sink = oneLine(chain.sink);
  const mark = last !== undefined && last.callee === chain.sink ? '[sink]' : `[sink: ${sink}]`;
  lines[lines.length - 1] = `${lines[lines.length - 1]}  ${mark}`;
  return lines;
}

/** The chain as text, one line per event, each ending in a newline. */
export function renderChain(chain: Chain): string {
  return renderChainLines(chain).map((l) => `${l}\n`).join('');
}

/**
 * Names come from source text and file names, which may hold anything. A newline or other
 * control character would split or hide a line of the golden, so those are shown escaped;
 * everything else (non-ASCII included) is kept as is.
 */
export function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
