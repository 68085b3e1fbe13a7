// Worker thread entry: parses files it is sent with its own tree-sitter instance.
import { parentPort, workerData } from 'node:worker_threads';
import { createCParser } from '../parse/treeSitter';
import { processFile } from './fileTask';
import type { FromWorker, ToWorker, WorkerInit } from './workerProtocol';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('scanWorker must run in a worker thread');
  const init = workerData as WorkerInit;
  const post = (m: FromWorker): void => port.postMessage(m);
  try {
    const parser = await createCParser(init.wasm);
    port.on('message', (m: ToWorker) => {
      if (m.type === 'stop') {
        port.close();
        return;
      }
      const outcomes = m.jobs.map((job) => {
        try {
          return processFile(job, parser, init.cacheDir);
        } catch (e) {
          return { rel: job.rel, cached: false, skipped: `internal error: ${(e as Error).message}`, notes: [] };
        }
      });
      post({ type: 'batch', id: m.id, outcomes });
    });
    post({ type: 'ready' });
  } catch (e) {
    post({ type: 'fatal', message: (e as Error).message });
  }
}

void main();
