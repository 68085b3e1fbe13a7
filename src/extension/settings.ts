// The one reader of the `lockpath.*` settings (types and defaults: settingDefaults.ts).
import * as vscode from 'vscode';
import { isArchName } from '../core/sources/architectures';
import { SETTING_DEFAULTS, type Settings } from './settingDefaults';

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('lockpath', scope);
  const d = SETTING_DEFAULTS;
  const strings = (key: string, fallback: string[]): string[] => {
    const v = c.get<unknown>(key);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : fallback;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[], fallback: T): T => {
    const v = c.get<unknown>(key);
    return allowed.includes(v as T) ? (v as T) : fallback;
  };
  const count = (key: string, fallback: number, min: number): number => {
    const v = c.get<unknown>(key);
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fallback;
  };
  const name = (key: string, fallback: string): string => {
    const v = c.get<unknown>(key);
    return typeof v === 'string' && isArchName(v) ? v : fallback;
  };
  const exclude = c.get<unknown>('exclude');
  return {
    autoScan: c.get<boolean>('autoScan', d.autoScan) !== false,
    severity: oneOf('severity', ['error', 'warning', 'information', 'hint'], d.severity),
    showPossibleChains: c.get<boolean>('showPossibleChains', d.showPossibleChains) === true,
    include: strings('include', d.include),
    exclude: Array.isArray(exclude) ? strings('exclude', []) : d.exclude,
    arch: name('arch', d.arch),
    ruleFiles: strings('ruleFiles', d.ruleFiles),
    maxDiagnostics: count('maxDiagnostics', d.maxDiagnostics, 1),
    workerCount: count('workerCount', d.workerCount, 0),
    pointers: oneOf('pointers', ['typed', 'all'], d.pointers),
    suppressedChains: strings('suppressedChains', d.suppressedChains),
    serverMemoryMb: count('serverMemoryMb', d.serverMemoryMb, 256),
    updateOnType: c.get<boolean>('updateOnType', d.updateOnType) !== false,
    updateOnTypeDelayMs: count('updateOnTypeDelayMs', d.updateOnTypeDelayMs, 0),
  };
}
