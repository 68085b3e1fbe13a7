// CLI composition root: argv -> the command it names -> exit code; and a bigger heap for a
// whole kernel.
import { spawnSync } from 'node:child_process';
import { totalmem } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { LOCKPATH_VERSION } from '../core/analyze';
import { analysisHeapFlags } from '../core/heapFlags';
import { EXIT } from './exitCodes';
import { USAGE } from './scanArgs';
import { runScan } from './scanCommand';
import { runTrace } from './traceCommand';
import { DIFF_USAGE } from './diffArgs';
import { runDiff } from './diffCommand';

/** Every command by the name it is run with; each parses its own options (commandLine.ts). */
const COMMANDS: ReadonlyMap<string, (argv: readonly string[]) => Promise<number>> = new Map([
  ['scan', runScan],
  ['trace', runTrace],
  ['diff', runDiff],
]);

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n\n${DIFF_USAGE}\n`);
    return EXIT.ok;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`lockpath ${LOCKPATH_VERSION}\n`);
    return EXIT.ok;
  }
  const run = COMMANDS.get(command);
  if (run === undefined) {
    process.stderr.write(`lockpath: unknown command "${command}"\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  return run(rest);
}

/**
 * A whole kernel's facts need more than Node's default heap (about 4 GiB here): run again in a
 * child with a limit sized to the machine, unless we are that child or the user chose a limit.
 */
function needsBiggerHeap(): boolean {
  if (process.env.LOCKPATH_HEAP_SET !== undefined || process.execArgv.some((a) => a.startsWith('--max-old-space-size'))) return false;
  if ((process.env.NODE_OPTIONS ?? '').includes('--max-old-space-size')) return false;
  return getHeapStatistics().heap_size_limit < heapLimitMb() * 1024 * 1024 * 0.9;
}

function heapLimitMb(): number {
  return Math.max(2048, Math.floor((totalmem() / 1048576) * 0.75));
}

// The tree walk stats tens of thousands of files through libuv's pool (4 threads by default).
process.env.UV_THREADPOOL_SIZE ??= '16';

if (needsBiggerHeap()) {
  const child = spawnSync(process.execPath, [...analysisHeapFlags(heapLimitMb()), ...process.execArgv, __filename, ...process.argv.slice(2)], {
    stdio: 'inherit', env: { ...process.env, LOCKPATH_HEAP_SET: '1' },
  });
  process.exitCode = child.status ?? (child.signal === 'SIGINT' ? EXIT.cancelled : EXIT.internal);
} else {
  run();
}

function run(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`lockpath: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
