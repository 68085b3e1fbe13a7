// One architecture's arch/ code is scanned, as the kernel's `make tags` indexes one: a generic
// call that also resolves to another architecture's definition must not make chains.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanTree } from '../../../src/core/analyze';
import { ArchitectureError, architecturesListed, otherArchitectures } from '../../../src/core/sources/architectures';
import { copyFixture, fixtureOptions } from '../../support/fixtureCopy';

test('architectures: all but the chosen one and those an include names are left out', () => {
  const names = ['x86', 'um', 'arm64'];
  assert.deepEqual(otherArchitectures(names, 'x86', []), ['arch/arm64', 'arch/um']);
  assert.deepEqual(otherArchitectures(names, 'x86', ['arch/arm64/mm']), ['arch/um']);
  assert.deepEqual(otherArchitectures(names, 'all', []), []);
  assert.deepEqual(otherArchitectures(undefined, 'x86', []), [], 'a tree without arch/ leaves nothing out');
  assert.throws(() => otherArchitectures(names, 'sparc', []), (e) => e instanceof ArchitectureError && /arm64, um, x86, or all/.test(e.message));
  assert.deepEqual(architecturesListed(['arch/x86/mm/tlb.c', 'arch/um/kernel/tlb.c', 'arch/Kconfig', 'fs/open.c'])?.sort(), ['um', 'x86']);
  assert.equal(architecturesListed(['fs/open.c']), undefined);
});

test('architectures: a hold reaching the sink only through User-Mode Linux code is a chain with --arch all, not by default', async (t) => {
  const root = copyFixture(t);
  // Both architectures define flush_range(); only um's reaches the permission hook.
  mkdirSync(join(root, 'arch', 'x86', 'mm'), { recursive: true });
  mkdirSync(join(root, 'arch', 'um', 'kernel'), { recursive: true });
  writeFileSync(join(root, 'arch', 'x86', 'mm', 'tlb.c'), 'void flush_range(struct file *f)\n{\n}\n');
  writeFileSync(join(root, 'arch', 'um', 'kernel', 'tlb.c'), 'void flush_range(struct file *f)\n{\n\trw_verify_area(READ, f, 1);\n}\n');
  writeFileSync(join(root, 'fs', 'flush.c'), 'void write_and_flush(struct file *f)\n{\n\tfile_start_write(f);\n\tflush_range(f);\n\tfile_end_write(f);\n}\n');
  const through = (chains: readonly { acquire: { function: string } }[]): number => chains.filter((c) => c.acquire.function === 'write_and_flush').length;
  const x86 = await scanTree(fixtureOptions(root));
  assert.equal(through(x86.result.chains), 0);
  const all = await scanTree({ ...fixtureOptions(root), arch: 'all' });
  assert.equal(through(all.result.chains), 1);
});
