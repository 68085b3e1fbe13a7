// Messages between the extension host and the index server (a child process that holds the
// live analysis, 1.3-1.5 GB on a whole kernel). Types, method table and envelope validation
// only: both sides import this one file. Bump INDEX_PROTOCOL_VERSION on any incompatible
// change; the server refuses a client of another version in its first answer.
import type { CallEdge, ChainDelta, FunctionLocation, RatedChain } from '../core/editor/editorModel';
import type { UnsavedText } from '../core/editor/editorSession';
import type { ProgressPhase } from '../core/analyze';
import type { ScanResult, ScanStats } from '../core/model/chain';
import type { TraceView } from '../core/editor/traceView';

export type { ProgressPhase } from '../core/analyze';
export type { UnsavedText } from '../core/editor/editorSession';

export const INDEX_PROTOCOL_VERSION = 7;

/** What the server needs to open a tree; paths are absolute. */
export interface OpenParams {
  root: string;
  /** Sub-paths to scan (all when empty) and never to scan (the core's defaults when absent). */
  include: string[];
  exclude?: string[];
  /** The architecture whose arch/ directory is scanned (the core's default, x86, when absent; `all`: every one). */
  arch?: string;
  /** JSON rule files (README "Rule files") that tweak or add rules. */
  ruleFiles: string[];
  /** Where the fact cache lives; absent: no cache. */
  cacheDir?: string;
  /** Parser threads; 0 parses in the server's main thread. */
  jobs: number;
  pointers: 'typed' | 'all';
}

/** The chains of the tree as they are now. `generation` grows with every change. */
export interface ChainsSnapshot {
  generation: number;
  root: string;
  chains: RatedChain[];
  stats: ScanStats;
  notAnalysed: ScanResult['notAnalysed'];
  skippedFiles: number;
}

/**
 * A snapshot as open and update answer it: without its chains, which the host fetches in pages
 * (method `chains`). A whole tree's chains are 6 MB as one message, and reading one message
 * stalls the host's event loop for most of a second; a page takes a few ms, and the loop runs
 * between pages.
 */
export interface SnapshotHead extends Omit<ChainsSnapshot, 'chains'> {
  chainCount: number;
  /**
   * The chains are a result replayed from the result cache (the tree is as it was when that
   * result was made): the live analysis, which updates and questions about functions need, is
   * being built behind them; method `settle` answers when it is.
   */
  preliminary?: boolean;
  /**
   * Of a preliminary result, only the likely chains (what diagnostics show); method `complete`
   * gives the snapshot with all of them.
   */
  partial?: boolean;
}

/** Chains per `chains` request. */
export const CHAIN_PAGE_SIZE = 50;

/**
 * The chains of a snapshot told as changes to the snapshot before it, which the host holds: an
 * edit changes a few of a whole tree's 2,000 chains, and fetching them all again made the host
 * read megabytes and collect the chains it already had. `refetch` when the server no longer has
 * the snapshot the host names, or when so many chains changed that pages cost less.
 */
export type ChainChanges =
  | { kind: 'changes'; ids: string[]; changed: RatedChain[] }
  | { kind: 'refetch'; reason: string };

/** More changed chains than this are fetched in pages. */
export const MAX_CHANGED_CHAINS = 4 * CHAIN_PAGE_SIZE;

export interface UpdateResult {
  snapshot: SnapshotHead;
  delta: ChainDelta;
  /** Per file: how the update went ('unchanged', 'local', 'rebuilt'). */
  files: { file: string; kind: string; reason?: string }[];
  durationMs: number;
  /** CPU time the server's process spent meanwhile (absent from older servers). */
  cpuMs?: number;
}

/** The live analysis behind a preliminary snapshot, once it is built. */
export interface SettleResult {
  snapshot: SnapshotHead;
  /** Against the chains of the snapshot before. */
  delta: ChainDelta;
  /** The chains are those of the snapshot before, in every field and order: nothing to fetch or redraw. */
  sameChains: boolean;
  /** How long the request waited. */
  durationMs: number;
}

