// package.json is the extension's contract with VS Code: its commands, settings and activation
// must agree with the code (commandIds.ts, settingDefaults.ts).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { COMMAND_IDS } from '../../../src/extension/commandIds';
import { SETTING_DEFAULTS } from '../../../src/extension/settingDefaults';

interface Manifest {
  main: string;
  engines: { vscode: string };
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: boolean | 'limited'; restrictedConfigurations?: string[] } };
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  contributes: {
    commands: { command: string; title: string; category: string }[];
    configuration: { properties: Record<string, { default: unknown; type: string | string[] }> };
    views: Record<string, { id: string }[]>;
    viewsContainers: { activitybar: { icon: string }[] };
  };
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

test('manifest: every command is implemented and every implemented command is declared, in category Lockpath', () => {
  assert.deepEqual(pkg.contributes.commands.map((c) => c.command).sort(), [...COMMAND_IDS].sort());
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'Lockpath', c.command);
});

test('manifest: the settings schema and the defaults in settingDefaults.ts agree', () => {
  const props = pkg.contributes.configuration.properties;
  const declared = Object.fromEntries(Object.entries(props).map(([k, v]) => [k.replace(/^lockpath\./, ''), v.default ?? undefined]));
  assert.deepEqual(declared, { ...SETTING_DEFAULTS });
  for (const key of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations ?? []) assert.ok(key in props, key);
});

test('manifest: activation on kernel trees, limited support in Restricted Mode, VS Code no newer than the E2E one', () => {
  assert.equal(pkg.main, './dist/extension.js');
  for (const e of ['workspaceContains:Kbuild', 'workspaceContains:MAINTAINERS']) assert.ok(pkg.activationEvents.includes(e), e);
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  const [major, minor] = pkg.engines.vscode.replace(/^\^/, '').split('.').map(Number);
  assert.ok(major === 1 && minor! <= 100, `engines.vscode ${pkg.engines.vscode} must allow code-server 4.100.3 (VS Code 1.100.3)`);
  assert.match(pkg.devDependencies['@vscode/vsce'] ?? '', /^\d+\.\d+\.\d+$/, 'vsce is pinned');
  assert.ok(existsSync(pkg.contributes.viewsContainers.activitybar[0]!.icon));
  assert.ok(pkg.contributes.views.lockpath?.some((v) => v.id === 'lockpath.chains'));
});

test('manifest: the Get started walkthrough has its four steps, each with its media and a command Lockpath or VS Code has', () => {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
    contributes: {
      walkthroughs: { id: string; steps: { id: string; description: string; media: { markdown?: string }; completionEvents: string[] }[] }[];
      menus: Record<string, { command: string; when?: string }[]>;
    };
  };
  const [walk] = manifest.contributes.walkthroughs;
  assert.deepEqual(walk?.steps.map((s) => s.id), ['openTree', 'scan', 'panel', 'trace']);
  for (const step of walk!.steps) {
    assert.ok(step.media.markdown !== undefined && existsSync(step.media.markdown), `${step.id}: ${step.media.markdown}`);
    for (const [, id] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(id!.startsWith('workbench.') || (COMMAND_IDS as readonly string[]).includes(id!), `${step.id}: ${id}`);
    }
    assert.ok(step.completionEvents.length > 0, step.id);
  }
  // A log file in the Explorer offers "Load Trace"; "Clear Trace Overlay" only shows once one is loaded.
  const loadTrace = manifest.contributes.menus['explorer/context']?.find((m) => m.command === 'lockpath.loadTrace')?.when ?? '';
  assert.match(loadTrace, /resourceLangId == kernel-log/);
  // Only log-like files: the languages of syntaxes/, log extensions and log-like names, not every .txt.
  assert.doesNotMatch(loadTrace, /\.txt/);
  const [, pattern, flags] = /resourceFilename =~ \/(.+)\/(\w*)/.exec(loadTrace) ?? [];
  const logName = new RegExp(pattern ?? '$^', flags);
  assert.deepEqual(['dmesg-6.12.txt', 'trace_pipe.out', 'lockdep-splat.txt', 'notes.txt', 'README.txt', 'CMakeLists.txt'].filter((n) => logName.test(n)),
    ['dmesg-6.12.txt', 'trace_pipe.out', 'lockdep-splat.txt']);
  assert.ok(manifest.contributes.menus.commandPalette?.some((m) => m.command === 'lockpath.clearOverlay' && m.when === 'lockpath.overlayLoaded'));
});
