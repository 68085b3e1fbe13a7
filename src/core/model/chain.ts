// A finding: an acquisition site and a call path, each hop a real call site.
import type { NoteKind } from './noteCounts';

export interface ChainLocation {
  file: string;
  line: number;
  column: number;
}

export interface ChainAcquire extends ChainLocation {
  /** Function that holds the context. */
  function: string;
  /** The call that took it: a primitive or an inferred wrapper. */
  call: string;
  /** How the wrapper holds it: `always`, `on zero return`, `on true return`. */
  condition?: string;
}

export interface ChainHop extends ChainLocation {
  caller: string;
  callee: string;
  /** `direct`, or `->field` when resolved through a function pointer stored in that field. */
  via: string;
  /** For pointer hops: how many functions the pointer can hold. */
  candidates?: number;
  /** For pointer hops: the struct type used to narrow candidates, when known. */
  structType?: string;
}

/** The `via` of a call through a function pointer stored in `field`. */
export function viaField(field: string): string {
  return `->${field}`;
}

/** The field a hop's `via` calls through, or undefined for a direct call: the one reader of the `->` form. */
export function fieldOfVia(via: string): string | undefined {
  return via.startsWith('->') ? via.slice(2) : undefined;
}

/**
 * How far a reader can trust a chain: `likely` when every hop is a call the source shows on
 * the object at hand; `possible` when some hop rests on the type alone (any function stored in
 * that field), on a stacking the code does not set up, or the hold cannot meet a freeze.
 */
export type Confidence = 'likely' | 'possible';

/** Why a hop (or the acquisition, hop -1) is trusted or not. */
export type ReasonKind =
  /** A filesystem's object dispatches to an op that filesystem installs. */
  | 'owner-dispatch'
  /** VFS code dispatches on an object a user names (fd, path): any filesystem's op. */
  | 'entry-dispatch'
  /** Code that works on other filesystems' objects (overlayfs, nfsd, loop) dispatches on one. */
  | 'crossing-dispatch'
  /** A generic helper (libfs, mm) that filesystems install in their tables. */
  | 'generic-dispatch'
  /** One filesystem's object would dispatch to another filesystem's op. */
  | 'foreign-dispatch'
  /** A stacking filesystem's lower or real object would dispatch back to the stacking filesystem. */
  | 'self-stacking'
  /** A server of exported filesystems (nfsd) would dispatch to one that cannot be exported. */
  | 'not-exportable'
  /** A hook (an LSM hook) calls every function registered for it, whatever the object. */
  | 'hook-dispatch'
  /** A notifier list's block whose function is registered on the list the caller walks. */
  | 'notifier-dispatch'
  /** A block function not registered on the list the caller walks. */
  | 'foreign-notifier'
  /** The list walked is reached through a pointer held at run time: every block function is a candidate. */
  | 'runtime-notifier'
  /** A call through a struct that is not a filesystem object's ops: every stored function is a candidate. */
  | 'type-only-dispatch'
  /** The struct type at the call is not known. */
  | 'untyped-dispatch'
  /** The hold is taken on a superblock that cannot be frozen. */
  | 'not-freezable'
  /** A constant argument of the hop before rules the call out (a NULL file never reaches finish_open). */
  | 'constant-guard'
  /** The object is a directory and the call is made only for another kind of file (S_ISREG). */
  | 'object-kind'
  /** A call made again on an object an earlier call of it already did its work on. */
  | 'repeated-call';

/** Every ReasonKind, for readers of reports written elsewhere. */
export const REASON_KINDS: readonly ReasonKind[] = [
  'owner-dispatch', 'entry-dispatch', 'crossing-dispatch', 'generic-dispatch', 'foreign-dispatch', 'self-stacking',
  'not-exportable', 'hook-dispatch', 'notifier-dispatch', 'foreign-notifier', 'runtime-notifier', 'type-only-dispatch', 'untyped-dispatch', 'not-freezable',
  'constant-guard', 'object-kind', 'repeated-call',
];

/** Reasons that hold for whichever function a pointer call reaches: trying another target cannot help. */
export const CALL_SITE_REASONS: ReadonlySet<ReasonKind> = new Set(['type-only-dispatch', 'untyped-dispatch', 'runtime-notifier']);

export interface ChainReason {
  /** Index into hops; -1 for the acquisition. */
  hop: number;
  kind: ReasonKind;
  /** Does it make the chain only `possible`? */
  lowers: boolean;
  text: string;
}

export interface Chain {
  /** Stable across line edits: rule + function names. */
  id: string;
  rule: string;
  acquire: ChainAcquire;
  hops: ChainHop[];
  sink: string;
  /** True when at least one hop comes from resolving a function pointer. */
  indirect: boolean;
  confidence: Confidence;
  /** Why, for the acquisition and every pointer hop. */
  reasons: ChainReason[];
  /**
   * Other sinks the last function calls at this point of the path (6.12's do_dentry_open()
   * calls security_file_open() and fsnotify_open_perm()): one finding, not one per hook.
   */
  alsoSinks?: string[];
}

/** A chain as the search finds it, before it is judged (confidence) and merged by hook point. */
export type FoundChain = Omit<Chain, 'confidence' | 'reasons' | 'alsoSinks'>;

export interface ScanStats {
  files: number;
  functions: number;
  callSites: number;
  filesWithErrors: number;
  durationMs: number;
  cachedFiles: number;
  skippedFiles: number;
  /** Files with no `{` at all: read, nothing to extract, not parsed. */
  bracelessFiles?: number;
  /**
   * Files read from tokens (calls, no control flow): all but those with a function that touches
   * the held context. Parse errors are counted in the others only.
   */
  tokenReadFiles?: number;
  /** Chains rated `possible` in the whole result. */
  possibleChains?: number;
  /** Chains this report leaves out (possible ones, without --confidence possible). */
  hiddenChains?: number;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface ScanResult {
  tool: 'lockpath';
  version: string;
  root: string;
  rules: string[];
  stats: ScanStats;
  chains: Chain[];
  skipped: SkippedFile[];
  /** Things the analysis could not do, said plainly (unresolved pointer calls, etc.). */
  /** `kind` for the notes of reading the tree (not the analysis' own limits). */
  notAnalysed: { what: string; reason: string; count: number; kind?: NoteKind }[];
}
