// syzkaller's own report-parser fixtures for lockdep, inconsistent lock state and hung tasks
// (../shared/logs/syzkaller, read, never copied): each file's header gives the title syzbot gives
// the console log under it. The header is data, not log; the log after it must parse to that
// title, with every report recognised and every line placed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseLogLines } from '../../../src/core/traces/parse/parseLog';

const DIR = resolve(process.cwd(), '../shared/logs/syzkaller');
const present = existsSync(DIR);
const skip = present ? false : `syzkaller fixtures not found at ${DIR}: skipped`;
const files = present ? readdirSync(DIR).filter((f) => /^\d+$/.test(f)).sort((a, b) => Number(a) - Number(b)) : [];

/**
 * Fixtures whose title we do not match, with the reason. Empty since syzkaller's rules were
 * followed (skip table, hung-task buckets, per-kind stacks); a new entry needs a reason here and
 * the count in the README.
 */
const KNOWN_MISMATCHES: Readonly<Record<string, string>> = {};

interface Fixture {
  title: string;
  log: string[];
}

/** `TITLE:` and the other header lines up to the first blank line, then the console log. */
function readFixture(name: string): Fixture {
  const lines = readFileSync(join(DIR, name), 'utf8').split('\n');
  const blank = lines.indexOf('');
  const header = lines.slice(0, blank);
  const title = header.find((l) => l.startsWith('TITLE: '));
  assert.ok(title, `${name}: no TITLE: line in its header`);
  return { title: title.slice('TITLE: '.length), log: lines.slice(blank + 1) };
}

test('syzkaller fixtures: all 36 are there', { skip }, () => {
  assert.equal(files.length, 36);
});

for (const name of files) {
  const todo = KNOWN_MISMATCHES[name];
  test(`syzkaller fixture ${name}: title as syzbot gives it, every report recognised`, { skip, todo }, () => {
    const f = readFixture(name);
    const log = parseLogLines(f.log, name);
    assert.equal(log.format, 'dmesg');
    assert.equal(log.title, f.title);
    assert.ok(log.reports.length > 0);
    for (const r of log.reports) assert.ok(r.guiltyFrame !== null, `report at line ${r.line} has no guilty frame`);
    assert.deepEqual(log.unparsed, []);
  });
}

test('syzkaller fixtures: titles matched (the README gives the count)', { skip }, () => {
  const matched = files.filter((name) => {
    const f = readFixture(name);
    return parseLogLines(f.log, name).title === f.title;
  });
  assert.equal(matched.length, files.length - Object.keys(KNOWN_MISMATCHES).length);
});
