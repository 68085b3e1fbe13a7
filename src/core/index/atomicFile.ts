// Files that readers in other processes may open at any time: written beside, then renamed
// over, so a reader sees the old content or the new, never half of it.
import { renameSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

/** The temporary name is the writer's own: processes and the scan's worker threads write side by side. */
export function writeAtomically(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.${threadId}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
