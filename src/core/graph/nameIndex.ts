// Every function node by name, for callers that ask of many names (a log names thousands).
// Two typed arrays instead of a Map of arrays: about 7 MiB instead of 65 on a whole kernel's
// 670 000 nodes. A name's slot, found by open addressing on a hash of the name, holds its
// first node; each node links to the next node of its name, in node order. Nodes are only
// ever added: one an edit emptied stays linked (it keeps its name's slot), and lookups pass over it.
import type { FunctionNode } from './functionNodes';

export class NameIndex {
  /** Per slot, 1 + the first node of a name; 0 for a free slot. */
  private readonly slots: Int32Array;
  /** Per node, 1 + the next node of its name; 0 after the last. */
  private readonly next: Int32Array;
  private readonly mask: number;

  constructor(
    /** Node i at index i; grows as edits add nodes. */
    private readonly nodes: readonly FunctionNode[],
    /** How many nodes there can be (a graph's capacity): the arrays are never reallocated. */
    capacity: number,
  ) {
    // At most three quarters full, even with every node of a name of its own.
    let size = 1024;
    while (size * 3 < capacity * 4) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    this.next = new Int32Array(capacity);
    // Backwards, each node linked before those of its name met so far: chains end up in node order.
    for (let i = nodes.length - 1; i >= 0; i--) {
      const slot = this.slotOf(nodes[i]!.name);
      this.next[i] = this.slots[slot]!;
      this.slots[slot] = i + 1;
    }
  }

  /** A node added after the index was built: the last of its name. */
  add(node: FunctionNode): void {
    const slot = this.slotOf(node.name);
    let at = this.slots[slot]!;
    if (at === 0) {
      this.slots[slot] = node.index + 1;
      return;
    }
    while (this.next[at - 1] !== 0) at = this.next[at - 1]!;
    this.next[at - 1] = node.index + 1;
  }

  /** The nodes so named that have a body, in node order. */
  named(name: string): FunctionNode[] {
    const out: FunctionNode[] = [];
    for (let at = this.slots[this.slotOf(name)]!; at !== 0; at = this.next[at - 1]!) {
      const node = this.nodes[at - 1]!;
      if (node.bodies.length > 0) out.push(node);
    }
    return out;
  }

  /** The slot holding `name`, or the free slot it would take. */
  private slotOf(name: string): number {
    let slot = hashName(name) & this.mask;
    for (;;) {
      const at = this.slots[slot]!;
      if (at === 0 || this.nodes[at - 1]!.name === name) return slot;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** FNV-1a over the UTF-16 codes. */
function hashName(name: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h;
}
