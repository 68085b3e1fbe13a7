// What a hover on a call that is a hop of a chain says, decided without `vscode`: what is held
// there (which context, taken by which call, where) and what lies ahead, hop by hop, to the sink.
import { compareChains } from '../core/editor/chainQueries';
import type { RatedChain } from '../core/editor/editorModel';
import type { ChainLocation } from '../core/model/chain';
import { hopMessage } from './siteDiagnostics';

export interface HopHover {
  chainId: string;
  /** `freeze protection held since file_start_write() in do_sendfile()` */
  held: string;
  /** Where it was taken. */
  heldAt: ChainLocation;
  /** This hop, `do_sendfile -> do_splice_direct`, and its place: 1-based of `hops`. */
  hop: string;
  index: number;
  hops: number;
  /** The hops after this one, the last reaching the sink. */
  ahead: string[];
  sink: string;
}

/**
 * The chains with a hop at `file:line` whose call is the identifier `word` (the callee, or the
 * field of a call through a function pointer), best chain first.
 */
export function hopHovers(chains: readonly RatedChain[], file: string, line: number, word: string): HopHover[] {
  const at = (h: RatedChain['hops'][number]): boolean => h.file === file && h.line === line && (h.callee === word || h.via === `->${word}`);
  const out: HopHover[] = [];
  // Only the chains through this call are sorted: a hover is asked on every mouse rest.
  for (const c of chains.filter((x) => x.hops.some(at)).sort(compareChains)) {
    const i = c.hops.findIndex(at);
    const { acquire } = c;
    out.push({
      chainId: c.id,
      held: `${c.rule} protection held since ${acquire.call}() in ${acquire.function}()${acquire.condition ? ` (${acquire.condition})` : ''}`,
      heldAt: { file: acquire.file, line: acquire.line, column: acquire.column },
      hop: hopMessage(c.hops[i]!, i === c.hops.length - 1),
      index: i + 1,
      hops: c.hops.length,
      ahead: c.hops.slice(i + 1).map((h, j) => hopMessage(h, i + 1 + j === c.hops.length - 1)),
      sink: c.sink,
    });
  }
  return out;
}
