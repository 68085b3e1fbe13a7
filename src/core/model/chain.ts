// A finding: an acquisition site and a call path, each hop a real call site.

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

export interface Chain {
  /** Stable across line edits: rule + function names. */
  id: string;
  rule: string;
  acquire: ChainAcquire;
  hops: ChainHop[];
  sink: string;
  /** True when at least one hop comes from resolving a function pointer. */
  indirect: boolean;
}

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
  notAnalysed: { what: string; reason: string; count: number }[];
}
