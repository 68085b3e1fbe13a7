// An opt-in CPU profile of the extension host, to find what stalls its event loop: with
// LOCKPATH_PROFILE_HOST=<dir> in its environment, each host-health period is written to
// <dir>/host-<pid>-<n>-<period>.cpuprofile (read it with a .cpuprofile viewer).
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HostProfile {
  /** Writes the profile of the period that ends now, and starts the next one. */
  save(period: string): void;
  dispose(): void;
}

export function profileHost(dir: string | undefined, onError: (message: string) => void): HostProfile | undefined {
  if (dir === undefined || dir === '') return undefined;
  const session = new Session();
  session.connect();
  const fail = (e: Error | null): void => {
    if (e !== null) onError(`host profile: ${e.message}`);
  };
  // 1 ms sampling shows a stall of 50 ms as 50 samples without slowing the host noticeably.
  session.post('Profiler.enable', fail);
  session.post('Profiler.setSamplingInterval', { interval: 1000 }, fail);
  session.post('Profiler.start', fail);
  let n = 0;
  return {
    save: (period) => {
      session.post('Profiler.stop', (e, result) => {
        if (e !== null) return fail(e);
        try {
          mkdirSync(dir, { recursive: true });
          writeFileSync(join(dir, `host-${process.pid}-${++n}-${period.replace(/\W+/g, '-')}.cpuprofile`), JSON.stringify(result.profile));
        } catch (err) {
          fail(err as Error);
        }
        session.post('Profiler.start', fail);
      });
    },
    dispose: () => session.disconnect(),
  };
}
