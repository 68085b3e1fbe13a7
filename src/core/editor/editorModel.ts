// What an editor asks the core, as plain JSON-safe records: no graph nodes, no packed facts, so
// the answers can cross a process boundary as they are.
import type { Chain, ChainLocation, Confidence } from '../model/chain';

/** How sure the core is of a chain (model/chain.ts says what each level means). */
export type ChainConfidence = Confidence;

/**
 * A chain as the core rates it. Results written before chains were rated (an older result
 * file) carry no rating: chainConfidence counts those as likely.
 */
export type RatedChain = Omit<Chain, 'confidence' | 'reasons'> & Partial<Pick<Chain, 'confidence' | 'reasons'>>;

/** A function definition: where its name is, and the lines its body spans. */
export interface FunctionLocation {
  /** The graph's key: `name` for a global function, `file::name` for a static one. */
  key: string;
  name: string;
  file: string;
  /** Line and column of the name, 1-based. */
  line: number;
  column: number;
  startLine: number;
  endLine: number;
}

/** One call between two functions, at the call site in the caller. */
export interface CallEdge {
  /** The call site (in the caller's file). */
  site: ChainLocation;
  caller: FunctionLocation;
  callee: FunctionLocation;
  /** `direct`, or `->field` when resolved through a function pointer stored in that field. */
  via: string;
}

/** Where a held context is taken, and every chain that starts there. */
export interface AcquisitionSite {
  rule: string;
  /** The acquiring call, as in Chain.acquire. */
  acquire: Chain['acquire'];
  /** Sorted best first: likely before possible, then fewer hops, then id. */
  chains: RatedChain[];
}

/** Which chains an update added and removed, by id; the others stayed (maybe at other lines). */
export interface ChainDelta {
  added: string[];
  removed: string[];
  kept: number;
}
