// `lockpath scan … --baseline FILE [--fail-on new]` (options in scanArgs.ts): the scan's chains
// compared with an earlier JSON report. SARIF results get `baselineState` (chains only in the baseline come back as
// `absent`), and --fail-on new fails only on chains the baseline does not have.
import { readFileSync } from 'node:fs';
import { compareToBaseline, countStates } from '../core/diff/baselineState';
import type { ScanResult } from '../core/model/chain';
import { parseJsonReport } from '../core/report/jsonInput';
import { renderSarifWithBaseline } from '../core/diff/sarifBaseline';
import { ResultFileError } from '../core/report/jsonInput';

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
