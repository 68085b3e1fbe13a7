// V8 flags for a process that holds a kernel's analysis: the CLI's child and the editor's index
// server start with them. Measured on a whole 6.12 tree (2 cores, Node 20).

/**
 * With a high limit V8 lets the heap double between major collections while allocation is fast:
 * growing by a fifth instead cut the peak RSS of a whole-kernel scan after an edit from 1,498
 * to 1,301 MB in the same time (19.7 s; --optimize-for-size took 33 s). By a tenth: a live
 * analysis of a whole 6.12 (the index server), whose every edit promotes a few MiB of garbage
 * into a 0.9 GB heap, peaked at 1,447-1,466 MiB over 108 edits instead of 1,537-1,543, with
 * the same update times; the CLI's cold scan 63.5 s / 1,489 MiB against 68.4 s / 1,510 MiB.
 */
const HEAP_GROWTH = '--heap-growing-percent=10';

/**
 * A larger young generation: most of a scan's garbage (decoded facts, search records) dies young,
 * and a 16 MiB semi-space promoted much of it. 32 MiB took a whole 6.12 cold scan from 85.7 to
 * 73.1 s with peak RSS 1,394 -> 1,432 MiB, identical report (64 MiB: 75.8 s, 1,530 MiB).
 */
const YOUNG_GENERATION = '--max-semi-space-size=32';

/** Flags for an analysis process whose old space may grow to `maxOldSpaceMb`. */
export function analysisHeapFlags(maxOldSpaceMb: number): string[] {
  return [`--max-old-space-size=${maxOldSpaceMb}`, HEAP_GROWTH, YOUNG_GENERATION];
}
