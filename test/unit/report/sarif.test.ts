import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Log, Result } from 'sarif';
import { FINGERPRINT_KEY, renderSarif, rootUri, toSarif } from '../../../src/core/report/sarif';
import { assertGolden } from '../../support/golden';
import { validateSarif as validate } from '../../support/sarifSchema';
import { emptyResult, sampleResult } from './sampleResult';

function sample(): Log {
  return JSON.parse(renderSarif(sampleResult(), { informationUri: 'https://example.org/lockpath' })) as Log;
}

function results(log: Log): Result[] {
  return log.runs[0]!.results ?? [];
}

test('sample log is valid against the SARIF 2.1.0 schema', () => {
  assert.deepEqual(validate(sample()), []);
});

test('empty and unsuccessful logs are valid too', () => {
  assert.deepEqual(validate(toSarif(emptyResult())), []);
  const failed = toSarif(emptyResult(), { executionSuccessful: false });
  assert.deepEqual(validate(failed), []);
  assert.equal(failed.runs[0]!.invocations![0]!.executionSuccessful, false);
});

test('the validator does reject a broken log', () => {
  const log = sample();
  log.runs[0]!.results![0]!.locations![0]!.physicalLocation!.region!.startLine = 0;
  assert.notDeepEqual(validate(log), []);
  assert.notDeepEqual(validate({ ...sample(), version: '2.0.0' }), []);
});

test('log header, driver and rules', () => {
  const log = sample();
  assert.equal(log.version, '2.1.0');
  assert.match(log.$schema ?? '', /sarif-2\.1\.0/);
  assert.equal(log.runs.length, 1);
  const driver = log.runs[0]!.tool.driver;
  assert.equal(driver.name, 'lockpath');
  assert.equal(driver.version, '0.1.0');
  assert.equal(driver.informationUri, 'https://example.org/lockpath');
  assert.equal(driver.rules?.length, 1);
  const rule = driver.rules![0]!;
  assert.equal(rule.id, 'freeze');
  assert.ok(rule.shortDescription?.text.includes('fanotify'));
  assert.ok(rule.fullDescription?.text.includes('sb_writers'));
  assert.ok((rule.help?.text.length ?? 0) > 0);
  assert.equal(rule.defaultConfiguration?.level, 'warning');
  assert.equal(toSarif(sampleResult()).runs[0]!.tool.driver.informationUri, undefined);
});

test('artifact URIs are relative to %SRCROOT%, which is the root as a file URI with a trailing slash', () => {
  const run = sample().runs[0]!;
  assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///src/linux-6.1/' } });
  assert.equal(rootUri('/src/linux-6.1/'), 'file:///src/linux-6.1/');
  assert.equal(rootUri('/home/me/linux tree/ü'), 'file:///home/me/linux%20tree/%C3%BC/');
  assert.equal(rootUri('C:\\src\\linux'), 'file:///C:/src/linux/');
});

test('one result per chain at the acquisition site, in id order', () => {
  const rs = results(sample());
  assert.equal(rs.length, 3);
  const first = rs[0]!;
  assert.equal(first.ruleId, 'freeze');
  assert.equal(first.ruleIndex, 0);
  assert.equal(first.level, 'warning');
  assert.equal(
    first.message.text,
    'do_sendfile holds freeze protection (file_start_write) and reaches security_file_permission in 6 calls, 1 through function pointers.',
  );
  assert.deepEqual(first.locations![0]!.physicalLocation, {
    artifactLocation: { uri: 'fs/read_write.c', uriBaseId: '%SRCROOT%' },
    region: { startLine: 1254, startColumn: 2 },
  });
  assert.deepEqual(first.partialFingerprints, {
    [FINGERPRINT_KEY]: 'freeze:do_sendfile>do_splice_direct>splice_direct_to_actor>do_splice_to>ovl_splice_read>rw_verify_area',
  });
  // Spaces, quotes, < and non-ASCII in a path are percent-encoded in the URI.
  assert.equal(
    rs[2]!.locations![0]!.physicalLocation!.artifactLocation!.uri,
    'fs/overlayfs/copy%20up%20%22%C3%BCn%C3%AF%22%20%3Cx%3E.c',
  );
  assert.equal(rs[2]!.partialFingerprints![FINGERPRINT_KEY], 'freeze:ovl_copy_up_flags>"café"<x>');
});

test('the code flow is the acquisition, then every hop, with depth and kinds', () => {
  const flow = results(sample())[0]!.codeFlows![0]!.threadFlows[0]!.locations;
  assert.equal(flow.length, 7);
  assert.deepEqual(
    flow.map((l) => [l.nestingLevel, l.kinds]),
    [
      [0, ['acquire']],
      [0, ['call']],
      [1, ['call']],
      [2, ['call']],
      [3, ['call', 'function-pointer']],
      [4, ['call']],
      [5, ['call', 'sink']],
    ],
  );
  assert.equal(flow[0]!.location!.message!.text, 'do_sendfile holds freeze via file_start_write');
  assert.equal(flow[1]!.location!.message!.text, 'do_sendfile calls do_splice_direct');
  assert.equal(flow[4]!.location!.message!.text, 'do_splice_to calls ovl_splice_read via ->splice_read (12 candidates)');
  assert.deepEqual(flow[4]!.location!.physicalLocation, {
    artifactLocation: { uri: 'fs/splice.c', uriBaseId: '%SRCROOT%' },
    region: { startLine: 41, startColumn: 9 },
  });
  // The sink edge has no known line: no region rather than an invalid line 0.
  assert.deepEqual(flow[6]!.location!.physicalLocation, { artifactLocation: { uri: 'fs/read_write.c', uriBaseId: '%SRCROOT%' } });
  // Known line, unknown column: startLine only.
  const odd = results(sample())[2]!.codeFlows![0]!.threadFlows[0]!.locations;
  assert.deepEqual(odd[2]!.location!.physicalLocation!.region, { startLine: 12 });
  assert.deepEqual(odd[2]!.kinds, ['call', 'function-pointer', 'sink']);
});

test('invocation reports success, skipped files and not-analysed items', () => {
  const inv = sample().runs[0]!.invocations![0]!;
  assert.equal(inv.executionSuccessful, true);
  const notes = inv.toolExecutionNotifications ?? [];
  assert.deepEqual(
    notes.map((n) => [n.descriptor?.id, n.level, n.message.text]),
    [
      ['skipped-file', 'warning', 'Skipped drivers/huge.c: larger than 2 MiB'],
      ['skipped-file', 'warning', 'Skipped fs/bad\nname.c: not UTF-8 <binary?>'],
      ['not-analysed', 'note', 'Not analysed: calls through ->iter_op (3): no assignment of the field was found'],
    ],
  );
  assert.equal(notes[1]!.locations![0]!.physicalLocation!.artifactLocation!.uri, 'fs/bad%0Aname.c');
});

test('a path outside the tree gets an absolute file URI and no base id', () => {
  const r = sampleResult();
  r.chains = [{ ...r.chains[2]!, acquire: { ...r.chains[2]!.acquire, file: '/usr/include/linux/fs.h' } }];
  const log = toSarif(r);
  assert.deepEqual(validate(log), []);
  assert.deepEqual(results(log)[0]!.locations![0]!.physicalLocation!.artifactLocation, { uri: 'file:///usr/include/linux/fs.h' });
});

test('golden: sample SARIF log', () => {
  assertGolden('report/sample.sarif.json', renderSarif(sampleResult()));
});
