// Invariant: no input makes the parsers throw. Mutated fixture lines (cut, duplicated
// characters, random bytes) are fed to every format; each line is either interpreted or an
// Unparsed record, and every Unparsed line number is in range.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LogFormat } from '../../../src/core/model/trace';
import { LineSplitter } from '../../../src/core/traces/parse/lineReader';
import { LogParser } from '../../../src/core/traces/parse/parseLog';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

/** Deterministic PRNG (mulberry32) so that a failure reproduces. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sources = [...listFiles(join('test', 'fixtures', 'logs')), join('test', 'fixtures', 'traces', 'fgraph_do_sendfile_tmpfs_tail.txt')];
const formats: (LogFormat | undefined)[] = [undefined, 'function_graph', 'function', 'trace-cmd', 'dmesg'];

test('mutated inputs never make any parser throw', () => {
  const rand = rng(42);
  for (const file of sources) {
    const bytes = readFileSync(file);
    for (let round = 0; round < 4; round++) {
      const out: number[] = [];
      for (const b of bytes) {
        const r = rand();
        if (r < 0.01) continue; // drop a byte
        if (r < 0.02) out.push(Math.floor(rand() * 256)); // insert a random byte
        if (r < 0.025) out.push(b, b); // duplicate
        else out.push(b);
      }
      const mutated = Uint8Array.from(out);
      for (const format of formats) {
        const parser = new LogParser(file, format ? { format } : {});
        const splitter = new LineSplitter(parser, 256);
        splitter.push(mutated);
        splitter.finish();
        const log = parser.finish();
        for (const u of log.unparsed) assert.ok(u.line >= 1 && u.line <= log.lines, `${file} ${format}: line ${u.line}`);
      }
    }
  }
});
