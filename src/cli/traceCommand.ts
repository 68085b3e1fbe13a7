// `lockpath trace`: logs in, what they show out; with --tree, the overlay on that tree's chains.
// Same option parser, cancel and exit codes as `lockpath scan` (runCommand.ts).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanTree } from '../core/analyze';
import type { ParsedLog } from '../core/model/trace';
import { summaryLine } from '../core/report/text';
import { overlayTraces, type TraceOverlay } from '../core/traces/overlay/traceOverlay';
import { renderOverlay } from '../core/traces/overlay/renderOverlay';
import { toTraceReportJson, type TraceTreeJson } from '../core/traces/overlay/traceReport';
import { parseLogFile } from '../core/traces/parse/parseLog';
import { renderParsedLog } from '../core/traces/parse/renderParsedLog';
import { EXIT } from './exitCodes';
import { InputError, runCommand } from './runCommand';
import { analysisOptions, selectRules } from './treeOptions';
import { TRACE_COMMAND, type TraceArgs } from './traceArgs';


export function runTrace(argv: readonly string[]): Promise<number> {
  return runCommand('trace', TRACE_COMMAND, argv, trace);
}

async function trace(args: TraceArgs, signal: AbortSignal): Promise<number> {
  const rules = selectRules(args);
  for (const path of args.logs) checkReadable(path);
  // Parse every log before the (long) scan, so that a bad log fails fast.
  const logs: ParsedLog[] = [];
  for (const path of args.logs) {
    try {
      logs.push(await parseLogFile(path, { signal }));
    } catch (e) {
      if (signal.aborted) throw e;
      throw new InputError(`cannot read ${path}: ${(e as Error).message}`);
    }
  }
  if (signal.aborted) throw new Error('cancelled');
  let tree: { info: TraceTreeJson; overlay: TraceOverlay } | undefined;
  if (args.tree !== undefined) {
    const root = resolve(args.tree);
    if (!args.quiet) process.stderr.write(`lockpath: scanning ${root}\n`);
    const analysis = await scanTree(analysisOptions(root, args, rules, __dirname), signal);
    if (!args.quiet) process.stderr.write(`lockpath: ${summaryLine(analysis.result)}\n`);
    const r = analysis.result;
    tree = {
      info: { root: r.root, rules: r.rules, files: r.stats.files, functions: r.stats.functions, chains: r.chains.length },
      overlay: overlayTraces(analysis.graph, r.chains, logs),
    };
  }
  process.stdout.write(args.format === 'json' ? `${JSON.stringify(toTraceReportJson(logs, tree), null, 2)}\n` : renderText(logs, tree));
  return EXIT.ok;
}

/** A missing file or a directory is the user's mistake (exit 2), said before any work. */
function checkReadable(path: string): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  if (!isFile) throw new InputError(`cannot read ${path}: not a regular file`);
}

function renderText(logs: readonly ParsedLog[], tree: { overlay: TraceOverlay } | undefined): string {
  const parts = logs.map((l) => renderParsedLog(l, { maxTreeLines: 60, maxEdges: 20, frames: true }));
  if (tree !== undefined) parts.push(renderOverlay(tree.overlay));
  return parts.join('');
}
