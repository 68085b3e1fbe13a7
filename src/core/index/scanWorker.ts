// Worker thread entry: parses files it is sent with its own tree-sitter instance.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { createCParser } from '../parse/treeSitter';
import { FactCache } from './factCache';
import { packOutcome, processFile, processFiles, type FileOutcome } from './fileTask';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('scanWorker must run in a worker thread');
  const init = workerData as WorkerInit;
  const post = (m: FromWorker): void => port.postMessage(m);
  if (init.nice !== undefined) lowerPriority(init.nice);
  try {
    const parser = await createCParser(init.wasm);
    const parseCalling = init.parseCalling === undefined ? undefined : new Set(init.parseCalling);
    const cache = init.cacheDir === undefined ? undefined : new FactCache(init.cacheDir);
    port.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        port.close();
        return;
      }
      const outcomes = processFiles(m.jobs, (job): FileOutcome => {
        try {
          return processFile(job, parser, cache, parseCalling);
        } catch (e) {
          return { rel: job.rel, cached: false, skipped: `internal error: ${(e as Error).message}`, notes: [] };
        }
      }, cache).map(packOutcome);
      // Packed calls and compressed facts are moved, not copied.
      const transfer = outcomes.flatMap((o) => [o.packed?.calls.buffer, o.detail?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer));
      port.postMessage({ type: 'batch', id: m.id, outcomes } satisfies FromWorker, transfer);
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'fatal', message: (e as Error).message });
  }
}

/**
 * Only where a nice value is the thread's own (Linux): elsewhere pid 0 names the whole process,
 * whose other work would slow down with the parsers. A refusal leaves the thread as it was.
 */
function lowerPriority(nice: number): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(0, nice);
  } catch {
    // Not ours to decide: parsing at the usual priority is still right.
  }
}

void main();
