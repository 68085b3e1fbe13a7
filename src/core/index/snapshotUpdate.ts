// Bringing the snapshot up to date after a scan: nothing when no file changed, a delta when a
// few did, a rewrite (compaction) when the deltas would grow past a tenth of the base. A rewrite
// costs seconds on a kernel; an append costs what the changed files weigh. Compacting at a
// tenth keeps the reads' wasted decoding under 10% and the amortised write cost per change small.
import type { PackedFileFacts } from '../model/packedFacts';
import { appendDelta, encodeDelta, writeSnapshot, type SnapshotLayout } from './packedSnapshot';
import type { StringTable } from './snapshotStrings';

/** Deltas may add up to this fraction of the base's records, or of its bytes, before a rewrite. */
export const COMPACT_FRACTION = 0.1;

export interface SnapshotChanges {
  /** Files whose facts the snapshot lacks or holds for other content. */
  changed: readonly PackedFileFacts[];
  /** Paths the snapshot holds that this scan has no facts for. */
  removed: readonly string[];
}

/**
 * `layout` is the snapshot as read before the scan (undefined: missing, damaged or another
 * tree's, so it is rewritten); `files` is everything the scan has facts for, in walk order;
 * `strings` holds every string of theirs, when the caller has such a table.
 */
export function updateSnapshot(
  dir: string, root: string, layout: SnapshotLayout | undefined, files: readonly PackedFileFacts[], changes: SnapshotChanges, strings?: StringTable,
): void {
  const entries = changes.changed.length + changes.removed.length;
  if (layout !== undefined && entries === 0) return;
  // Counted before encoded: after a checkout of another release, encoding first would build
  // a delta of hundreds of MiB only to throw it away.
  if (layout !== undefined && !compactionDue(layout, entries, 0)) {
    const delta = encodeDelta(changes.changed, changes.removed);
    if (!compactionDue(layout, entries, delta.length)) {
      appendDelta(dir, delta);
      return;
    }
  }
  writeSnapshot(dir, root, files, strings);
}

/** Would deltas of `entries` more records and removals, `bytes` more bytes, outgrow the base? */
export function compactionDue(layout: SnapshotLayout, entries: number, bytes: number): boolean {
  return layout.deltaEntries + entries > layout.baseFiles * COMPACT_FRACTION || layout.deltaBytes + bytes > layout.baseBytes * COMPACT_FRACTION;
}
