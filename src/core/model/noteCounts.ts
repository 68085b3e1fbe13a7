// Messages for the user, each with how often it came up: many files can hit the same problem.
export type NoteCounts = Map<string, number>;

export function addNote(notes: NoteCounts, note: string, times = 1): void {
  notes.set(note, (notes.get(note) ?? 0) + times);
}

/** Adds counted notes, or plain messages once each. */
export function addNotes(notes: NoteCounts, more: Iterable<readonly [string, number]> | Iterable<string>): void {
  for (const m of more) {
    if (typeof m === 'string') addNote(notes, m);
    else addNote(notes, m[0], m[1]);
  }
}
