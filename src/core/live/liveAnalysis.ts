// A whole-tree analysis kept in memory and brought up to date file by file, for long-lived
// callers (the editor). Most edits are patched in: functions, calls, conditions, arguments,
// function-pointer stores, struct field types, wrapper summaries and lines may all change; the
// graph's indexes, the summaries, then the searches are updated in place, re-examining only what
// the edit reaches. An edit CallGraph.replaceFile cannot patch, or after which a summary does
// not settle, rebuilds graph, models and searches from the facts in memory, without reading the
// tree again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language, Parser } from 'web-tree-sitter';
import { collectOptions, prepareScan, treeText, type AnalysisOptions, type GatheredFacts } from '../analyze';
import { ParsedCallSites } from '../index/callSiteReader';
import { buildGraph, composeResult, countFile, exemptionSources, fileTotals, searchChains, type ChainAnalysis, type FileTotals, type ProgressListener } from '../chainAnalysis';
import { deriveExemptions, sameExemptions } from '../rules/derivedExemptions';
import { sameInputs } from '../rules/exemptionInputs';
import { collectFacts } from '../index/collectFacts';
import { functionSpans } from '../graph/functionSpans';
import { CallGraph } from '../graph/callGraph';
import { functionLabel, type FunctionNode } from '../graph/functionNodes';
import { parsedFilesCallingNone, readAsBefore, tokenFilesCalling } from '../index/flowNeeds';
import { effectfulNow } from '../rules/effectfulNames';
import { compressFacts } from '../index/compressedFacts';
import type { FactDetail } from '../index/factDetail';
import { contentHash, FactCache } from '../index/factCache';
import { processOne, type FileOutcome } from '../index/fileTask';
import { packFacts } from '../index/packFacts';
import type { ScanResult, SkippedFile } from '../model/chain';
import { readerOf, type FactReader, type FileFacts } from '../model/facts';
import type { PackedFileFacts } from '../model/packedFacts';
import { patched, type Patched } from '../model/patched';
import { lineDelta, movedOnly, readerOnly, samePositions } from './movedFunctions';
import type { LineShift } from '../model/lineShift';
import { loadCLanguage, parserFor } from '../parse/treeSitter';
import { sourceText } from '../sources/textDecode';
import { addNotes, type NoteCounts } from '../model/noteCounts';

export type UpdateKind =
  /** Same content as analysed: nothing to do. */
  | 'unchanged'
  /** Patched in place, re-examining only what the edit reaches. */
  | 'local'
  /** Graph, models and searches rebuilt from memory (the reason says why). */
  | 'rebuilt';

export interface UpdateOutcome {
  kind: UpdateKind;
  /** Why a local update was not enough, when kind is 'rebuilt'. */
  reason?: string;
  durationMs: number;
}

const EMPTY_ANALYSIS: ChainAnalysis = { graph: new CallGraph([]), models: [], searches: [], exemptions: [], exemptionInputs: [] };

/** A file that defines, calls and stores nothing: what a new file was, what a deleted one is. */
function noFacts(file: string): PackedFileFacts {
  return { file, hash: '', functions: [], calls: new Int32Array(0), names: [], fieldAssignments: [], structFields: [], errorNodes: 0 };
}

/** The file's bytes; undefined when it cannot be read (processOne then says why). */
function readIfPresent(abs: string): Uint8Array | undefined {
  try {
    return readFileSync(abs);
  } catch {
    return undefined;
  }
}

/** What a live analysis starts from: the facts, without the walk and the manifests they came from. */
type LiveFacts = Omit<GatheredFacts, 'resultKey'>;

/**
 * The walk and the facts. The walk and the manifests (tens of MiB on a kernel) die here, before
 * the graph and the searches are built, where memory peaks.
 */
async function liveFacts(options: AnalysisOptions, signal?: AbortSignal, onProgress?: ProgressListener): Promise<LiveFacts> {
  onProgress?.('walk', 0, 0);
  const prepared = await prepareScan(options, signal);
  const collected = await collectFacts(prepared.walk.files, collectOptions(options, prepared, signal, onProgress));
  addNotes(prepared.notes, collected.notes);
  return {
    root: prepared.root, files: collected.files, detail: collected.detail, skipped: [...prepared.walk.skipped, ...collected.skipped],
    notes: prepared.notes, cachedFiles: collected.cachedFiles,
  };
}

