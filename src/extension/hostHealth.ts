// How the extension host fares while the index server works: the longest stall of its event
// loop (the aim: none over 50 ms, the analysis runs in another process) and its memory.
// Logged when a scan ends and on "Lockpath: Log Extension Host Health"; bench/editor.mjs reads
// these lines from the output channel.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as vscode from 'vscode';
import type { OutputLog } from './outputLog';
import { profileHost } from './hostProfile';
import type { IndexState } from './workspaceIndex';

/** The delay timer's period: a loop that is never blocked shows this much delay. */
const RESOLUTION_MS = 10;
const MB = 1024 * 1024;

export interface HostHealth extends vscode.Disposable {
  /** Logs the longest stall since the last report, and memory; starts a new period. */
  report(what: string): void;
}

export function watchHostHealth(onDidChangeState: vscode.Event<IndexState>, log: OutputLog): HostHealth {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  delay.enable();
  const profile = profileHost(process.env.LOCKPATH_PROFILE_HOST, (m) => log.warn(m));
  const report = (what: string): void => {
    // The histogram holds how late each tick was, period included: a stall is what lies beyond it.
    const stall = (ns: number): string => `${Math.max(0, ns / 1e6 - RESOLUTION_MS).toFixed(1)} ms`;
    const m = process.memoryUsage();
    log.info(`host health (${what}): longest event-loop stall ${stall(delay.max)}, p99 ${stall(delay.percentile(99))}; `
      + `extension host heap ${Math.round(m.heapUsed / MB)} MB, rss ${Math.round(m.rss / MB)} MB`);
    delay.reset();
    profile?.save(what);
  };
  let indexing = false;
  const watching = onDidChangeState((state) => {
    if (state.kind === 'indexing' && !indexing) {
      indexing = true;
      delay.reset();
    } else if (state.kind !== 'indexing' && indexing) {
      indexing = false;
      report('while indexing');
    }
  });
  return {
    report,
    dispose: () => {
      watching.dispose();
      delay.disable();
      profile?.dispose();
    },
  };
}
