// A whole-tree analysis kept in memory and brought up to date file by file, for long-lived
// callers (the editor). An edit that leaves every call in place (comments, conditions,
// expressions, moved lines) re-examines only the edited file's functions; any other edit
// rebuilds graph, models and searches from the facts in memory, without reading the tree again.
import { join } from 'node:path';
import type { Language, Parser } from 'web-tree-sitter';
import { collectOptions, prepareScan, type AnalysisOptions } from '../analyze';
import { analyzeFacts, composeResult, type ChainAnalysis, type ProgressListener } from '../chainAnalysis';
import { collectFacts } from '../index/collectFacts';
import { CallGraph } from '../graph/callGraph';
import { compressFacts } from '../index/compressedFacts';
import type { FactDetail } from '../index/factDetail';
import { processFile } from '../index/fileTask';
import { packFacts } from '../index/packFacts';
import type { ScanResult, SkippedFile } from '../model/chain';
import type { FileFacts } from '../model/facts';
import type { PackedFileFacts } from '../model/packedFacts';
import { loadCLanguage, parserFor } from '../parse/treeSitter';
import { sameCallShape } from './callShape';
import { addNotes } from '../model/noteCounts';

export type UpdateKind =
  /** Same content as analysed: nothing to do. */
  | 'unchanged'
  /** Calls unchanged: only the file's own functions were examined again. */
  | 'local'
  /** Calls or definitions changed: graph, models and searches rebuilt from memory. */
  | 'rebuilt';

export interface UpdateOutcome {
  kind: UpdateKind;
  /** Why a local update was not enough, when kind is 'rebuilt'. */
  reason?: string;
  durationMs: number;
}

const EMPTY_ANALYSIS: ChainAnalysis = { graph: new CallGraph([]), models: [], searches: [] };

export class LiveAnalysis {
  private analysis: ChainAnalysis;
  private current: ScanResult;
  private parser: Parser | undefined;

  private constructor(
    private readonly options: AnalysisOptions,
    private readonly root: string,
    private readonly files: PackedFileFacts[],
    private readonly detail: FactDetail,
    private readonly skipped: SkippedFile[],
    private readonly notes: Map<string, number>,
    private readonly language: Language,
    private readonly cachedFiles: number,
    started: number,
  ) {
    this.analysis = this.analyze();
    this.current = this.compose(started);
  }

  static async open(options: AnalysisOptions, signal?: AbortSignal, onProgress?: ProgressListener): Promise<LiveAnalysis> {
    const started = performance.now();
    onProgress?.('walk', 0, 0);
    const prepared = await prepareScan(options, signal);
    const collected = await collectFacts(prepared.walk.files, collectOptions(options, prepared, signal, onProgress));
    addNotes(prepared.notes, collected.notes);
    const language = await loadCLanguage(options.wasm);
    return new LiveAnalysis(
      options, prepared.root, collected.files, collected.detail, [...prepared.walk.skipped, ...collected.skipped],
      prepared.notes, language, collected.cachedFiles, started,
    );
  }

  get result(): ScanResult {
    return this.current;
  }

  get graph(): ChainAnalysis['graph'] {
    return this.analysis.graph;
  }

