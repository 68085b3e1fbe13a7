// Files that readers in other processes may open at any time: written beside, then renamed
// over, so a reader sees the old content or the new, never half of it.
import { renameSync, writeFileSync } from 'node:fs';

export function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
