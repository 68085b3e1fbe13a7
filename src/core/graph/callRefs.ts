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

/** Sorted refs of `list` not in the file's bodies, merged with the file's new ones (sorted). */
export function mergeRefs(list: Float64Array | readonly CallRef[], ours: (ref: CallRef) => boolean, added: readonly CallRef[]): Float64Array {
  let kept = 0;
  for (const ref of list) if (!ours(ref)) kept++;
  // Callers stay in node, body, call order, which is numeric order: ties are broken by it.
  const out = new Float64Array(kept + added.length);
  let at = 0;
  let a = 0;
  for (const ref of list) {
    if (ours(ref)) continue;
    while (a < added.length && added[a]! < ref) out[at++] = added[a++]!;
    out[at++] = ref;
  }
  while (a < added.length) out[at++] = added[a++]!;
  return out;
}
