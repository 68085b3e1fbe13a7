// Basic blocks and edges for one function body, built while the body is walked.
import type { EdgeCondition, FlowBlock, FlowEvent, FunctionFlow, ReturnValue } from '../../model/facts';

const UNREACHABLE = -1;

export class FlowBuilder {
  private readonly blocks: FlowBlock[] = [{ events: [], succ: [] }];
  private current = 0;
  private readonly labels = new Map<string, number>();
  private readonly gotos: { from: number; label: string }[] = [];
  private readonly returned = new Set<string>();

  newBlock(): number {
    this.blocks.push({ events: [], succ: [] });
    return this.blocks.length - 1;
  }

  /** The block code flows into now; code after a return or goto gets a block of its own. */
  get cursor(): number {
    if (this.current === UNREACHABLE) this.current = this.newBlock();
    return this.current;
  }

  get reachable(): boolean {
    return this.current !== UNREACHABLE;
  }

  moveTo(block: number): void {
    this.current = block;
  }

  /** Marks the current point unreachable (after return, goto, break, continue). */
  stop(): void {
    this.current = UNREACHABLE;
  }

  emit(event: FlowEvent): void {
    this.blocks[this.cursor]!.events.push(event);
  }

  /** Adds an edge from the current block, if code reaches it. */
  edgeTo(to: number, cond?: EdgeCondition): void {
    if (this.current === UNREACHABLE) return;
    this.blocks[this.current]!.succ.push(cond === undefined ? { to } : { to, cond });
  }

  edge(from: number, to: number, cond?: EdgeCondition): void {
    this.blocks[from]!.succ.push(cond === undefined ? { to } : { to, cond });
  }

  exit(value: ReturnValue): void {
    const block = this.blocks[this.cursor]!;
    block.exit = value;
    if (value.kind === 'var') this.returned.add(value.name);
    this.stop();
  }

  labelBlock(name: string): number {
    let block = this.labels.get(name);
    if (block === undefined) {
      block = this.newBlock();
      this.labels.set(name, block);
    }
    return block;
  }

  goto(label: string): void {
    if (this.current !== UNREACHABLE) this.gotos.push({ from: this.current, label });
    this.stop();
  }

  finish(): FunctionFlow {
    if (this.current !== UNREACHABLE) this.exit({ kind: 'none' });
    for (const g of this.gotos) {
      // A label we never saw (macro-generated, or lost to a parse error) leaves the function.
      const target = this.labels.get(g.label);
      if (target !== undefined) this.edge(g.from, target);
      else this.blocks[g.from]!.exit = { kind: 'other' };
    }
    const tested = new Set<string>(this.returned);
    for (const b of this.blocks) for (const e of b.succ) if (e.cond?.subject.startsWith('v:')) tested.add(e.cond.subject.slice(2));
    // Kills matter only for variables whose value is tested or returned.
    for (const b of this.blocks) {
      if (b.events.some((e) => e.kind === 'kill')) {
        b.events = b.events.filter((e) => e.kind !== 'kill' || tested.has(e.variable));
      }
    }
    return { blocks: compact(this.blocks), returnedVars: [...this.returned].sort(), trackedVars: [...tested].sort() };
  }
}

/**
 * Drops the empty pass-through blocks that statement structure leaves behind (joins, loop heads
 * without tests) and blocks no path reaches: a whole kernel's flows must fit in memory.
 */
function compact(blocks: FlowBlock[]): FlowBlock[] {
  const forward = new Int32Array(blocks.length).fill(-1);
  const target = (b: number): number => {
    let at = b;
    const seen = new Set<number>();
    while (at !== 0 && !seen.has(at)) {
      const block = blocks[at]!;
      if (block.events.length > 0 || block.exit !== undefined || block.succ.length !== 1 || block.succ[0]!.cond !== undefined) break;
      seen.add(at);
      at = block.succ[0]!.to;
    }
    return at;
  };
  const resolve = (b: number): number => {
    if (forward[b] === -1) forward[b] = target(b);
    return forward[b]!;
  };
  const order: number[] = [];
  const index = new Map<number, number>();
  const queue = [0];
  index.set(0, 0);
  for (let q = 0; q < queue.length; q++) {
    const b = queue[q]!;
    order.push(b);
    for (const e of blocks[b]!.succ) {
      const to = resolve(e.to);
      if (!index.has(to)) {
        index.set(to, index.size);
        queue.push(to);
      }
    }
  }
  return order.map((b) => {
    const block = blocks[b]!;
    const out: FlowBlock = { events: block.events, succ: block.succ.map((e) => (e.cond === undefined ? { to: index.get(resolve(e.to))! } : { to: index.get(resolve(e.to))!, cond: e.cond })) };
    if (block.exit !== undefined) out.exit = block.exit;
    return out;
  });
}
