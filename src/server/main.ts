// Entry of the index server child process (dist/indexServer.js), forked by the extension with
// an IPC channel. It dies with its parent: a disconnected channel ends the process.
import { existsSync, readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { join } from 'node:path';
import { locateWasm } from '../core/parse/wasmLocation';
import type { FromServer } from '../protocol/indexProtocol';
import { IndexServer } from './indexServer';

/**
 * The index is background work beside the editor: a cold scan parses on every core, and on a
 * machine of two the extension host then waited for a core for tens of ms at a time. At this
 * niceness the editor's processes are served first. Linux gives each thread its own niceness:
 * the parser threads, started later, inherit the main thread's.
 */
const BACKGROUND_NICENESS = 10;

/** Every thread running now (V8's helpers too; /proc is Linux's), then the main thread's for those to come. */
function runInBackground(): void {
  try {
    if (getPriority() >= BACKGROUND_NICENESS) return;
    const threads = existsSync('/proc/self/task') ? readdirSync('/proc/self/task').map(Number) : [];
    for (const tid of threads) setPriority(tid, BACKGROUND_NICENESS);
    setPriority(BACKGROUND_NICENESS);
  } catch {
    // Not allowed here: the server runs at the editor's priority, as before.
  }
}

function main(): void {
  if (process.send === undefined) {
    process.stderr.write('lockpath index server: start me with an IPC channel (child_process.fork)\n');
    process.exit(2);
  }
  runInBackground();
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