  /** Brings the analysis up to date with the file's content on disk (path relative to the root). */
  update(rel: string): UpdateOutcome {
    const started = performance.now();
    const at = this.files.findIndex((f) => f.file === rel);
    const old = at < 0 ? undefined : this.files[at];
    this.parser ??= parserFor(this.language);
    const outcome = processFile({ rel, abs: join(this.root, rel) }, this.parser, this.options.cacheDir);
    const done = (kind: UpdateKind, reason?: string): UpdateOutcome => {
      this.current = this.compose(started);
      return { kind, ...(reason !== undefined ? { reason } : {}), durationMs: performance.now() - started };
    };
    if (outcome.facts === undefined || outcome.hash === undefined) {
      if (old === undefined) return { kind: 'unchanged', durationMs: performance.now() - started };
      this.files.splice(at, 1);
      const reason = outcome.skipped ?? 'no facts';
      // A deleted file is simply gone; any other reason is one the user should see.
      if (!reason.includes('ENOENT')) this.skipped.push({ file: rel, reason });
      return this.rebuild(done, `${rel} is no longer analysed: ${reason}`);
    }
    if (old !== undefined && old.hash === outcome.hash) return { kind: 'unchanged', durationMs: performance.now() - started };
    const wasSkipped = this.skipped.findIndex((s) => s.file === rel);
    if (wasSkipped >= 0) this.skipped.splice(wasSkipped, 1);
    const packed = packFacts(outcome.facts, outcome.hash);
    if (outcome.stored !== true) this.detail.keep(packed.hash, compressFacts(outcome.facts));
    this.detail.seed(packed, outcome.facts);
    if (old === undefined) {
      this.files.push(packed);
      return this.rebuild(done, `${rel} is new`);
    }
    const why = this.localUpdate(old, packed, outcome.facts);
    this.files[at] = packed;
    if (why !== undefined) return this.rebuild(done, why);
    return done('local');
  }

  /** Swaps the file's facts into the graph when only non-call content changed; else says why not. */
  private localUpdate(old: PackedFileFacts, next: PackedFileFacts, nextFull: FileFacts): string | undefined {
    const { graph, models, searches } = this.analysis;
    const shape = sameCallShape(old, next);
    if (shape !== undefined) return shape;
    // The searches decided exemptions by argument text: a changed argument of an exempt call
    // changes which paths exist.
    const exemptCallees = new Set(models.flatMap((m) => (m.rule.exempt ?? []).map((e) => e.callee)));
    if (old.names.some((n) => exemptCallees.has(n)) || next.names.some((n) => exemptCallees.has(n))) {
      const oldFull = this.detail.read(old);
      if (oldFull === undefined) return `the previous facts of ${old.file} could not be read`;
      for (const callee of exemptCallees) {
        const args = (f: FileFacts): string => f.functions.flatMap((fn) => fn.calls.filter((c) => c.callee === callee).map((c) => c.args)).join('\n');
        if (args(oldFull) !== args(nextFull)) return `an argument of ${callee} changed`;
      }
    }
    const nodes = graph.nodesOf(old.file);
    for (const n of nodes) {
      for (const b of n.bodies) {
        if (b.facts !== old) continue;
        b.facts = next;
        b.fn = next.functions[b.fn.index]!;
      }
    }
    graph.forgetFile(old.file);
    for (const m of models) {
      for (const t of [...m.truncated]) if (t.startsWith(`${old.file}:`)) m.truncated.delete(t);
      const moved = nodes.find((n) => !m.stillSummarizes(n));
      if (moved !== undefined) return `the summary of ${moved.name} changed`;
    }
    for (const s of searches) {
      const moved = s.rescan(nodes);
      if (moved !== undefined) return `where ${moved.name} releases the hold changed`;
    }
    return undefined;
  }

  private rebuild(done: (kind: UpdateKind, reason?: string) => UpdateOutcome, reason: string): UpdateOutcome {
    // Let the old graph and searches go before the new ones are built: both at once would
    // double the peak memory of a whole-kernel analysis.
    this.analysis = EMPTY_ANALYSIS;
    this.analysis = this.analyze();
    return done('rebuilt', reason);
  }

  private analyze(): ChainAnalysis {
    return analyzeFacts(this.files, (f) => this.detail.read(f), this.options.rules, this.options.pointers ?? 'typed');
  }

  private compose(started: number): ScanResult {
    const notes = new Map(this.notes);
    addNotes(notes, this.detail.notes);
    return composeResult(this.analysis, {
      root: this.root, rules: this.options.rules, files: this.files, skipped: this.skipped, notes, cachedFiles: this.cachedFiles, started,
    });
  }

  dispose(): void {
    this.parser?.delete();
    this.parser = undefined;
  }
}
