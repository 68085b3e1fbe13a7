// Chains built for winning candidates, kept across live updates (building one walks its path
// and resolves its pointer hops), with how many of them pass through each function: the
// functions on some chain's path are what the "not analysed" counts look at.
import type { FunctionNode } from '../graph/functionNodes';
import { fieldOfVia, type Chain, type ChainReason, type Confidence, type FoundChain } from '../model/chain';

/** What a judge says of a chain (see ChainJudge). */
export interface Verdict {
  confidence: Confidence;
  reasons: ChainReason[];
}

/**
 * What a verdict rested on besides the chain's own path, so that a live update can tell whether
 * it still holds: an edit elsewhere (a new freeze_fs, a predicate's body, an export flag) can
 * change it without touching the chain.
 */
export interface VerdictBasis {
  /** The tree-wide facts the judge read, as one key. */
  facts: string;
  /** What the judge read of the source (see ReadTracking), with what it gave. */
  reads: ReadonlyMap<string, string>;
  /** Where the judge found called functions defined (`file\0name` to `file:line`, '' when nowhere). */
  definitions: ReadonlyMap<string, string>;
}

/**
 * What choosing a chain among its variants weighed beside the chain's own path (see
 * chainChoice.ts): a live update builds the chain again when one of these changes.
 */
export interface ChoiceWeighed {
  /**
   * Functions off its path that the variants tried for it pass through, by index: when one of
   * those moves, another variant may be chosen now.
   */
  functions?: Int32Array;
  /**
   * The same, as the targets of calls it was tried through (arrays shared by the chains of one
   * result), each with the cost below which a target not tried would now be tried first.
   */
  targets?: readonly { targets: Int32Array; below: number }[];
  /** Functions whose other calls choosing it tried, by index: which of them are usable may change. */
  tried?: Int32Array;
}

export interface BuiltChain {
  chain: FoundChain;
  /** The judge's word on it, kept with it: a live update asks again only when its basis changed. */
  verdict: Verdict;
  basis: VerdictBasis;
  /** Functions the chain passes through, its acquiring function aside. */
  path: readonly FunctionNode[];
  /** The call site of each hop (packed refs), to read their lines again after code moved. */
  refs: readonly number[];
  /** The acquiring call's index in the body of the first hop's call. */
  acquisition: number;
  /** What choosing it among variants weighed beside its own path, when variants were tried. */
  choice?: ChoiceWeighed;
  /** The chain as the last result gave it out (judged, with its id): see ChainSearch.chains. */
  shown?: Chain;
  /** The id this chain's names give (ids are made anew for every result that changed). */
  idBase?: string;
  /** What it shares with chains that differ only in their sink (see ChainSearch). */
  hookPoint?: string;
}

export class BuiltChains<K> {
  private readonly byKey = new Map<K, BuiltChain>();
  private readonly through = new Map<FunctionNode, number>();
  /**
   * Keys by the index of a function their chain starts in or passes through or whose other
   * calls choosing it tried, and by a field their hops call through: an edit asks only the
   * chains that touch what it changed, where asking every kept chain of a whole kernel took
   * longer than the rest of a small edit.
   */
  private readonly byNode = new Map<number, Set<K>>();
  private readonly byField = new Map<string, Set<K>>();
  /** Keys by what choosing their chain weighed: functions its variants pass, lists of a call's targets (see pruneWeighing). */
  private readonly byWeighed = new Map<number, Set<K>>();
  private readonly byTargets = new Map<Int32Array, Set<K>>();

  /** `acquirer`: the function a key's chain starts in. */
  constructor(private readonly acquirer: (key: K) => FunctionNode) {}

  get(key: K): BuiltChain | undefined {
    return this.byKey.get(key);
  }

  set(key: K, built: BuiltChain): void {
    this.delete(key);
    this.byKey.set(key, built);
    for (const n of built.path) this.through.set(n, (this.through.get(n) ?? 0) + 1);
    this.indexed(key, built, (index, at) => {
      let keys = index.get(at);
      if (keys === undefined) index.set(at, keys = new Set());
      keys.add(key);
    });
  }

  delete(key: K): void {
    const built = this.byKey.get(key);
    if (built === undefined) return;
    this.byKey.delete(key);
    for (const n of built.path) {
      const left = this.through.get(n)! - 1;
      if (left === 0) this.through.delete(n);
      else this.through.set(n, left);
    }
    this.indexed(key, built, (index, at) => {
      const keys = index.get(at);
      keys?.delete(key);
      if (keys?.size === 0) index.delete(at);
    });
  }

  private indexed(key: K, built: BuiltChain, visit: <T>(index: Map<T, Set<K>>, at: T) => void): void {
    visit(this.byNode, this.acquirer(key).index);
    for (const n of built.path) visit(this.byNode, n.index);
    const { choice } = built;
    if (choice !== undefined) {
      for (const index of choice.tried ?? []) visit(this.byNode, index);
      for (const index of choice.functions ?? []) visit(this.byWeighed, index);
      for (const { targets } of choice.targets ?? []) visit(this.byTargets, targets);
    }
    for (const hop of built.chain.hops) {
      const field = fieldOfVia(hop.via);
      if (field !== undefined) visit(this.byField, field);
    }
  }

  /** Drops every kept chain that `stale` picks. */
  prune(stale: (key: K, built: BuiltChain) => boolean): void {
    // Deleting the entry at hand does not upset a Map's iteration: no copy of every entry.
    for (const [key, built] of this.byKey) if (stale(key, built)) this.delete(key);
  }

  /**
   * Drops the kept chains that `stale` picks among those that start in or pass through a
   * function of `nodes` (by index), or call through a field of `fields`; the others are not asked.
   */
  pruneTouching(nodes: Iterable<number>, fields: Iterable<string>, stale: (key: K, built: BuiltChain) => boolean): void {
    const asked = new Set<K>();
    for (const n of nodes) for (const key of this.byNode.get(n) ?? []) asked.add(key);
    for (const f of fields) for (const key of this.byField.get(f) ?? []) asked.add(key);
    for (const key of asked) {
      const built = this.byKey.get(key);
      if (built !== undefined && stale(key, built)) this.delete(key);
    }
  }

  /**
   * Drops the kept chains whose choice weighed a function of `moved` (by index): one its
   * variants pass, or among a call's targets it did not try, one that now costs no more than
   * what it tried (`costOf`, for the key's sink).
   */
  pruneWeighing(moved: ReadonlySet<number>, costOf: (key: K, index: number) => number): void {
    const stale: K[] = [];
    for (const m of moved) for (const key of this.byWeighed.get(m) ?? []) stale.push(key);
    for (const [targets, keys] of this.byTargets) {
      // A list is made for one sink: any of its keys tells the costs.
      const [first] = keys;
      let cheapest = Infinity;
      let any = false;
      for (let i = 0; i < targets.length; i++) {
        if (!moved.has(targets[i]!)) continue;
        any = true;
        cheapest = Math.min(cheapest, costOf(first!, targets[i]!));
      }
      if (!any) continue;
      for (const key of keys) if (this.byKey.get(key)!.choice!.targets!.some((w) => w.targets === targets && cheapest <= w.below)) stale.push(key);
    }
    for (const key of stale) this.delete(key);
  }

  /** Functions some kept chain passes through. */
  functions(): IterableIterator<FunctionNode> {
    return this.through.keys();
  }
}
