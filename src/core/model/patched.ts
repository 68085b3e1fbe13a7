// The outcome of patching a built analysis for one edit: done, with what it changed, or why
// the edit reaches further than a patch can follow (the caller then builds the analysis again).
// A value, not a bare string beside the result: the caller cannot mistake one for the other.

export type Patched<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

export function patched<T>(value: T): Patched<T> {
  return { ok: true, value };
}

export function cannotPatch(why: string): Patched<never> {
  return { ok: false, why };
}
