import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isBraceless } from '../../../src/core/facts/readFile';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

test('braceless: no { and no <% means nothing to extract', () => {
  assert.equal(isBraceless('#define REG_A 0x10\nint f(struct file *f);\n'), true);
  assert.equal(isBraceless('struct s { int a; };'), false);
  assert.equal(isBraceless('int f(void) <% return 0; %>'), false);
});

test('braceless: such files are counted, not parsed, and change no chain', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'lockpath-braceless-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  cpSync(join(FIXTURES, 'kernel-like'), root, { recursive: true });
  const before = await analyzeFixture(root);
  writeFileSync(join(root, 'include/linux/regs.h'), '#define MMIO_A 0x10\n#define MMIO_B (MMIO_A + 4)\nint reg_read(int reg);\n');
  const after = await analyzeFixture(root);
  assert.equal(after.result.stats.bracelessFiles, (before.result.stats.bracelessFiles ?? 0) + 1);
  assert.equal(after.result.stats.files, before.result.stats.files + 1);
  assert.deepEqual(after.result.chains, before.result.chains);
});
