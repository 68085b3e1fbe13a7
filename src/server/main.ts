// Entry of the index server child process (dist/indexServer.js), forked by the extension with
// an IPC channel. It dies with its parent: a disconnected channel ends the process.
import { join } from 'node:path';
import { locateWasm } from '../core/parse/wasmLocation';
import type { FromServer } from '../protocol/indexProtocol';
import { IndexServer } from './indexServer';

function main(): void {
  if (process.send === undefined) {
    process.stderr.write('lockpath index server: start me with an IPC channel (child_process.fork)\n');
    process.exit(2);
  }
  const send = (m: FromServer): void => {
    process.send?.(m);
  };
  const server = new IndexServer(send, { wasm: locateWasm(__dirname), workerScript: join(__dirname, 'scanWorker.js') });
  process.on('message', (m) => server.handle(m));
  process.on('disconnect', () => {
    server.dispose();
    process.exit(0);
  });
}

main();
