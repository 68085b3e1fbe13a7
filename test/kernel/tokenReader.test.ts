// The token reader against tree-sitter on real kernel code: every function under fs/ of Debian's
// 6.1 whose body tree-sitter parses without an error, read both ways. Most files are only
// ever read from tokens, so what they say must be what a full parse says, calls first.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { maskAnnotations } from '../../src/core/facts/annotationMask';
import { extractFileFacts } from '../../src/core/facts/tree/extractFileFacts';
import { readTokenFacts } from '../../src/core/facts/tokens/tokenReader';
import type { FileFacts } from '../../src/core/model/facts';
import { createCParser } from '../../src/core/parse/treeSitter';
import { locateWasm } from '../../src/core/parse/wasmLocation';
import { ensureKernelTree, kernelSkipMessage } from '../support/kernelTrees';

/** Functions by name and first line, with their calls as the graph sees them. */
function callsByFunction(f: FileFacts, cleanOnly: boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const fn of f.functions) {
    if (cleanOnly && fn.bodyErrors > 0) continue;
    out.set(`${fn.name}@${fn.startLine}`, fn.calls.map((c) => `${c.kind} ${c.callee} ${c.line}:${c.column} ${c.receiverType ?? ''}`));
  }
  return out;
}

function difference(a: readonly string[], b: readonly string[]): string[] {
  const rest = new Map<string, number>();
  for (const x of b) rest.set(x, (rest.get(x) ?? 0) + 1);
  return a.filter((x) => {
    const n = rest.get(x) ?? 0;
    if (n === 0) return true;
    rest.set(x, n - 1);
    return false;
  });
}

function cFiles(dir: string, rel: string, out: string[]): string[] {
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    if (e.isDirectory()) cFiles(dir, `${rel}/${e.name}`, out);
    else if (e.name.endsWith('.c')) out.push(`${rel}/${e.name}`);
  }
  return out;
}

test('linux 6.1 fs/: the token reader finds the calls tree-sitter finds in every function it parses without error', { timeout: 10 * 60_000 }, async (t) => {
  const tree = await ensureKernelTree('6.1', ['fs']);
  if (tree === undefined) return t.skip(kernelSkipMessage('6.1'));
  const parser = await createCParser(locateWasm(__dirname));
  t.after(() => parser.delete());
  let functions = 0;
  let calls = 0;
  const missingFunctions: string[] = [];
  const missingCalls: string[] = [];
  const extraCalls: string[] = [];
  const declined: string[] = [];
  for (const rel of cFiles(tree, 'fs', []).sort()) {
    const text = maskAnnotations(readFileSync(join(tree, rel), 'utf8'));
    const parsed = parser.parse(text);
    assert.ok(parsed);
    const expected = callsByFunction(extractFileFacts(rel, parsed), true);
    parsed.delete();
    const facts = readTokenFacts(rel, text);
    if (facts === undefined) {
      declined.push(rel);
      continue;
    }
    const got = callsByFunction(facts, false);
    for (const [fn, want] of expected) {
      functions++;
      calls += want.length;
      const have = got.get(fn);
      if (have === undefined) {
        missingFunctions.push(`${rel}: ${fn}`);
        continue;
      }
      missingCalls.push(...difference(want, have).map((x) => `${rel}: ${fn}: ${x}`));
      extraCalls.push(...difference(have, want).map((x) => `${rel}: ${fn}: ${x}`));
    }
  }
  t.diagnostic(`${functions} functions without parse errors, ${calls} calls; token reader: ${missingFunctions.length} functions missing, `
    + `${missingCalls.length} calls missing, ${extraCalls.length} extra; ${declined.length} files declined`);
  for (const m of [...missingFunctions, ...missingCalls.slice(0, 5)]) t.diagnostic(`missing: ${m}`);
  assert.ok(functions > 10_000 && calls > 100_000, 'a real sample');
  // A handful of known differences (see docs/reading-files.md), never a share that matters.
  assert.ok(missingFunctions.length <= functions / 1000, `functions missing: ${missingFunctions.slice(0, 10).join('; ')}`);
  assert.ok(missingCalls.length <= calls / 1000, `calls missing: ${missingCalls.slice(0, 10).join('; ')}`);
  assert.ok(extraCalls.length <= calls / 200, `extra calls: ${extraCalls.slice(0, 10).join('; ')}`);
  assert.ok(declined.length <= 5, `declined: ${declined.join(', ')}`);
});
