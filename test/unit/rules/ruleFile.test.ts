import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRuleFile, RuleFileError } from '../../../src/core/rules/ruleFile';
import { BUILTIN_RULES } from '../../../src/core/rules/ruleSpec';

test('rule file: a new rule of the same shape', () => {
  const [rule] = parseRuleFile(JSON.stringify({ rules: [{
    id: 'rtnl', title: 'sleep under rtnl', description: 'd', acquire: ['rtnl_lock', { name: 'rtnl_trylock', when: 'nonzero' }],
    release: ['rtnl_unlock'], sinks: ['msleep'],
  }] }), BUILTIN_RULES);
  assert.deepEqual(rule?.acquire, [{ name: 'rtnl_lock', when: 'always' }, { name: 'rtnl_trylock', when: 'nonzero' }]);
  assert.deepEqual(rule?.sinks, ['msleep']);
});

test('rule file: errors name the bad field', () => {
  const bad: [string, RegExp][] = [
    ['not json', /not valid JSON/],
    ['{"rules": {}}', /"rules" array/],
    ['{"rules": [{"id": "x"}]}', /rules\[0\]\.title/],
    ['{"rules": [{"id": "x", "title": "t", "description": "d", "acquire": [{"name": "a", "when": "sometimes"}], "sinks": ["s"]}]}', /when must be one of/],
    ['{"rules": [{"id": "x", "title": "t", "description": "d", "acquire": [], "sinks": ["s"]}]}', /at least one acquire/],
    ['{"rules": [{"extends": "freeze", "addSinks": [3]}]}', /addSinks must be an array of names/],
  ];
  for (const [text, message] of bad) assert.throws(() => parseRuleFile(text, BUILTIN_RULES), (e: unknown) => e instanceof RuleFileError && message.test(e.message), text);
});

test('rule file: a JSON error names the file, line and column', () => {
  const text = '{ "rules": [\n  { "extends": "freeze",\n    "addSinks": ["x"] "removeSinks": [] } ] }';
  assert.throws(() => parseRuleFile(text, BUILTIN_RULES, 'my-rules.json'), (e: unknown) => e instanceof RuleFileError && /^my-rules\.json:3:23: not valid JSON/.test(e.message));
  assert.throws(() => parseRuleFile('{"rules": [', BUILTIN_RULES, 'cut.json'), (e: unknown) => e instanceof RuleFileError && /^cut\.json:1:12: not valid JSON/.test(e.message));
  assert.throws(() => parseRuleFile('{"rules": {}}', BUILTIN_RULES, 'shape.json'), (e: unknown) => e instanceof RuleFileError && /^shape\.json: must be an object/.test(e.message));
});
