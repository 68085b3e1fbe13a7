// Runs every source file through processFile, in worker threads when there are several
// files and jobs > 0, in-process otherwise. Results come back in a stable order.
import { Worker } from 'node:worker_threads';
import { createCParser, type WasmPaths } from '../parse/treeSitter';
import type { FactReader } from '../model/facts';
import type { PackedFileFacts } from '../model/packedFacts';
import type { SourceFile } from '../sources/workspaceWalk';
import { FactCache, type Manifest } from './factCache';
import { packOutcome, processFile, processFiles, type FileJob, type PackedOutcome } from './fileTask';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

export interface ScanFilesOptions {
  wasm: WasmPaths;
  cacheDir: string | undefined;
  manifest: Manifest;
  /** Worker threads; 0 parses in this thread. */
  jobs: number;
  /** Path of the bundled scanWorker.js; required when jobs > 0. */
  workerScript?: string;
  /** The worker threads' nice value (see WorkerInit.nice); undefined: the process's own. */
  parserNice?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Called on each file's facts as they arrive, before the next batch (e.g. to share strings). */
  onFacts?: (facts: PackedFileFacts) => void;
  /** How to read the files; 'tree' when not given. */
  reader?: FactReader;
  /** Files read from tokens that call one of these directly are parsed fully at once. */
  parseCalling?: readonly string[];
}

const BATCH = 64;

export async function scanFiles(files: readonly SourceFile[], options: ScanFilesOptions): Promise<PackedOutcome[]> {
  const jobs: FileJob[] = files.map((f) => {
    const m = options.manifest.get(f.rel);
    const job: FileJob = { rel: f.rel, abs: f.abs };
    if (options.reader !== undefined) job.reader = options.reader;
    if (m !== undefined && m[0] === f.size && m[1] === f.mtimeMs) job.knownHash = m[2];
    return job;
  });
  if (options.jobs <= 0 || options.workerScript === undefined || jobs.length < BATCH) return scanInProcess(jobs, options);
  return scanInWorkers(jobs, options);
}

async function scanInProcess(jobs: FileJob[], options: ScanFilesOptions): Promise<PackedOutcome[]> {
  const parser = await createCParser(options.wasm);
  const parseCalling = options.parseCalling === undefined ? undefined : new Set(options.parseCalling);
  const cache = options.cacheDir === undefined ? undefined : new FactCache(options.cacheDir);
  const out: PackedOutcome[] = [];
  try {
    for (let i = 0; i < jobs.length; i += BATCH) {
      const batch = processFiles(jobs.slice(i, i + BATCH), (job) => {
        options.signal?.throwIfAborted();
        return processFile(job, parser, cache, parseCalling);
      }, cache);
      for (const outcome of batch.map(packOutcome)) {
        if (outcome.packed !== undefined) options.onFacts?.(outcome.packed);
        out.push(outcome);
      }
      if (out.length === jobs.length) break;
      options.onProgress?.(out.length, jobs.length);
      // Let cancellation and progress reach us between batches.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    parser.delete();
  }
  options.onProgress?.(out.length, jobs.length);
  return out;
}

function scanInWorkers(jobs: FileJob[], options: ScanFilesOptions): Promise<PackedOutcome[]> {
  const batches: FileJob[][] = [];
  for (let i = 0; i < jobs.length; i += BATCH) batches.push(jobs.slice(i, i + BATCH));
  const results: PackedOutcome[][] = new Array(batches.length);
  const count = Math.min(options.jobs, batches.length);
  const init: WorkerInit = { wasm: options.wasm, cacheDir: options.cacheDir };
  if (options.parseCalling !== undefined) init.parseCalling = [...options.parseCalling];
  if (options.parserNice !== undefined) init.nice = options.parserNice;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let filesDone = 0;
    let finished = false;
    const finish = (error?: Error): void => {
      if (finished) return;
      finished = true;
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (error !== undefined) reject(error);
      else resolve(results.flat());
    };
    const onAbort = (): void => finish(options.signal?.reason instanceof Error ? options.signal.reason : new Error('scan cancelled'));
    options.signal?.addEventListener('abort', onAbort);
    const feed = (w: Worker): void => {
      if (next >= batches.length) return;
      const id = next++;
      w.postMessage({ type: 'batch', id, jobs: batches[id]! } satisfies ToWorker);
    };
    for (let i = 0; i < count; i++) {
      const w = new Worker(options.workerScript!, { workerData: init });
      workers.push(w);
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          feed(w);
          feed(w); // keep one batch queued so the worker never waits on us
        } else if (m.type === 'fatal') {
          finish(new Error(`scan worker failed to start: ${m.message}`));
        } else {
          for (const o of m.outcomes) if (o.packed !== undefined) options.onFacts?.(o.packed);
          results[m.id] = m.outcomes;
          done++;
          filesDone += m.outcomes.length;
          options.onProgress?.(filesDone, jobs.length);
          if (done === batches.length) finish();
          else feed(w);
        }
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!finished && code !== 0) finish(new Error(`scan worker exited with code ${code}`));
      });
    }
    if (options.signal?.aborted === true) onAbort();
  });
}
