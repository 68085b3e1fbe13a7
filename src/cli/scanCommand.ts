// `lockpath scan`: a tree in, its chains out as text, JSON or SARIF, with progress on stderr.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanTree, type ProgressPhase } from '../core/analyze';
import { atConfidence } from '../core/report/confidence';
import { renderJson } from '../core/report/json';
import { renderSarif } from '../core/report/sarif';
import { renderText, summaryLine } from '../core/report/text';
import { applyBaseline, loadBaseline } from './baselineOption';
import { EXIT } from './exitCodes';
import { runCommand } from './runCommand';
import { SCAN_COMMAND, type ScanArgs } from './scanArgs';
import { analysisOptions, selectRules } from './treeOptions';

export function runScan(argv: readonly string[]): Promise<number> {
  return runCommand('scan', SCAN_COMMAND, argv, scan);
}

async function scan(args: ScanArgs, signal: AbortSignal): Promise<number> {
  const rules = selectRules(args);
  // Read before the scan, so that a bad file fails fast (exit 2).
  const baseline = args.baseline === undefined ? undefined : loadBaseline(args.baseline);
  const root = resolve(args.tree);
  const tty = !args.quiet && process.stderr.isTTY;
  const progress = tty ? ttyProgress() : quietProgress(args.quiet);
  const analysis = await scanTree({ ...analysisOptions(root, args, rules, __dirname), resultOnly: true, shown: args.confidence }, signal, progress);
  const result = atConfidence(analysis.result, args.confidence);
  const compared = baseline === undefined ? undefined : applyBaseline(result, baseline);
  const report = args.format === 'json' ? renderJson(result) : args.format === 'sarif' ? compared?.sarif() ?? renderSarif(result) : renderText(result);
  if (args.out !== undefined) writeFileSync(args.out, report);
  else process.stdout.write(report.endsWith('\n') ? report : `${report}\n`);
  if (!args.quiet) process.stderr.write(`${tty ? '\r\x1b[K' : ''}${summaryLine(result)}\n${compared !== undefined ? `${compared.summary}\n` : ''}`);
  if (args.failOnNew) return compared?.hasNew === true ? EXIT.findings : EXIT.ok;
  return args.failOnFindings && result.chains.length > 0 ? EXIT.findings : EXIT.ok;
}

function ttyProgress(): (phase: ProgressPhase, done: number, total: number) => void {
  let last = 0;
  return (phase, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    const count = total > 0 ? ` ${done}/${total}` : '';
    process.stderr.write(`\r\x1b[Klockpath: ${phase}${count}`);
  };
}

/** Non-TTY stderr (CI logs): one line per phase, and parse progress every 10%. */
function quietProgress(quiet: boolean): ((phase: ProgressPhase, done: number, total: number) => void) | undefined {
  if (quiet) return undefined;
  let lastPhase = '';
  let lastTenth = -1;
  const started = Date.now();
  return (phase, done, total) => {
    const tenth = total > 0 ? Math.floor((done * 10) / total) : 0;
    if (phase === lastPhase && (phase !== 'parse' || tenth === lastTenth)) return;
    lastPhase = phase;
    lastTenth = tenth;
    const at = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`lockpath: ${phase}${total > 0 ? ` ${done}/${total}` : ''} (${at} s)\n`);
  };
}
