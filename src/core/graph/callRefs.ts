// Call sites packed into one number each: (node index, body index, call index). Caller lists
// of a whole kernel hold millions of sites; as numbers in typed arrays they cost 8 bytes each,
// not an object each.

/** A call site packed into one number: (node index, body index, call index). */
export type CallRef = number;
/** Bodies kept per node (#ifdef alternatives), and the body factor of a CallRef. */
export const BODY_SLOTS = 16;
/** Calls per body a CallRef can name: the call factor of a CallRef. */
export const CALL_BITS = 65536;

export const NO_REFS = new Float64Array(0);

export function packRef(node: number, body: number, call: number): CallRef {
  return (node * BODY_SLOTS + body) * CALL_BITS + call;
}

/** The (node, body) part of a packed call site: node * BODY_SLOTS + body. */
export function bodyKeyOf(ref: CallRef): number {
  return Math.floor(ref / CALL_BITS);
}

/** The node part of a packed call site, without building the unpacked object. */
export function refNode(ref: CallRef): number {
  return Math.floor(ref / (BODY_SLOTS * CALL_BITS));
}

export function unpackRef(ref: CallRef): { node: number; body: number; call: number } {
  const call = ref % CALL_BITS;
  const rest = (ref - call) / CALL_BITS;
  const body = rest % BODY_SLOTS;
  return { node: (rest - body) / BODY_SLOTS, body, call };
}

/** Appends `ref` to the list under `key`, starting the list with a literal (most hold one). */
export function addRef(map: Map<string, CallRef[]>, key: string, ref: CallRef): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [ref]);
  else list.push(ref);
}

/**
 * The file's old call sites in a sorted list: a body's refs are one run of it, from its key
 * times CALL_BITS. `bodies`: the file's body keys (node * BODY_SLOTS + body), ascending.
 */
function runsOf(list: Float64Array | readonly CallRef[], bodies: readonly number[]): number[] {
  const runs: number[] = [];
  for (const key of bodies) {
    const from = firstAtLeast(list, key * CALL_BITS);
    const to = firstAtLeast(list, (key + 1) * CALL_BITS, from);
    if (to > from) runs.push(from, to);
  }
  return runs;
}

function firstAtLeast(list: Float64Array | readonly CallRef[], ref: CallRef, lo = 0): number {
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < ref) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The sorted `list` without the refs of the file's bodies (`bodies`, ascending keys), merged
 * with the file's new ones (`added`, sorted). The old refs are found by binary search and the
 * list copied with indexed loops: kfree's list runs to 100k refs, and an edit that makes
 * eighty files be read again merged it once per file with a predicate per ref (300 MiB of
 * iterator garbage per update).
 */
export function mergeRefs(list: Float64Array | readonly CallRef[], bodies: readonly number[], added: readonly CallRef[]): Float64Array {
  const runs = runsOf(list, bodies);
  let dropped = 0;
  for (let r = 0; r < runs.length; r += 2) dropped += runs[r + 1]! - runs[r]!;
  // Callers stay in node, body, call order, which is numeric order: ties are broken by it.
  const out = new Float64Array(list.length - dropped + added.length);
  let at = 0;
  let a = 0;
  let r = 0;
  for (let i = 0; i < list.length; i++) {
    if (r < runs.length && i === runs[r]) {
      i = runs[r + 1]! - 1;
      r += 2;
      continue;
    }
    const ref = list[i]!;
    while (a < added.length && added[a]! < ref) out[at++] = added[a++]!;
    out[at++] = ref;
  }
  while (a < added.length) out[at++] = added[a++]!;
  return out;
}
