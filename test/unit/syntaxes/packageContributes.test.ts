import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';

interface Contributes {
  languages?: { id: string; extensions?: string[]; filenamePatterns?: string[]; configuration?: string }[];
  grammars?: { language: string; scopeName: string; path: string }[];
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes?: Contributes };

test('package.json registers both languages and grammars, and every referenced file exists', () => {
  const c = pkg.contributes ?? {};
  for (const [id, scope] of [['ftrace', 'source.ftrace'], ['kernel-log', 'source.kernel-log']] as const) {
    const lang = c.languages?.find((l) => l.id === id);
    assert.ok(lang, `language ${id}`);
    const grammar = c.grammars?.find((g) => g.language === id);
    assert.equal(grammar?.scopeName, scope);
    assert.ok(existsSync(grammar.path), grammar.path);
    const declared = (JSON.parse(readFileSync(grammar.path, 'utf8')) as { scopeName: string }).scopeName;
    assert.equal(declared, scope, 'grammar file scopeName matches package.json');
    if (lang.configuration !== undefined) {
      assert.ok(existsSync(lang.configuration), lang.configuration);
      JSON.parse(readFileSync(lang.configuration, 'utf8'));
    }
  }
  const byId = (id: string) => c.languages?.find((l) => l.id === id);
  assert.ok(byId('ftrace')?.extensions?.includes('.trace'));
  assert.ok(byId('kernel-log')?.extensions?.includes('.dmesg'));
  assert.ok(byId('kernel-log')?.filenamePatterns?.includes('dmesg*.txt'));
});