export class LiveAnalysis {
  private analysis: ChainAnalysis;
  private current: ScanResult;
  private parser: Parser | undefined;
  /** Opened at the first edit read with a cache; its index is loaded once, not per edit. */
  private factCache: FactCache | undefined;

  private constructor(
    private readonly options: AnalysisOptions,
    private readonly root: string,
    private readonly files: PackedFileFacts[],
    private readonly detail: FactDetail,
    private readonly skipped: SkippedFile[],
    private readonly notes: NoteCounts,
    private readonly language: Language,
    private readonly cachedFiles: number,
    started: number,
  ) {
    this.totals = fileTotals(files);
    this.analysis = this.searchAnew();
    this.current = this.compose(started);
    // As the graph's edit indexes (searchAnew): read now rather than at the first save.
    this.cache()?.prepare();
  }

  /** fileTotals(this.files), kept up to date by apply(). */
  private readonly totals: FileTotals;

  static async open(options: AnalysisOptions, signal?: AbortSignal, onProgress?: ProgressListener): Promise<LiveAnalysis> {
    const started = performance.now();
    const f = await liveFacts(options, signal, onProgress);
    const language = await loadCLanguage(options.wasm);
    return new LiveAnalysis(options, f.root, f.files, f.detail, f.skipped, f.notes, language, f.cachedFiles, started);
  }

  get result(): ScanResult {
    return this.current;
  }

  get graph(): ChainAnalysis['graph'] {
    return this.analysis.graph;
  }

  /**
   * Brings the analysis up to date with the file's content (path relative to the root): `text`
   * when given (an editor's unsaved buffer), which stands for the file until an update without
   * it goes back to the content on disk (saved, closed, reverted).
   * A file is read from tokens unless its functions call something that changes the held
   * context. A function that becomes a wrapper makes its callers' files need a full parse, one
   * that stops being one lets them be read from tokens again: those files are brought up to date
   * in the same update.
   */
  update(rel: string, text?: string): UpdateOutcome {
    const started = performance.now();
    if (text === undefined) this.unsaved.delete(rel);
    else this.unsaved.set(rel, Buffer.from(text, 'utf8'));
    const first = this.apply(rel);
    if (first === 'unchanged') return { kind: 'unchanged', durationMs: performance.now() - started };
    let rebuilt = first.rebuilt;
    for (let next = this.recheck.values().next(); !next.done; next = this.recheck.values().next()) {
      this.recheck.delete(next.value);
      const o = this.apply(next.value);
      if (o !== 'unchanged') rebuilt ??= o.rebuilt;
    }
    this.current = this.compose(started);
    return { kind: rebuilt === undefined ? 'local' : 'rebuilt', ...(rebuilt !== undefined ? { reason: rebuilt } : {}), durationMs: performance.now() - started };
  }

  /**
   * What the first update after an open pays besides its own work, paid now (an editor calls it
   * when idle): the files' positions, the keys and digests every kept verdict is checked against
   * (the unchanged result composed again, its chains standing as they are), and the compiling of
   * both readers (the first chain's file read from tokens and parsed, the facts dropped). On a
   * whole 6.12, the first save after the open took 233 ms where later ones took 57-134.
   */
  prepareUpdates(): void {
    this.positionOf('');
    const rel = this.current.chains[0]?.acquire.file;
    const content = rel === undefined ? undefined : readIfPresent(join(this.root, rel));
    if (rel !== undefined && content !== undefined) {
      // Read once from disk, then both ways.
      const job = { rel, abs: join(this.root, rel), content };
      this.parser ??= parserFor(this.language);
      processOne({ ...job, reader: 'tree' }, this.parser, undefined);
      processOne({ ...job, reader: 'tokens' }, this.parser, undefined, this.effectfulNames());
    }
    // Composed for the checks it makes and the keys they keep; the result stays the open's.
    this.compose(performance.now());
  }

  /** The fact cache edits read and write (its indexes are read when the analysis opens). */
  private cache(): FactCache | undefined {
    if (this.options.cacheDir !== undefined) this.factCache ??= new FactCache(this.options.cacheDir);
    return this.factCache;
  }

