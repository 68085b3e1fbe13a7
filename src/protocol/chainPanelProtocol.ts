// Messages between the chain panel's host (src/extension/chainPanel.ts) and its webview
// (webview/). Types, constants and validation only, compiled for both sides: no imports. The
// webview is an untrusted display, so both directions are validated where they arrive.
export const CHAIN_PANEL_PROTOCOL = 2;

/**
 * Chains per message: a whole tree's 2,176 chains are 6.4 MB of DTOs, 0.1-0.3 s to build and
 * serialize in one turn of the extension host; a page of 200 is a tenth of that.
 */
export const PANEL_PAGE_SIZE = 200;

export type HopKind = 'acquire' | 'call' | 'pointer' | 'sink';

/** One step of a chain as the panel draws it; file is relative to the tree's root. */
export interface HopDto {
  kind: HopKind;
  file: string;
  line: number;
  column: number;
  /** `do_sendfile -> do_splice_direct` */
  label: string;
  /** Extra words: the primitive's condition, the pointer's field and candidates. */
  detail: string;
}

export interface ChainDto {
  id: string;
  rule: string;
  confidence: 'likely' | 'possible';
  /** `do_sendfile: file_start_write -> security_file_permission` */
  title: string;
  /** `fs/read_write.c:20` */
  site: string;
  hops: HopDto[];
}

/** What a loaded trace shows of one hop; texts are formatted by the host, shown as text. */
export interface HopEvidenceDto {
  observed: boolean;
  count: number;
  /** `2x by lpcopy-42, lpcopy/4242, max 21 us`, or `not observed`. */
  text: string;
}

/** A chain's evidence; `hops[i]` is the evidence of ChainDto.hops[i + 1] (the acquisition has none). */
export interface ChainEvidenceDto {
  chainId: string;
  observedHops: number;
  hops: HopEvidenceDto[];
}

/** A run-time call the static graph lacks; `file` is empty when the caller is not in the tree. */
export interface ExtraEdgeDto {
  label: string;
  count: number;
  file: string;
  line: number;
}

export interface OverlayDto {
  /** `fgraph.txt, dmesg.txt` */
  source: string;
  /** `12 of 14 names mapped; 3 observed edges not in the static graph` */
  summary: string;
  chains: ChainEvidenceDto[];
  extraEdges: ExtraEdgeDto[];
}

export type ToPanel =
  /** A new set of `total` chains, best first: its first page; `chains/more` brings the rest, in order. */
  | { type: 'chains/set'; generation: number; total: number; chains: ChainDto[] }
  | { type: 'chains/more'; generation: number; chains: ChainDto[] }
  | { type: 'chains/reveal'; chainId: string }
  /** A loaded trace's evidence, or null once the overlay is cleared. */
  | { type: 'overlay/set'; overlay: OverlayDto | null };

export type FromPanel =
  | { type: 'ready'; protocol: number }
  | { type: 'hop/open'; file: string; line: number; column: number }
  | { type: 'chain/select'; chainId: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const isLine = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x < 1e8;
const isText = (x: unknown, max = 4096): x is string => typeof x === 'string' && x.length <= max;

export function parseFromPanel(x: unknown): FromPanel | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'ready': return typeof x.protocol === 'number' ? { type: 'ready', protocol: x.protocol } : undefined;
    case 'hop/open':
      return isText(x.file) && isLine(x.line) && isLine(x.column) ? { type: 'hop/open', file: x.file, line: x.line, column: x.column } : undefined;
    case 'chain/select': return isText(x.chainId) ? { type: 'chain/select', chainId: x.chainId } : undefined;
    default: return undefined;
  }
}

const HOP_KINDS: ReadonlySet<unknown> = new Set<HopKind>(['acquire', 'call', 'pointer', 'sink']);

function parseHop(x: unknown): HopDto | undefined {
  if (!isRecord(x) || !HOP_KINDS.has(x.kind) || !isText(x.file) || !isLine(x.line) || !isLine(x.column) || !isText(x.label) || !isText(x.detail)) return undefined;
  return { kind: x.kind as HopKind, file: x.file, line: x.line, column: x.column, label: x.label, detail: x.detail };
}

function parseChain(x: unknown): ChainDto | undefined {
  if (!isRecord(x) || !isText(x.id) || !isText(x.rule) || (x.confidence !== 'likely' && x.confidence !== 'possible')) return undefined;
  if (!isText(x.title) || !isText(x.site) || !Array.isArray(x.hops)) return undefined;
  const hops = x.hops.map(parseHop);
  if (hops.some((h) => h === undefined)) return undefined;
  return { id: x.id, rule: x.rule, confidence: x.confidence, title: x.title, site: x.site, hops: hops as HopDto[] };
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function parseHopEvidence(x: unknown): HopEvidenceDto | undefined {
  return isRecord(x) && typeof x.observed === 'boolean' && isCount(x.count) && isText(x.text) ? { observed: x.observed, count: x.count, text: x.text } : undefined;
}

function parseChainEvidence(x: unknown): ChainEvidenceDto | undefined {
  if (!isRecord(x) || !isText(x.chainId) || !isCount(x.observedHops) || !Array.isArray(x.hops)) return undefined;
  const hops = x.hops.map(parseHopEvidence);
  return hops.some((h) => h === undefined) ? undefined : { chainId: x.chainId, observedHops: x.observedHops, hops: hops as HopEvidenceDto[] };
}

function parseExtraEdge(x: unknown): ExtraEdgeDto | undefined {
  return isRecord(x) && isText(x.label) && isCount(x.count) && isText(x.file) && isLine(x.line) ? { label: x.label, count: x.count, file: x.file, line: x.line } : undefined;
}

function parseOverlay(x: unknown): OverlayDto | null | undefined {
  if (x === null) return null;
  if (!isRecord(x) || !isText(x.source) || !isText(x.summary) || !Array.isArray(x.chains) || !Array.isArray(x.extraEdges)) return undefined;
  const chains = x.chains.map(parseChainEvidence);
  const extraEdges = x.extraEdges.map(parseExtraEdge);
  if (chains.some((c) => c === undefined) || extraEdges.some((e) => e === undefined)) return undefined;
  return { source: x.source, summary: x.summary, chains: chains as ChainEvidenceDto[], extraEdges: extraEdges as ExtraEdgeDto[] };
}

export function parseToPanel(x: unknown): ToPanel | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.type) {
    case 'chains/set':
    case 'chains/more': {
      if (!isLine(x.generation) || !Array.isArray(x.chains)) return undefined;
      const chains = x.chains.map(parseChain);
      if (chains.some((c) => c === undefined)) return undefined;
      if (x.type === 'chains/more') return { type: 'chains/more', generation: x.generation, chains: chains as ChainDto[] };
      return isCount(x.total) && x.total >= chains.length ? { type: 'chains/set', generation: x.generation, total: x.total, chains: chains as ChainDto[] } : undefined;
    }
    case 'chains/reveal': return isText(x.chainId) ? { type: 'chains/reveal', chainId: x.chainId } : undefined;
    case 'overlay/set': {
      const overlay = parseOverlay(x.overlay);
      return overlay === undefined ? undefined : { type: 'overlay/set', overlay };
    }
    default: return undefined;
  }
}
