/** Code-unit order, not `localeCompare`: output must not depend on the machine's locale (and it is far faster). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
