// Messages for the user, each with how often it came up: many files can hit the same problem.
// Each note has a kind, so that code decides what to do with a note by what it is about, never
// by the wording of its message.

/** What a note is about. */
export type NoteKind =
  /** A fact cache shard could not be read: the file was read again. */
  | 'cache-shard'
  /** The fact cache's manifest or snapshot could not be used: rebuilt. */
  | 'cache-index'
  /** The fact cache could not be written: the next scan costs time, nothing is lost. */
  | 'cache-write'
  /** A file's bytes were not all UTF-8. */
  | 'encoding'
  /** A file's reader fell back to a weaker one (token reader failed, control flow not read). */
  | 'reader';

/** What a note of each kind costs the result, for the "not analysed" list: its message says what happened. */
export const NOTE_CONSEQUENCES: Readonly<Record<NoteKind, string>> = {
  'cache-shard': 'the file was read again from the source: the result is complete',
  'cache-index': 'the cache index was rebuilt: the result is complete, the scan took longer',
  'cache-write': 'nothing is lost now; the next scan reads these files again',
  'encoding': 'lines are kept, so calls and positions are right; only the replaced bytes (usually in comments) are lost',
  'reader': 'the file is analysed with the weaker reader: calls are kept, control flow may be coarser',
};

export interface Note {
  readonly kind: NoteKind;
  readonly message: string;
}

/** Notes by message, with their kind and how often they came up. Entries are replaced, never changed. */
export type NoteCounts = Map<string, { readonly kind: NoteKind; readonly count: number }>;

const CACHE_KINDS: ReadonlySet<NoteKind> = new Set<NoteKind>(['cache-shard', 'cache-index', 'cache-write']);

/** Trouble with the cache belongs to one run: a result replayed from the cache leaves it out. */
export function isCacheNote(kind: NoteKind | undefined): boolean {
  return kind !== undefined && CACHE_KINDS.has(kind);
}

export function addNote(notes: NoteCounts, note: Note, times = 1): void {
  notes.set(note.message, { kind: note.kind, count: (notes.get(note.message)?.count ?? 0) + times });
}

/** Adds counted notes, or single notes once each. */
export function addNotes(notes: NoteCounts, more: NoteCounts | Iterable<Note>): void {
  if (more instanceof Map) for (const [message, { kind, count }] of more) addNote(notes, { kind, message }, count);
  else for (const n of more) addNote(notes, n);
}
