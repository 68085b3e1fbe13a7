import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseLockClass, freezeLevel, HeldLocks } from '../../../src/core/traces/parse/freezeEvidence';
import { parseLogLines } from '../../../src/core/traces/parse/parseLog';

test('freeze levels from lock classes', () => {
  assert.equal(freezeLevel('sb_writers#4'), 'write');
  assert.equal(freezeLevel('sb_writers'), 'write');
  assert.equal(freezeLevel('sb_pagefaults'), 'pagefault');
  assert.equal(freezeLevel('sb_internal#2'), 'internal');
  assert.equal(freezeLevel('&pipe->mutex/1'), null);
  assert.equal(baseLockClass('&pipe->mutex/1'), '&pipe->mutex');
});

test('held locks: nested acquire counts, releases without acquire ignored, per task', () => {
  const h = new HeldLocks();
  h.apply('a', { op: 'release', address: '1', class: 'sb_writers', read: false, try: false });
  assert.equal(h.freezeHeld('a'), null);
  h.apply('a', { op: 'acquire', address: '1', class: 'sb_writers', read: true, try: false });
  h.apply('a', { op: 'acquire', address: '1', class: 'sb_writers', read: true, try: true });
  h.apply('a', { op: 'release', address: '1', class: 'sb_writers', read: false, try: false });
  assert.equal(h.freezeHeld('a'), 'sb_writers');
  assert.equal(h.freezeHeld('b'), null);
  h.apply('a', { op: 'release', address: '1', class: 'sb_writers', read: false, try: false });
  assert.equal(h.freezeHeld('a'), null);
});

test('graph evidence: hook below rw_verify_area wins, no evidence once released, irq calls ignored', () => {
  const log = parseLogLines([
    '# tracer: function_graph',
    ' 0)  t-1   |               |  /* lock_acquire: ffff1 read sb_writers */',
    ' 0)  t-1   |               |  do_sendfile() {',
    ' 0)  t-1   |               |    rw_verify_area() {',
    ' 0)  t-1   |   1.000 us    |      security_file_permission();',
    ' 0)  t-1   |   2.000 us    |    }',
    ' 0)  t-1   |   ==========> |',
    ' 0)  t-1   |   1.000 us    |    security_file_open();',
    ' 0)  t-1   |   <========== |',
    ' 0)  t-1   |               |  /* lock_release: ffff1 sb_writers */',
    ' 0)  t-1   |   1.000 us    |    rw_verify_area();',
    ' 0)  t-1   |   9.000 us    |  }',
  ]);
  assert.deepEqual(log.unparsed, []);
  assert.deepEqual(log.freezeHeld.map((f) => [f.sink, f.path.join('>'), f.line]), [['security_file_permission', 'do_sendfile>rw_verify_area>security_file_permission', 5]]);
});
