import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RatedChain } from '../../../src/core/editor/editorModel';
import { siteDiagnostics } from '../../../src/extension/siteDiagnostics';
import { analyzeFixture, FIXTURES } from '../../support/analyzeFixture';

const ALL = { showPossibleChains: false, suppressedChains: [], maxDiagnostics: 500 };

test('site diagnostics: one per acquisition site, naming primitive, sink and chain count, with every hop related', async () => {
  const { result } = await analyzeFixture(join(FIXTURES, 'kernel-like'));
  const diags = siteDiagnostics(result.chains, ALL);
  assert.equal(diags.length, 8);
  const sendfile = diags.find((d) => d.file === 'fs/read_write.c' && d.line === 20)!;
  assert.deepEqual({ ...sendfile, related: sendfile.related.map((r) => `${r.file}:${r.line}:${r.column} ${r.message}`) }, {
    file: 'fs/read_write.c', line: 20, column: 2, length: 'file_start_write'.length,
    message: 'file_start_write() holds freeze protection in do_sendfile() while it reaches security_file_permission(): 1 freeze chain starts here',
    rule: 'freeze', confidence: 'likely', chainIds: ['freeze/do_sendfile/file_start_write/do_splice_direct/security_file_permission'],
    related: [
      'fs/read_write.c:20:2 do_sendfile takes freeze protection via file_start_write',
      'fs/read_write.c:21:11 do_sendfile -> do_splice_direct',
      'fs/splice.c:42:9 do_splice_direct -> splice_direct_to_actor',
      'fs/splice.c:33:13 splice_direct_to_actor -> do_splice_to',
      'fs/splice.c:28:19 do_splice_to -> ->splice_read = generic_file_splice_read (function pointer)',
      'fs/splice.c:8:9 generic_file_splice_read -> rw_verify_area',
      'fs/read_write.c:7:9 rw_verify_area -> security_file_permission [sink]',
    ],
  });
  assert.match(diags.find((d) => d.line === 15)!.related[0]!.message, /via ovl_want_write \(on zero return\)$/);
});

const site = { rule: 'freeze', acquire: { file: 'a.c', line: 3, column: 2, function: 'f', call: 'sb_start_write' }, indirect: false };
const hop = (callee: string) => ({ file: 'a.c', line: 4, column: 2, caller: 'f', callee, via: 'direct' });
const likely: RatedChain = { ...site, id: 'freeze/f/a', hops: [hop('fsnotify_perm')], sink: 'fsnotify_perm' };
const possible: RatedChain = { ...site, id: 'freeze/f/b', hops: [hop('g'), hop('security_file_open')], sink: 'security_file_open', confidence: 'possible' };
const onlyPossible: RatedChain = { ...possible, id: 'freeze/h', acquire: { ...site.acquire, line: 9, function: 'h' } };

test('site diagnostics: possible chains only on request, and then a site of only possible chains is marked so', () => {
  const hidden = siteDiagnostics([likely, possible, onlyPossible], ALL);
  assert.deepEqual(hidden.map((d) => [d.line, d.chainIds]), [[3, ['freeze/f/a']]]);
  const shown = siteDiagnostics([likely, possible, onlyPossible], { ...ALL, showPossibleChains: true });
  assert.deepEqual(shown.map((d) => [d.line, d.confidence, d.chainIds]), [[3, 'likely', ['freeze/f/a', 'freeze/f/b']], [9, 'possible', ['freeze/h']]]);
  assert.match(shown[0]!.message, /reaches fsnotify_perm\(\) \(and 1 other sink\): 2 freeze chains start here$/);
});

test('site diagnostics: a suppressed chain is left out by id, whatever its lines; the cap keeps likely sites first', () => {
  const moved: RatedChain = { ...likely, acquire: { ...likely.acquire, line: 30 } };
  assert.deepEqual(siteDiagnostics([moved], { ...ALL, suppressedChains: ['freeze/f/a'] }), []);
  const capped = siteDiagnostics([onlyPossible, moved], { ...ALL, showPossibleChains: true, maxDiagnostics: 1 });
  assert.deepEqual(capped.map((d) => d.chainIds), [['freeze/f/a']]);
});
