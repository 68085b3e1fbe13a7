// The packed facts of a whole scan in one file beside the shards. After an edit, every
// unchanged file is taken from here: one read instead of tens of thousands of shard reads and
// decodes. Files are matched by content hash (from the manifest), so a stale entry is never used.
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { PackedFileFacts } from '../model/packedFacts';
import { readChecksummed, writeChecksummed } from './checksummedFile';
import { FACTS_VERSION } from './factCache';

interface SnapshotFile {
  version: number;
  root: string;
  files: PackedFileFacts[];
}

function snapshotPath(dir: string): string {
  return join(dir, `v${FACTS_VERSION}`, 'packed.snapshot');
}

/** Packed facts by path; a problem (corrupt, other tree) is returned for the user, not thrown. */
export function readSnapshot(dir: string, root: string): { files: Map<string, PackedFileFacts>; problem?: string } {
  const read = readChecksummed(snapshotPath(dir));
  if (read.status === 'miss') return { files: new Map() };
  if (read.status === 'corrupt') return { files: new Map(), problem: `cache snapshot is corrupt (${read.reason}): rebuilt` };
  try {
    const doc = deserialize(read.payload) as SnapshotFile;
    if (doc.version !== FACTS_VERSION || doc.root !== root || !Array.isArray(doc.files)) return { files: new Map() };
    return { files: new Map(doc.files.map((f) => [f.file, f])) };
  } catch (e) {
    return { files: new Map(), problem: `cache snapshot is corrupt (${(e as Error).message}): rebuilt` };
  }
}

export function writeSnapshot(dir: string, root: string, files: readonly PackedFileFacts[]): void {
  const doc: SnapshotFile = { version: FACTS_VERSION, root, files: [...files] };
  writeChecksummed(snapshotPath(dir), serialize(doc));
}