  /**
   * effectfulNow() of the models, until a summary or rule changes: asked for every file an
   * update reads (a dozen when an edit makes callers' files be read again), 4-7 ms each on a
   * whole kernel.
   */
  private effectful: ReadonlySet<string> | undefined;

  private effectfulNames(): ReadonlySet<string> {
    this.effectful ??= effectfulNow(this.analysis.models);
    return this.effectful;
  }

  /** Files whose reader an update may have changed (see noteReadersToCheck): read again. */
  private readonly recheck = new Set<string>();

  /** Unsaved editor buffers that stand for files on disk, as UTF-8: the same bytes a save writes. */
  private readonly unsaved = new Map<string, Uint8Array>();

  /**
   * Where each file is in `files`, made again after a file came or went: looking a file up in
   * 47k by name cost a whole-kernel update 17 ms.
   */
  private positions: Map<string, number> | undefined;

  private positionOf(rel: string): number {
    this.positions ??= new Map(this.files.map((f, i) => [f.file, i]));
    return this.positions.get(rel) ?? -1;
  }

  /**
   * Reads one file again and patches it in; `rebuilt` says why the analysis was rebuilt instead,
   * if it was. The file is read from tokens, and parsed if it calls a name with an effect now
   * (or the tokens cannot be read), as a scan from scratch would read it.
   */
  private apply(rel: string): 'unchanged' | { rebuilt?: string } {
    const at = this.positionOf(rel);
    const old = at < 0 ? undefined : this.files[at];
    this.parser ??= parserFor(this.language);
    const unsaved = this.unsaved.get(rel);
    const abs = join(this.root, rel);
    const bytes = unsaved ?? readIfPresent(abs);
    const effectful = this.options.parseAll === true ? undefined : this.effectfulNames();
    // The same bytes, read as before (an editor's echo of a save, a buffer as saved): nothing to
    // read again, and the call sites parsed from them stand.
    const hash = bytes === undefined ? undefined : contentHash(bytes);
    const sameBytes = old !== undefined && hash === old.hash;
    if (sameBytes && readAsBefore(old, effectful)) return 'unchanged';
    this.callSites?.forget(rel);
    const job = { rel, abs, ...(bytes !== undefined ? { content: bytes } : {}), ...(hash !== undefined ? { knownHash: hash } : {}) };
    // An unsaved buffer changes with every pause in typing: its facts stay out of the cache.
    const cache = unsaved === undefined ? this.cache() : undefined;
    // The same bytes read from tokens before, and they call a name with an effect now: their
    // tokens would only lead to the full parse (a file read again because a callee became a
    // wrapper), so the token facts are not read first.
    const reader: FactReader = effectful === undefined || (sameBytes && old.reader === 'tokens') ? 'tree' : 'tokens';
    // Read the other way lately (a wrapper came and went: an edit and its undo), those facts stand.
    const switched = sameBytes ? this.detail.recentFacts(rel, old.hash, reader) : undefined;
    const outcome: FileOutcome = sameBytes && switched !== undefined
      ? { rel, hash: old.hash, facts: switched, cached: true, stored: true, notes: [] }
      : processOne({ ...job, reader }, this.parser, cache, reader === 'tokens' ? effectful : undefined);
    const settle = (old: PackedFileFacts, next: PackedFileFacts, nextFull?: FileFacts): { rebuilt?: string } => {
      const outcome = this.patch(old, next, nextFull);
      const why = outcome.ok ? this.exemptionsAfterEdit(rel) : outcome.why;
      if (why === undefined) return {};
      this.rebuild();
      return { rebuilt: why };
    };
    if (outcome.facts === undefined || outcome.hash === undefined) {
      if (old === undefined) return 'unchanged';
      this.files.splice(at, 1);
      this.positions = undefined;
      countFile(this.totals, old, -1);
      const reason = outcome.skipped ?? 'no facts';
      // A deleted file is simply gone; any other reason is one the user should see.
      if (!reason.includes('ENOENT')) this.skipped.push({ file: rel, reason });
      return settle(old, noFacts(rel));
    }
    if (old !== undefined && old.hash === outcome.hash && readerOf(old) === readerOf(outcome.facts)) return 'unchanged';
    const wasSkipped = this.skipped.findIndex((s) => s.file === rel);
    if (wasSkipped >= 0) this.skipped.splice(wasSkipped, 1);
    const packed = packFacts(outcome.facts, outcome.hash);
    if (outcome.stored !== true) this.detail.keep(packed, compressFacts(outcome.facts));
    this.detail.seed(packed, outcome.facts);
    if (old === undefined) {
      // Where the walk would have put it: file order breaks ties between equal chains.
      let pos = 0;
      while (pos < this.files.length && this.files[pos]!.file < rel) pos++;
      this.files.splice(pos, 0, packed);
      this.positions = undefined;
      countFile(this.totals, packed, 1);
      this.analysis.graph.renumberFiles();
      return settle(noFacts(rel), packed, outcome.facts);
    }
    this.files[at] = packed;
    countFile(this.totals, old, -1);
    countFile(this.totals, packed, 1);
    return settle(old, packed, outcome.facts);
  }

