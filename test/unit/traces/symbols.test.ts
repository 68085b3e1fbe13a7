import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAddressOnly, normalizeFunction, stripCloneSuffix, syscallName } from '../../../src/core/traces/parse/symbols';

test('clone suffixes are stripped, repeated ones too', () => {
  assert.equal(stripCloneSuffix('finish_task_switch.isra.0'), 'finish_task_switch');
  assert.equal(stripCloneSuffix('orc_find.part.0'), 'orc_find');
  assert.equal(stripCloneSuffix('__lock_acquire.cold'), '__lock_acquire');
  assert.equal(stripCloneSuffix('check_prev_add.constprop.19'), 'check_prev_add');
  assert.equal(stripCloneSuffix('print_circular_bug.isra.10.cold.34'), 'print_circular_bug');
  assert.equal(stripCloneSuffix('generic_write_check_limits.isra.58'), 'generic_write_check_limits');
  assert.equal(stripCloneSuffix('__key.0'), '__key.0');
});

test('syscall wrappers map to sys_X; __sys_ helpers do not', () => {
  for (const w of ['__do_sys_sendfile64', '__x64_sys_sendfile64', '__se_sys_sendfile64', '__ia32_sys_sendfile64', 'SyS_sendfile64']) {
    assert.equal(syscallName(w), 'sys_sendfile64', w);
  }
  assert.equal(syscallName('__sys_sendmsg'), '__sys_sendmsg');
  assert.equal(syscallName('do_sendfile'), 'do_sendfile');
  assert.equal(normalizeFunction('__x64_sys_openat'), 'sys_openat');
});

test('address-only frames', () => {
  assert.equal(isAddressOnly('0xffffffffc064e083'), true);
  assert.equal(isAddressOnly('<00007f0a1b2c3d4e>'), true);
  assert.equal(isAddressOnly('do_sendfile'), false);
});
