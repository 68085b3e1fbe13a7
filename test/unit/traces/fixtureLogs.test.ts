// Own fixtures: `ok/` must parse with zero Unparsed records, `err/` (truncated, garbled, binary)
// must yield them and never throw. Each renders to a golden under test/golden/traces/fixtures/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseLogFile } from '../../../src/core/traces/parse/parseLog';
import { renderParsedLog } from '../../../src/core/traces/parse/renderParsedLog';
import { assertGolden } from '../../support/golden';

const ROOT = join('test', 'fixtures', 'logs');

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

for (const file of listFiles(join(ROOT, 'ok'))) {
  const name = relative(ROOT, file);
  test(`fixture ${name} parses with zero unparsed records`, async () => {
    const log = await parseLogFile(file);
    assert.deepEqual(log.unparsed, [], `unparsed records in ${name}`);
    assert.ok(log.lines > 0);
    assertGolden(`traces/fixtures/${name}.golden`, renderParsedLog({ ...log, file: name }));
  });
}

for (const file of listFiles(join(ROOT, 'err'))) {
  const name = relative(ROOT, file);
  test(`fixture ${name} yields Unparsed records with line numbers and does not throw`, async () => {
    const log = await parseLogFile(file);
    assert.ok(log.unparsed.length > 0, `expected diagnostics for ${name}`);
    for (const u of log.unparsed) {
      assert.ok(u.line >= 1 && u.line <= log.lines, `line ${u.line} out of range in ${name}`);
      assert.ok(u.reason.length > 0);
    }
    assertGolden(`traces/fixtures/${name}.golden`, renderParsedLog({ ...log, file: name }));
  });
}
