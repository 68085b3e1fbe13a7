// Static chains against run-time evidence: which hops of a chain were seen running, and which
// static chain a run-time "permission hook under freeze protection" path corresponds to.

import type { CallGraph } from '../../graph/callGraph';
import type { FunctionNode } from '../../graph/functionNodes';
import type { Chain } from '../../model/chain';
import type { FreezeHeld } from '../../model/trace';
import { normalizeFunction } from '../parse/symbols';
import type { Symbolizer } from './symbolize';
import type { DurationStats, EdgeEvidence, EvidenceSource } from './edgeEvidence';
import { hiddenLabel, type HiddenCalls } from './hiddenCalls';

/** One observed edge that accounts for a hop. */
export interface HopMatch {
  /** The observed edge, `caller->callee`. */
  edge: string;
  /** `direct` when the edge is the hop itself, else the hidden functions it skipped (`tail-call:rw_verify_area`). */
  via: string;
  count: number;
}

export interface HopOverlay {
  caller: string;
  callee: string;
  file: string;
  line: number;
  column: number;
  observed: boolean;
  /** From the best match (direct first): calls seen, tasks, first timestamp, durations. */
  count: number;
  tasks: string[];
  firstTimestamp: number | null;
  duration: DurationStats | null;
  sources: EvidenceSource[];
  /** Set when the best match skipped hidden functions. */
  via?: string;
  /** Every observed edge that accounts for this hop, best first. */
  matches: HopMatch[];
}

export interface ChainOverlay {
  chain: string;
  rule: string;
  sink: string;
  hops: number;
  observedHops: number;
  hopDetails: HopOverlay[];
}

export interface FreezeHeldMatch {
  /** The chain the run-time path follows (the one covering most hops), or null. */
  chain: string | null;
  /** Every chain it follows. */
  chains: string[];
}

export class ChainOverlayBuilder {
  constructor(
    private readonly graph: CallGraph,
    private readonly symbols: Symbolizer,
    private readonly hidden: HiddenCalls,
    private readonly evidence: EdgeEvidence,
  ) {}

  overlay(chain: Chain): ChainOverlay {
    const names = chainNames(chain);
    const matches: HopMatch[][] = chain.hops.map(() => []);
    for (let a = 0; a < names.length - 1; a++) {
      const skipped: string[] = [];
      for (let b = a + 1; b < names.length; b++) {
        if (b > a + 1) {
          // names[b-1] must vanish between names[b-2] and names[b] for edge a -> b to stand for the hops.
          const how = this.hiddenAt(chain, b - 1, names[b]!);
          if (how === undefined) break;
          skipped.push(how);
        }
        const d = this.evidence.get(names[a]!, names[b]!);
        if (d === undefined || d.count === 0) continue;
        const m: HopMatch = { edge: `${names[a]}->${names[b]}`, via: skipped.length === 0 ? 'direct' : skipped.join(','), count: d.count };
        for (let h = a; h < b; h++) matches[h]!.push(m);
      }
    }
    const hopDetails = chain.hops.map((hop, i): HopOverlay => {
      const list = matches[i]!.sort((x, y) => rank(x) - rank(y) || y.count - x.count);
      const best = list[0];
      const base: HopOverlay = {
        caller: hop.caller, callee: hop.callee, file: hop.file, line: hop.line, column: hop.column,
        observed: best !== undefined, count: 0, tasks: [], firstTimestamp: null, duration: null, sources: [], matches: list,
      };
      if (best === undefined) return base;
      const [from, to] = best.edge.split('->') as [string, string];
      const d = this.evidence.get(from, to)!;
      const out: HopOverlay = { ...base, count: d.count, tasks: d.tasks, firstTimestamp: d.firstTimestamp, duration: best.via === 'direct' ? d.duration : null, sources: d.sources };
      if (best.via !== 'direct') out.via = best.via;
      return out;
    });
    return {
      chain: chain.id, rule: chain.rule, sink: chain.sink, hops: chain.hops.length,
      observedHops: hopDetails.filter((h) => h.observed).length, hopDetails,
    };
  }

  /**
   * Which chains a run-time path follows: from the chain's acquiring function on, each step of
   * the path is the chain's next function or a later one with only hidden functions between,
   * and the path ends on a chain function (the hook, or a function that always calls it).
   */
  freezeHeldMatch(f: FreezeHeld, chains: readonly Chain[]): FreezeHeldMatch {
    const path = f.path.map(normalizeFunction);
    const found: { id: string; covered: number }[] = [];
    for (const c of chains) {
      const names = chainNames(c);
      const start = path.indexOf(names[0]!);
      if (start < 0) continue;
      let ci = 0;
      let ok = true;
      for (let pi = start + 1; pi < path.length && ok; pi++) {
        const next = this.advance(c, names, ci, path[pi]!);
        if (next === undefined) ok = false;
        else ci = next;
      }
      if (ok && ci > 0) found.push({ id: c.id, covered: ci });
    }
    found.sort((a, b) => b.covered - a.covered);
    return { chain: found[0]?.id ?? null, chains: found.map((x) => x.id) };
  }

  /** Index of `name` after chain position `ci`, when only hidden functions lie between. */
  private advance(chain: Chain, names: readonly string[], ci: number, name: string): number | undefined {
    for (let cj = ci + 1; cj < names.length; cj++) {
      if (names[cj] === name) return cj;
      if (this.hiddenAt(chain, cj, names[cj + 1] ?? '') === undefined) return undefined;
    }
    return undefined;
  }

  /** How the chain's function at position j (0 = acquirer) may vanish before `next`. */
  private hiddenAt(chain: Chain, j: number, next: string): string | undefined {
    const node = this.nodeAt(chain, j);
    if (node === undefined) return undefined;
    const how = this.hidden.hiddenBefore(node, next);
    return how === undefined ? undefined : hiddenLabel(how, node.name);
  }

  /** The graph node of the chain's function at position j, resolved from the file that calls it. */
  private nodeAt(chain: Chain, j: number): FunctionNode | undefined {
    const name = j === 0 ? chain.acquire.function : chain.hops[j - 1]!.callee;
    // The hop that leaves function j was made in its own body: its file finds the right static.
    const own = chain.hops[j];
    if (own !== undefined) {
      const n = this.graph.resolveName(own.file, name)[0];
      if (n !== undefined) return n;
    }
    return this.symbols.nodesNamed(name)[0];
  }
}

/** The chain's functions: the acquirer, then each hop's callee. */
function chainNames(chain: Chain): string[] {
  return [chain.acquire.function, ...chain.hops.map((h) => h.callee)];
}

/** Direct evidence first, then the fewest hidden functions. */
function rank(m: HopMatch): number {
  return m.via === 'direct' ? 0 : m.via.split(',').length;
}
