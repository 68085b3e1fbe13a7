import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanFiles } from '../../../src/core/index/scanFiles';
import { locateWasm } from '../../../src/core/parse/wasmLocation';

const WORKER = join(process.cwd(), 'dist', 'scanWorker.js');

/** Nice values of this process's threads, from /proc (field 19 of each task's stat). */
function threadNices(): number[] {
  return readdirSync('/proc/self/task').flatMap((tid) => {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      return [Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])];
    } catch {
      return []; // the thread ended meanwhile
    }
  });
}

test('parser threads run at the nice value asked for, the process\'s own thread keeps its own', {
  skip: process.platform !== 'linux' ? 'nice values are per thread only on Linux' : !existsSync(WORKER) ? `${WORKER} not built` : false,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'lockpath-nice-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // More than one batch of 64, so that the scan goes to a worker and is still running when asked.
  const files = Array.from({ length: 200 }, (_, i) => {
    const rel = `f${i}.c`;
    writeFileSync(join(dir, rel), `int f${i}(int x)\n{\n\treturn g(x) + ${i};\n}\n`);
    return { rel, abs: join(dir, rel), size: 32, mtimeMs: 0 };
  });
  const own = getPriority(0);
  const seen: number[][] = [];
  const outcomes = await scanFiles(files, {
    wasm: locateWasm(__dirname), cacheDir: undefined, manifest: new Map(), jobs: 1, workerScript: WORKER, parserNice: 7,
    onFacts: () => {
      if (seen.length < 3) seen.push(threadNices());
    },
  });
  assert.equal(outcomes.filter((o) => o.packed !== undefined).length, files.length);
  assert.ok(seen.length > 0);
  assert.ok(seen.every((nices) => nices.includes(7)), `a thread at nice 7 while parsing: ${JSON.stringify(seen)}`);
  assert.equal(getPriority(0), own, 'the calling thread keeps its priority');
});
