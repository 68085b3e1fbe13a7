// `lockpath scan … --baseline FILE [--fail-on new]`: the scan's chains compared with an earlier
// JSON report. SARIF results get `baselineState` (chains only in the baseline come back as
// `absent`), and --fail-on new fails only on chains the baseline does not have.
import { readFileSync } from 'node:fs';
import { compareToBaseline, countStates } from '../core/diff/baselineState';
import type { ScanResult } from '../core/model/chain';
import { parseJsonReport } from '../core/report/jsonInput';
import { renderSarifWithBaseline } from '../core/report/sarifBaseline';
import { ResultFileError } from '../core/report/jsonInput';
import { UsageError } from './treeOptions';

export interface BaselineArgs {
  baseline?: string;
  failOnNew: boolean;
}

export const BASELINE_USAGE = `baseline (scan):
  --baseline FILE        compare with an earlier JSON report: SARIF results get baselineState
                         (new, unchanged, updated; absent for chains only in FILE)
  --fail-on new          exit 1 only when there are chains FILE does not have`;

/** Takes --baseline and --fail-on out of scan's argv; the rest goes to scan's own parser. */
export function takeBaselineArgs(argv: readonly string[]): { argv: string[]; baseline: BaselineArgs } {
  const rest: string[] = [];
  const baseline: BaselineArgs = { failOnNew: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a !== '--baseline' && a !== '--fail-on') {
      rest.push(a);
      continue;
    }
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
    if (a === '--baseline') baseline.baseline = v;
    else if (v === 'new') baseline.failOnNew = true;
    else throw new UsageError(`--fail-on takes new, not "${v}"`);
  }
  if (baseline.failOnNew && baseline.baseline === undefined) throw new UsageError('--fail-on new needs --baseline FILE');
  return { argv: rest, baseline };
}

/** The baseline report, read before the scan so that a bad file fails fast (exit 2). */
export function loadBaseline(path: string): ScanResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ResultFileError(`cannot read baseline ${path}: ${(e as Error).message}`);
  }
  return parseJsonReport(text, path);
}

/** The SARIF report with baselineState, the stderr line, and whether --fail-on new fails. */
export function applyBaseline(result: ScanResult, baseline: ScanResult): { sarif: () => string; summary: string; hasNew: boolean } {
  const cmp = compareToBaseline(baseline.chains, result.chains);
  const n = countStates(cmp);
  return {
    sarif: () => renderSarifWithBaseline(result, cmp.states, cmp.absent.map((chain) => ({ chain }))),
    summary: `baseline: ${n.new} new, ${n.unchanged} unchanged, ${n.updated} updated, ${n.absent} absent`,
    hasNew: n.new > 0,
  };
}
