// Lines that an edit moved without changing what is on them: code added or removed above a
// function shifts every line of it by the same amount. What was read at a line before the edit
// is read at the shifted line after it.

/** One file's functions that moved by whole lines, content, columns and all else unchanged. */
export interface LineShift {
  file: string;
  /** Old spans (1-based, inclusive) and how far each moved; spans do not overlap. */
  spans: readonly { startLine: number; endLine: number; delta: number }[];
}

/**
 * Where line `line` of `file` is after `shifts` (in the order the edits were made), or the same
 * line when no shift moved it; undefined when a shift of the file says nothing of it (code
 * around the functions that moved, or one that changed).
 */
export function shiftedLine(shifts: readonly LineShift[], file: string, line: number): number | undefined {
  let at = line;
  for (const shift of shifts) {
    if (shift.file !== file) continue;
    const span = shift.spans.find((s) => s.startLine <= at && at <= s.endLine);
    if (span === undefined) return undefined;
    at += span.delta;
  }
  return at;
}
