// V8 keeps a substring as a view into its parent string. Every line is a slice of a decoded
// 64 KiB chunk, so one retained function name would keep its whole chunk alive, and a few
// thousand kept records spread over a gigabyte trace would pin hundreds of megabytes.

/** A copy of `s` that does not keep the chunk it was sliced from alive. */
export function ownString(s: string): string {
  // Concatenation makes a rope; slicing it flattens the rope into a fresh string first.
  return s.length === 0 ? s : (' ' + s).slice(1);
}
