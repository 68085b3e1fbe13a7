// Messages between the scan coordinator and its worker threads.
import type { WasmPaths } from '../parse/treeSitter';
import type { FileJob, PackedOutcome } from './fileTask';

export interface WorkerInit {
  wasm: WasmPaths;
  cacheDir: string | undefined;
  /** As ScanFilesOptions.parseCalling. */
  parseCalling?: string[];
  /**
   * Lower the thread's priority to this nice value before parsing. Linux keeps a nice value per
   * thread, so the process's other threads (an index server answering the editor) keep theirs.
   */
  nice?: number;
}

export type ToWorker = { type: 'batch'; id: number; jobs: FileJob[] } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'batch'; id: number; outcomes: PackedOutcome[] }
  | { type: 'fatal'; message: string };
