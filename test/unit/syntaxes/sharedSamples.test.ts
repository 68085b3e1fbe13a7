// Invariants over the real logs in ../shared (read in place, never copied): every line
// tokenizes without hitting the time limit, and the tokens Lockpath users look for get their
// scopes wherever they occur. Skips when the folder is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vsctm from 'vscode-textmate';
import { describe, loadGrammar, scopesOf, type Token } from './tokenizeLines';

const SHARED = join(process.cwd(), '..', 'shared');
const LOGS = join(SHARED, 'logs');
const TRACES = join(SHARED, 'traces');

function files(dir: string, keep: (name: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => n.endsWith('.txt') && keep(n)).sort().map((n) => join(dir, n));
}

interface Checked {
  lines: number;
  hits: number;
}

async function check(
  scopeName: string,
  paths: string[],
  probe: (line: string) => { needle: string; from: number; scope: string }[],
): Promise<Checked> {
  const grammar = await loadGrammar(scopeName);
  const out: Checked = { lines: 0, hits: 0 };
  for (const path of paths) {
    let state = vsctm.INITIAL;
    readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
      const r = grammar.tokenizeLine(line, state, 1000);
      assert.ok(!r.stoppedEarly, `${path}:${i + 1} hit the tokenizer time limit`);
      state = r.ruleStack;
      out.lines++;
      const tokens: Token[] = r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
      for (const p of probe(line)) {
        const t = scopesOf(tokens, line, p.needle, p.from);
        assert.ok(t.scopes.includes(p.scope), `${path}:${i + 1}: "${p.needle}" lacks ${p.scope}\n${line}\n${describe(tokens)}`);
        out.hits++;
      }
    });
  }
  return out;
}

const ftraceFiles = [...files(LOGS, (n) => n.startsWith('ftrace-')), ...files(TRACES, (n) => !n.includes('__settings'))];
const kernelFiles = files(LOGS, (n) => n.startsWith('lockdep-') || n.startsWith('hungtask-'));

test('ftrace samples: graph entries name their function, sb_writers events get the freeze scope', {
  skip: ftraceFiles.length === 0 ? `no ftrace samples under ${SHARED}` : false,
}, async () => {
  const r = await check('source.ftrace', ftraceFiles, (line) => {
    const probes: { needle: string; from: number; scope: string }[] = [];
    const entry = /\|\s+([A-Za-z_][\w.$]*)\(\) \{\s*$/.exec(line);
    if (entry) probes.push({ needle: entry[1]!, from: line.lastIndexOf('|'), scope: 'entity.name.function.ftrace' });
    const lock = /lock_(?:acquire|release):\s+\S+\s+(?:(?:try|read)\s+)*(sb_writers)\b/.exec(line);
    if (lock) probes.push({ needle: 'sb_writers', from: lock.index, scope: 'entity.name.type.lock-class.freeze.ftrace' });
    const ts = /^\s*\S.*?-\d+\s+\[\d+\]\s+\S+\s+(\d+\.\d+):/.exec(line);
    if (ts) probes.push({ needle: ts[1]!, from: 0, scope: 'constant.numeric.timestamp.ftrace' });
    return probes;
  });
  assert.ok(r.hits > 1000, `only ${r.hits} probes matched in ${r.lines} lines`);
});

test('kernel-log samples: sb_writers classes, frames and timestamps get their scopes', {
  skip: kernelFiles.length === 0 ? `no lockdep/hung-task samples under ${SHARED}` : false,
}, async () => {
  const r = await check('source.kernel-log', kernelFiles, (line) => {
    const probes: { needle: string; from: number; scope: string }[] = [];
    const cls = /\((sb_writers#\d+)\)\{/.exec(line);
    if (cls) probes.push({ needle: cls[1]!, from: cls.index, scope: 'entity.name.type.lock-class.freeze.kernel-log' });
    const frame = /^(?:\[[^\]]*\])*\s+(?:\?\s+)?([A-Za-z_][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+/.exec(line);
    if (frame) probes.push({ needle: `${frame[1]!}+`, from: 0, scope: 'entity.name.function.kernel-log' });
    const ts = /^\[\s*(\d+\.\d+)\]/.exec(line);
    if (ts) probes.push({ needle: ts[1]!, from: 0, scope: 'constant.numeric.timestamp.kernel-log' });
    return probes;
  });
  assert.ok(r.hits > 500, `only ${r.hits} probes matched in ${r.lines} lines`);
});
