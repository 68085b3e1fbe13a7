/** The same items in the same order, compared by identity: how a kept result tells its input unchanged. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
