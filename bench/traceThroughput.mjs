// Trace parser throughput and memory: builds a ~1 GB function_graph file under /tmp by repeating
// a real capture, stream-parses it, prints MB/s and peak RSS; then the same at ~100 MB, to show
// that memory does not grow with input size. Each size runs in its own process so that peak RSS
// (process.resourceUsage().maxRSS) belongs to that run only.
//   node bench/traceThroughput.mjs [--sizes 100,1000] [--keep]
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const capture = join(root, 'test/fixtures/traces/fgraph_do_sendfile_tmpfs.txt');
const bundle = join(tmpdir(), 'lockpath-bench-parseLog.cjs');
const args = process.argv.slice(2);

if (args[0] === '--run') {
  // Child: parse one file, report JSON on stdout.
  const { parseLogFile } = createRequire(import.meta.url)(bundle);
  const file = args[1];
  const bytes = statSync(file).size;
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const log = await parseLogFile(file);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // CPU time as well as wall time: on a shared machine the wall-clock rate depends on the load.
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const nodes = log.limits.find((l) => l.what === 'call-tree nodes');
  // Peak RSS includes garbage V8 has not collected yet; the live heap after a full GC is what
  // the parse really keeps (bounded by the caps in traceCollector.ts).
  globalThis.gc?.();
  const liveHeapMb = process.memoryUsage().heapUsed / 1e6;
  console.log(JSON.stringify({ liveHeapMb, cpuSeconds, mbPerCpuS: bytes / 1e6 / cpuSeconds,
    mb: bytes / 1e6, seconds, mbPerS: bytes / 1e6 / seconds, maxRssMb: process.resourceUsage().maxRSS / 1024,
    lines: log.lines, unparsed: log.unparsed.length, edges: log.observedEdges.length, treeNodesKept: nodes?.kept ?? null, treeNodesDropped: nodes?.dropped ?? 0,
  }));
  process.exit(0);
}

const sizeArg = args.indexOf('--sizes');
const sizesMb = sizeArg >= 0 ? args[sizeArg + 1].split(',').map(Number) : [100, 1000];
await esbuild.build({
  entryPoints: [join(root, 'src/core/traces/parse/parseLog.ts')], bundle: true, platform: 'node', format: 'cjs',
  target: 'node20', outfile: bundle, logLevel: 'warning',
});

const unit = readFileSync(capture);
// Drop the 4 header lines after the first copy, as one long capture would print them once.
const headerEnd = unit.indexOf('#      |') >= 0 ? unit.indexOf('\n', unit.indexOf('#      |')) + 1 : 0;
const body = unit.subarray(headerEnd);

function build(mb) {
  const file = join(tmpdir(), `lockpath-bench-${mb}mb.txt`);
  if (existsSync(file) && statSync(file).size >= mb * 1e6) return file;
  const fd = openSync(file, 'w');
  writeSync(fd, unit.subarray(0, headerEnd));
  let written = headerEnd;
  const block = Buffer.concat(Array.from({ length: 64 }, () => body));
  while (written < mb * 1e6) written += writeSync(fd, block);
  closeSync(fd);
  return file;
}

const results = [];
for (const mb of sizesMb) {
  const file = build(mb);
  const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--run', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const r = JSON.parse(out.trim().split('\n').pop());
  results.push(r);
  console.log(`${r.mb.toFixed(0).padStart(5)} MB  ${r.seconds.toFixed(2).padStart(6)} s  ${r.mbPerS.toFixed(1).padStart(6)} MB/s (${r.mbPerCpuS.toFixed(1)} MB per CPU-second)  peak RSS ${r.maxRssMb.toFixed(0)} MB  live heap after GC ${r.liveHeapMb.toFixed(0)} MB  ` +
    `(${r.lines} lines, ${r.edges} edges, tree nodes kept ${r.treeNodesKept ?? 'all'}, dropped ${r.treeNodesDropped}, unparsed ${r.unparsed})`);
  if (!args.includes('--keep')) rmSync(file, { force: true });
}
rmSync(bundle, { force: true });