/** Every request: its parameters and its result. */
export interface IndexMethods {
  open: { params: OpenParams; result: SnapshotHead };
  /**
   * Answers once the live analysis behind a preliminary snapshot is built (at once when there
   * is none); requests that need it wait for it anyway, in order.
   */
  settle: { params: Record<string, never>; result: SettleResult };
  /** After a partial snapshot: the snapshot with every chain (the same one when there is no more). */
  complete: { params: Record<string, never>; result: SnapshotHead };
  /**
   * Files (relative to the root) changed on disk (saved, created, deleted, checked out, or an
   * unsaved buffer closed or reverted), and unsaved buffers, whose text stands for their file
   * until the file is named in `files` again.
   */
  update: { params: { files: string[]; unsaved?: UnsavedText[] }; result: UpdateResult };
  functionAt: { params: { file: string; line: number }; result: FunctionLocation | null };
  callers: { params: { key: string }; result: CallEdge[] };
  callees: { params: { key: string }; result: CallEdge[] };
  /** A page of the chains of snapshot `generation` (an error once a newer one exists). */
  chains: { params: { generation: number; offset: number; count: number }; result: RatedChain[] };
  /** The chains of snapshot `generation` as changes to those of snapshot `since`. */
  chainChanges: { params: { generation: number; since: number }; result: ChainChanges };
  /** The current result in one of the CLI's machine formats, as text. */
  export: { params: { format: 'sarif' | 'json' }; result: string };
  /** Logs (absolute paths) parsed in the server and laid over the index it holds: no rescan. */
  traceView: { params: { files: string[] }; result: TraceView & { durationMs: number } };
  /** Where a function a log prints (`do_splice_to.isra.0+0x1a/0x40` without the offset) is defined. */
  definitions: { params: { name: string }; result: FunctionLocation[] };
}
export type IndexMethod = keyof IndexMethods;
export const INDEX_METHODS: readonly IndexMethod[] = ['open', 'settle', 'complete', 'update', 'chains', 'chainChanges', 'functionAt', 'callers', 'callees', 'export', 'traceView', 'definitions'];

export type ToServer =
  | { kind: 'hello'; protocol: number }
  | { [M in IndexMethod]: { kind: 'request'; id: number; method: M; params: IndexMethods[M]['params'] } }[IndexMethod]
  /** Stop request `id`; it then fails with `cancelled: true` unless it already finished. */
  | { kind: 'cancel'; id: number };

export type FromServer =
  | { kind: 'hello'; protocol: number; version: string; ok: boolean; message?: string }
  | { kind: 'response'; id: number; result: unknown }
  | { kind: 'error'; id: number; message: string; cancelled: boolean }
  | { kind: 'progress'; id: number; phase: ProgressPhase; done: number; total: number }
  | { kind: 'log'; level: 'info' | 'warn' | 'error'; message: string };

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isId = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const PHASES: ReadonlySet<unknown> = new Set<ProgressPhase>(['walk', 'parse', 'graph', 'rules', 'chains']);
const LEVELS: ReadonlySet<unknown> = new Set(['info', 'warn', 'error']);

/** A message from the host, or undefined when it is not one this protocol knows. */
export function parseToServer(x: unknown): ToServer | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.kind) {
    case 'hello': return typeof x.protocol === 'number' ? { kind: 'hello', protocol: x.protocol } : undefined;
    case 'cancel': return isId(x.id) ? { kind: 'cancel', id: x.id } : undefined;
    case 'request':
      // Parameters are checked by the method that reads them; the envelope is checked here.
      if (!isId(x.id) || !INDEX_METHODS.includes(x.method as IndexMethod) || !isRecord(x.params)) return undefined;
      return x as ToServer;
    default: return undefined;
  }
}

/** A message from the server, or undefined when it is not one this protocol knows. */
export function parseFromServer(x: unknown): FromServer | undefined {
  if (!isRecord(x)) return undefined;
  switch (x.kind) {
    case 'hello':
      return typeof x.protocol === 'number' && typeof x.version === 'string' && typeof x.ok === 'boolean' ? x as FromServer : undefined;
    case 'response': return isId(x.id) && 'result' in x ? { kind: 'response', id: x.id, result: x.result } : undefined;
    case 'error':
      return isId(x.id) && typeof x.message === 'string' ? { kind: 'error', id: x.id, message: x.message, cancelled: x.cancelled === true } : undefined;
    case 'progress':
      return isId(x.id) && PHASES.has(x.phase) && typeof x.done === 'number' && typeof x.total === 'number'
        ? { kind: 'progress', id: x.id, phase: x.phase as ProgressPhase, done: x.done, total: x.total } : undefined;
    case 'log':
      return LEVELS.has(x.level) && typeof x.message === 'string' ? { kind: 'log', level: x.level as 'info', message: x.message } : undefined;
    default: return undefined;
  }
}