  /**
   * After summaries changed: files calling those functions may now need a full parse (read from
   * tokens, and the name has an effect now) or no longer need one (parsed, and it calls nothing
   * with an effect any more).
   */
  private noteReadersToCheck(graph: CallGraph, changed: readonly FunctionNode[]): void {
    if (changed.length === 0) return;
    const callers = new Set<PackedFileFacts>();
    for (const node of changed) for (const ref of graph.directCallsTo(node.name)) callers.add(graph.callAt(ref).body.facts);
    this.noteReaderChanges([...callers]);
  }

  private noteReaderChanges(files: readonly PackedFileFacts[]): void {
    if (this.options.parseAll === true) return;
    const names = this.effectfulNames();
    for (const f of [...tokenFilesCalling(files, names), ...parsedFilesCallingNone(files, names)]) this.recheck.add(f.file);
  }

  /**
   * Patches the file's new facts (already in `files`) into graph, models and searches; says why
   * not (the caller then rebuilds) when the edit reaches further than the graph can patch
   * (CallGraph.replaceFile).
   */
  private patch(old: PackedFileFacts, next: PackedFileFacts, nextFull: FileFacts | undefined): Patched<void> {
    const { graph, models, searches } = this.analysis;
    // Functions that only moved need no new analysis (unknown without the old full facts: all did not).
    const oldFull = nextFull === undefined || old.functions.length === 0 ? undefined : this.detail.read(old);
    const moved = oldFull === undefined || nextFull === undefined ? [] : movedOnly(oldFull, nextFull);
    // Read the other way (tokens or a full parse) and the same for every analysis: as good as unchanged.
    const sameRead = oldFull === undefined || nextFull === undefined || readerOf(old) === readerOf(next) ? [] : readerOnly(oldFull, nextFull, this.effectfulNames());
    const replaced = graph.replaceFile(old, next);
    if (!replaced.ok) return replaced;
    const patch = replaced.value;
    const unchanged = new Set([...moved, ...sameRead].map(([, j]) => j));
    // Of those, the ones whose lines or columns changed: chains through them are given new lines.
    const shiftedFns = new Set(moved.filter(([i, j]) => !samePositions(oldFull!.functions[i]!, nextFull!.functions[j]!)).map(([, j]) => j));
    // Those that moved by whole lines: what verdicts read in them is read at the moved lines now.
    const spans: LineShift['spans'][number][] = [];
    for (const [i, j] of moved) {
      const before = oldFull!.functions[i]!;
      const delta = shiftedFns.has(j) ? lineDelta(before, nextFull!.functions[j]!) : undefined;
      if (delta !== undefined) spans.push({ startLine: before.startLine, endLine: before.endLine, delta });
    }
    const lineShift: LineShift = { file: next.file, spans };
    const touched = new Set(patch.callers);
    const shifted = new Set<FunctionNode>();
    for (const n of patch.nodes) {
      if (n.bodies.some((b) => b.facts === next && !unchanged.has(b.fn.index))) touched.add(n);
      if (n.bodies.some((b) => b.facts === next && shiftedFns.has(b.fn.index))) shifted.add(n);
    }
    // Truncation notes name a function by its first line: a moved function's note moves with it.
    const renamed = new Map(moved.map(([i, j]) => [functionLabel(old.file, old.functions[i]!), functionLabel(next.file, next.functions[j]!)]));
    for (const [i, m] of models.entries()) {
      for (const t of [...m.truncated]) {
        if (!t.startsWith(`${old.file}:`)) continue;
        m.truncated.delete(t);
        const now = renamed.get(t);
        if (now !== undefined) m.truncated.add(now);
      }
      // The file's changed functions, and callers whose calls now resolve elsewhere, may
      // summarize differently; so may their callers in turn.
      const resummarized = m.resummarize([...touched, ...patch.removed]);
      if (!resummarized.ok) return resummarized;
      if (resummarized.value.length > 0) this.effectful = undefined;
      this.noteReadersToCheck(graph, resummarized.value);
      searches[i]!.update(patch, [...touched], resummarized.value, shifted, lineShift);
    }
    return patched(undefined);
  }

