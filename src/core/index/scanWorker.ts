// Worker thread entry: parses files it is sent with its own tree-sitter instance.
import { parentPort, workerData } from 'node:worker_threads';
import { createCParser } from '../parse/treeSitter';
import { packOutcome, processFile, type PackedOutcome } from './fileTask';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('scanWorker must run in a worker thread');
  const init = workerData as WorkerInit;
  const post = (m: FromWorker): void => port.postMessage(m);
  try {
    const parser = await createCParser(init.wasm);
    const parseCalling = init.parseCalling === undefined ? undefined : new Set(init.parseCalling);
    port.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        port.close();
        return;
      }
      const outcomes = m.jobs.map((job): PackedOutcome => {
        try {
          return packOutcome(processFile(job, parser, init.cacheDir, parseCalling));
        } catch (e) {
          return { rel: job.rel, cached: false, skipped: `internal error: ${(e as Error).message}`, notes: [] };
        }
      });
      // Packed calls and compressed facts are moved, not copied.
      const transfer = outcomes.flatMap((o) => [o.packed?.calls.buffer, o.detail?.buffer].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer));
      port.postMessage({ type: 'batch', id: m.id, outcomes } satisfies FromWorker, transfer);
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'fatal', message: (e as Error).message });
  }
}

void main();
