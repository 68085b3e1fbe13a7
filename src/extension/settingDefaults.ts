// The `lockpath.*` settings and their defaults, without `vscode`: package.json
// `contributes.configuration` declares the same keys and defaults, and a unit test checks they agree.
export type SeveritySetting = 'error' | 'warning' | 'information' | 'hint';

export interface Settings {
  /** Scan on opening a workspace that looks like a kernel tree (Kbuild or MAINTAINERS at its root). */
  autoScan: boolean;
  /** Severity of diagnostics for likely chains. */
  severity: SeveritySetting;
  /** Also show acquisition sites whose chains are all rated `possible`, as hints. */
  showPossibleChains: boolean;
  include: string[];
  /** undefined: the core's default excludes. */
  exclude: string[] | undefined;
  /** The architecture whose arch/ directory is scanned; `all`: every one. */
  arch: string;
  ruleFiles: string[];
  /** At most this many acquisition sites become diagnostics (best first). */
  maxDiagnostics: number;
  /** Parser threads of the index server; 0: one per CPU. */
  workerCount: number;
  pointers: 'typed' | 'all';
  /** Chain ids (stable across line edits) never shown as diagnostics. */
  suppressedChains: string[];
  serverMemoryMb: number;
  /** Analyse a C file's unsaved text after a pause in typing, not only on save. */
  updateOnType: boolean;
  /** The pause, in ms. */
  updateOnTypeDelayMs: number;
}

export const SETTING_DEFAULTS: Settings = {
  autoScan: true,
  severity: 'warning',
  showPossibleChains: false,
  include: [],
  exclude: undefined,
  arch: 'x86',
  ruleFiles: [],
  maxDiagnostics: 2000,
  workerCount: 0,
  pointers: 'typed',
  suppressedChains: [],
  serverMemoryMb: 4096,
  updateOnType: true,
  updateOnTypeDelayMs: 500,
};