  /**
   * The exemptions are derived again when the tree no longer answers what deriving them asked
   * (a sink's body, a macro it tests, a definition or caller of a name: see exemptionInputs.ts);
   * says why the analysis must be rebuilt when one of them now says otherwise (which calls are
   * exempt changes every search).
   */
  private exemptionsAfterEdit(rel: string): string | undefined {
    const { graph, models, exemptions, exemptionInputs } = this.analysis;
    const sources = exemptionSources(graph, this.reader());
    if (sources === undefined || exemptionInputs.every((inputs) => inputs === undefined || sameInputs(inputs, sources, rel))) return undefined;
    const again = this.options.rules.map((rule) => deriveExemptions(rule, sources));
    if (again.some((d, i) => !sameExemptions(d.verdicts, exemptions[i] ?? []))) return `an exemption derived from ${rel} changed`;
    // The same calls are exempt: the searches stand, only what is said of them changes.
    again.forEach((d, i) => {
      const model = models[i];
      if (model !== undefined) model.rule = d.rule;
    });
    this.effectful = undefined;
    this.analysis.exemptions = again.map((d) => d.verdicts);
    this.analysis.exemptionInputs = again.map((d) => d.inputs);
    return undefined;
  }

  private rebuild(): void {
    // Let the old graph and searches go before the new ones are built: both at once would
    // double the peak memory of a whole-kernel analysis.
    this.analysis = EMPTY_ANALYSIS;
    this.effectful = undefined;
    this.spanGraph = undefined;
    this.analysis = this.searchAnew();
    // Summaries built anew may make other files need a full parse, or not need one.
    this.noteReaderChanges(this.files);
  }

  private searchAnew(): ChainAnalysis {
    const graph = buildGraph(this.files, (f) => this.detail.read(f), this.options.pointers ?? 'typed');
    // The reader places the functions it parses in the new graph, the exemptions' too.
    this.spanGraph = graph;
    const analysis = searchChains(graph, this.options.rules, undefined, undefined, this.reader());
    // The indexes an edit needs, built now rather than on the first save.
    analysis.graph.prepareEdits();
    return analysis;
  }

  private compose(started: number): ScanResult {
    const notes = new Map(this.notes);
    addNotes(notes, this.detail.notes);
    return composeResult(this.analysis, {
      root: this.root, rules: this.options.rules, files: this.files, skipped: this.skipped, notes, cachedFiles: this.cachedFiles, started,
      callSites: this.reader(), totals: this.totals,
    });
  }

  /** Call sites read again for chains, kept across updates; an updated file is read again. */
  private callSites: ParsedCallSites | undefined;
  /** The graph the reader places functions in: the analysis's, or the one being analysed. */
  private spanGraph: CallGraph | undefined;

  private reader(): ParsedCallSites {
    // Built before the first analysis: until a graph exists it parses whole files.
    const disk = treeText(this.root);
    // Chains are judged on the text the facts came from: an unsaved buffer's, when there is one.
    const text = (file: string): string | undefined => {
      const content = this.unsaved.get(file);
      return content === undefined ? disk(file) : sourceText(content);
    };
    this.callSites ??= new ParsedCallSites(parserFor(this.language), text, functionSpans(() => this.spanGraph));
    return this.callSites;
  }

  dispose(): void {
    this.callSites?.dispose();
    this.callSites = undefined;
    this.parser?.delete();
    this.parser = undefined;
  }
}
