// Messages between the scan coordinator and its worker threads.
import type { WasmPaths } from '../parse/treeSitter';
import type { FileJob, PackedOutcome } from './fileTask';

export interface WorkerInit {
  wasm: WasmPaths;
  cacheDir: string | undefined;
  /** As ScanFilesOptions.parseCalling. */
  parseCalling?: string[];
}

export type ToWorker = { type: 'batch'; id: number; jobs: FileJob[] } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; id: number; outcomes: PackedOutcome[] }
  | { type: 'fatal'; message: string };
