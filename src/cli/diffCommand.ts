// `lockpath diff OLD NEW`: scans (or reads) both sides, classifies their chains, and explains
// each removed chain on the new side's analysis. Analyses are asked for only when a removed
// chain needs one, and only one is held at a time (a kernel's is over a gigabyte).
import { statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readCachedResult, replayedAnalysis, resultOptionsKey, scanExcludes, scanTree, treeResultKey, type Analysis, type AnalysisOptions } from '../core/analyze';
import { readManifest, vouchFor, type Manifest } from '../core/index/factCache';
import { sizedWalk, walkListingNames, type ListedWalk } from '../core/sources/listingWalk';
import { architecturesListed } from '../core/sources/architectures';
import { diffResults, type ChainDiff } from '../core/diff/chainDiff';
import { confirmMove, explainRemoval } from '../core/diff/explainRemoval';
import { graphSideView } from '../core/diff/graphSideView';
import { matchChains } from '../core/diff/matchChains';
import { describeRemoval, type RemovalReason } from '../core/diff/removalReason';
import { resultSideView, type SideView } from '../core/diff/sideView';
import type { Chain, Confidence, ScanResult } from '../core/model/chain';
import { atConfidence, unreadPossible } from '../core/report/confidence';
import { demotedChains } from '../core/diff/demotedChains';
import { renderJsonDiff } from '../core/diff/diffJson';
import { diffSummaryLine, renderDiffText } from '../core/diff/diffText';
import { parseJsonReport, ResultFileError } from '../core/report/jsonInput';
import { renderSarifWithBaseline } from '../core/diff/sarifBaseline';
import { summaryLine } from '../core/report/text';
import type { RuleSpec } from '../core/rules/ruleSpec';
import { DIFF_COMMAND, type DiffArgs, type DiffSideArg } from './diffArgs';
import { EXIT } from './exitCodes';
import { blobMtimeMs, findRepo, GitError, resolveRevisions, RevisionCheckout, type GitRepo, type Revision, type RevisionFile } from './gitCheckout';
import { InputError, runCommand } from './runCommand';
import { analysisOptions, selectRules } from './treeOptions';

/** A side that cannot be read. */
class DiffInputError extends Error {}

/** A side, resolved: read from a report, or scanned from a tree or a checked-out revision. */
type Side =
  | { kind: 'json'; label: string; result: ScanResult }
  | { kind: 'tree'; label: string; root: string }
  | { kind: 'git'; label: string; commit: string; tree: string; shownRoot: string };

export function runDiff(argv: readonly string[]): Promise<number> {
  return runCommand('diff', DIFF_COMMAND, argv, async (args, signal) => {
    try {
      return await diff(args, signal);
    } catch (e) {
      // What the user gave that cannot be used: said in one line, exit 2 (runCommand).
      if (e instanceof DiffInputError || e instanceof GitError || e instanceof ResultFileError) throw new InputError(e.message);
      throw e;
    }
  });
}

async function diff(args: DiffArgs, signal: AbortSignal): Promise<number> {
  let checkout: RevisionCheckout | undefined;
  try {
    const rules = selectRules(args);
    const needsGit = args.sides.some((s) => s.kind === 'git');
    const repo = needsGit ? await findRepo(resolve(args.tree ?? '.')) : undefined;
    const revs = args.sides.flatMap((s) => (s.kind === 'git' ? [s.rev] : []));
    const revisions = repo === undefined ? [] : await resolveRevisions(repo, revs);
    const [oldSide, newSide] = await Promise.all(args.sides.map((s) => resolveSide(s, repo, revisions[revs.indexOf(s.kind === 'git' ? s.rev : '')])));
    if (repo !== undefined) {
      const base = args.cache === false || args.cache === undefined ? undefined : join(args.cache, 'checkouts');
      checkout = await RevisionCheckout.open(repo, treeRelative(join(repo.top, repo.prefix), args).include, base);
    }
    const scanner = new SideScanner(args, rules, checkout, signal);
    for (const side of [oldSide!, newSide!]) {
      const hidden = side.kind === 'json' ? side.result.stats.hiddenChains ?? 0 : 0;
      if (args.confidence === 'possible' && hidden > 0 && !args.quiet) {
        process.stderr.write(`lockpath: ${side.label} leaves out ${hidden} possible chains: they count as not there (scan with --confidence possible)\n`);
      }
    }
    const { diff: result, newResult } = await diffSides(scanner, oldSide!, newSide!, args.confidence);
    const report = args.format === 'json' ? renderJsonDiff(result) : args.format === 'sarif' ? sarifOf(result, newResult) : renderDiffText(result);
    if (args.out !== undefined) writeFileSync(args.out, report);
    else process.stdout.write(report);
    if (!args.quiet) process.stderr.write(`lockpath: ${diffSummaryLine(result)}\n`);
    return args.failOnNew && result.added.length > 0 ? EXIT.findings : EXIT.ok;
  } finally {
    await checkout?.close();
  }
}

/** A side; a git side's revision resolved beforehand (resolveRevisions()). */
async function resolveSide(arg: DiffSideArg, repo: GitRepo | undefined, revision: Revision | undefined): Promise<Side> {
  if (arg.kind === 'git') return { kind: 'git', label: `git:${arg.rev}`, commit: revision!.commit, tree: revision!.tree, shownRoot: resolve(repo!.top, repo!.prefix) };
  let isDir: boolean;
  try {
    isDir = statSync(arg.path).isDirectory();
  } catch (e) {
    throw new DiffInputError(`cannot read ${arg.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (isDir) return { kind: 'tree', label: `tree:${resolve(arg.path)}`, root: resolve(arg.path) };
  let text: string;
  try {
    text = await readFile(arg.path, 'utf8');
  } catch (e) {
    throw new DiffInputError(`cannot read ${arg.path}: ${(e as Error).message}`);
  }
  return { kind: 'json', label: `json:${arg.path}`, result: parseJsonReport(text, arg.path) };
}

/** A git tree's listing, its blobs by path, and what a walk of it reads by name (undefined: the listing cannot tell). */
interface NamedWalk {
  listing: RevisionFile[];
  blobs: Map<string, string>;
  named: ListedWalk | undefined;
}

/** Scans sides one at a time; keeps the last full analysis, for the explanations that may follow. */
class SideScanner {
  private kept: { side: Side; analysis: Analysis } | undefined;
  /** Listings of git trees, by tree id: a side may need its listing twice. */
  private readonly listings = new Map<string, Promise<RevisionFile[]>>();
  private readonly namedWalks = new Map<string, Promise<NamedWalk>>();
  /** Trees whose walk may be told from another's (prefetch()): the other, and their diff. */
  private readonly nearby = new Map<string, { from: string; changes: Promise<Map<string, string> | undefined> }>();
  /** Blob sizes each cache's manifest tells, by cache directory: read once. */
  private readonly manifestSizes = new Map<string, Map<string, number>>();

  constructor(
    private readonly args: DiffArgs, private readonly rules: readonly RuleSpec[],
    private readonly checkout: RevisionCheckout | undefined, private readonly signal: AbortSignal,
  ) {}

  /**
   * The side's result: a replay from the result cache when its tree is unchanged, which for
   * `least` 'likely' may leave the possible chains unread (see readResult).
   */
  async result(side: Side, least: Confidence = 'possible'): Promise<ScanResult> {
    if (side.kind === 'json') return side.result;
    const analysis = await this.scanSide(side, true, least);
    // A replayed result comes without the graph: nothing to keep.
    this.kept = analysis.files.length > 0 ? { side, analysis } : undefined;
    return analysis.result;
  }

  /** The side's whole analysis (graph and rule models), or undefined for a report. */
  async analysis(side: Side): Promise<Analysis | undefined> {
    if (side.kind === 'json') return undefined;
    if (this.kept?.side === side) return this.kept.analysis;
    this.kept = undefined;
    const analysis = await this.scanSide(side, false);
    this.kept = { side, analysis };
    return analysis;
  }

  /**
   * Starts listing the git sides whose results are not remembered. When both are, the second is
   * told from the first's listing and `git diff-tree` of the two (walkFromNearby()), both
   * started at once: a revision a few files from the other costs one listing, not two.
   */
  prefetch(sides: readonly Side[]): void {
    const unlisted = [...new Set(sides.flatMap((side) => {
      const known = side.kind === 'git' ? this.revisionKey(side) : undefined;
      return known === undefined || this.checkout!.knownResult(known.content, known.options) !== undefined ? [] : [known.content];
    }))];
    // A failure is met where the listing or the changes are used.
    for (const tree of unlisted.slice(0, 1)) this.listing(tree).catch(() => undefined);
    const [first, second] = unlisted;
    if (first !== undefined && second !== undefined) {
      const changes = this.checkout!.changedContents(first, second);
      changes.catch(() => undefined);
      this.nearby.set(second, { from: first, changes });
    }
  }

  /** The commit the git sides' worktree was last scanned at, if any. */
  get lastCommit(): string | undefined {
    return this.checkout?.lastCommit;
  }

  /** acquirersOf() the kept analysis, if the last side scanned left one. */
  acquirersAtHand(chains: readonly Chain[]): Acquirers | undefined {
    return this.kept === undefined ? undefined : acquirersOf(this.kept.analysis, chains);
  }

  /** Lets go of the kept analysis (before another side's is built). */
  drop(): void {
    this.kept = undefined;
  }

  private async scanSide(side: Exclude<Side, { kind: 'json' }>, resultOnly: boolean, least: Confidence = 'possible'): Promise<Analysis> {
    this.kept = undefined;
    const started = performance.now();
    const known = side.kind === 'git' ? this.revisionKey(side) : undefined;
    if (resultOnly && side.kind === 'git' && known !== undefined) {
      // A revision whose content was scanned before, here or in the tree: its result, without a
      // checkout or a walk. Content hashes are blob ids, so the revision's listing names it.
      const options = this.options(side, this.checkout!.root);
      const remembered = this.checkout!.knownResult(known.content, known.options);
      const resultKey = remembered ?? await this.listedResultKey(known.content, options);
      const cached = resultKey === undefined ? undefined : readCachedResult({ ...options, shown: least }, resultKey);
      if (cached !== undefined) {
        if (remembered === undefined) this.checkout!.rememberResult(known.content, known.options, resultKey!);
        const analysis = replayedAnalysis(cached, side.shownRoot, started);
        if (!this.args.quiet) process.stderr.write(`lockpath: ${side.label}: ${summaryLine(analysis.result)} (result of git tree ${known.content.slice(0, 12)})\n`);
        return analysis;
      }
    }
    let root: string;
    if (side.kind === 'git') {
      await this.checkout!.checkout(side.commit);
      root = this.checkout!.root;
      if (known !== undefined) await this.vouchForListing(known.content, this.options(side, root));
    } else {
      root = side.root;
    }
    if (!this.args.quiet) process.stderr.write(`lockpath: scanning ${side.label}${resultOnly ? '' : ' (call graph, to explain removed chains)'}\n`);
    const analysis = await scanTree({ ...this.options(side, root), resultOnly }, this.signal);
    if (!this.args.quiet) process.stderr.write(`lockpath: ${side.label}: ${summaryLine(analysis.result)}\n`);
    // A checkout's path is ours: reports name the tree the user runs in.
    if (side.kind === 'git') analysis.result = { ...analysis.result, root: side.shownRoot };
    if (known !== undefined && analysis.resultKey !== undefined) this.checkout!.rememberResult(known.content, known.options, analysis.resultKey);
    return analysis;
  }

  /** The result key a scan of the git tree `treeId` would have, from its listing; undefined when the listing cannot tell. */
  private async listedResultKey(treeId: string, options: AnalysisOptions): Promise<string | undefined> {
    const { walk, blobs } = await this.walkFromNearby(treeId, options) ?? await this.listedWalk(treeId, options);
    if (walk === undefined) return undefined;
    return treeResultKey(options, walk.skipped, new Map(walk.files.map((f) => [f.rel, blobs.get(f.content)!])));
  }

  /**
   * Vouches in the checkout's manifest for every file written as its blob (written out with
   * the mtime blobMtimeMs() gives it): the scan then reads none of them to hash it, and takes
   * the tree's facts for each content the tree has.
   */
  private async vouchForListing(treeId: string, options: AnalysisOptions): Promise<void> {
    if (options.cacheDir === undefined) return;
    const { walk, listing, blobs } = await this.listedWalk(treeId, options);
    // A symlinked file has its target's content, size and mtime.
    const files = walk?.files ?? await this.sizedFiles(listing, options);
    const asIs = await this.checkout!.writtenAsIs([...new Set(files.map((f) => f.content))]);
    const entries: Manifest = new Map();
    for (const f of files) {
      const blob = blobs.get(f.content)!;
      if (asIs.has(f.content)) entries.set(f.rel, [f.size, blobMtimeMs(blob), blob]);
    }
    vouchFor(options.cacheDir, resolve(options.root), entries);
  }

  /** Every file of a listing, sized (those git cannot size are left out: the scan hashes them). */
  private async sizedFiles(listing: readonly RevisionFile[], options: AnalysisOptions): Promise<{ rel: string; size: number; content: string }[]> {
    const files = listing.filter((f) => f.kind === 'file');
    const sizes = await this.blobSizes(files.map((f) => f.blob), options);
    return files.filter((f) => sizes.has(f.blob)).map((f) => ({ rel: f.path, size: sizes.get(f.blob)!, content: f.path }));
  }

  private listing(treeId: string): Promise<RevisionFile[]> {
    let listed = this.listings.get(treeId);
    if (listed === undefined) this.listings.set(treeId, (listed = this.checkout!.listing(treeId)));
    return listed;
  }

  /** The git tree's listing, and what a walk of it with these options reads (undefined: the listing cannot tell). */
  private async listedWalk(treeId: string, options: AnalysisOptions): Promise<{ listing: RevisionFile[]; blobs: Map<string, string>; walk: ListedWalk | undefined }> {
    const { listing, blobs, named } = await this.namedWalk(treeId, options);
    return { listing, blobs, walk: named === undefined ? undefined : await this.sized(named, blobs, options) };
  }

  /**
   * What a walk of `treeId` reads, told from the tree prefetch() paired it with: that tree's walk
   * by name, with the new blobs of the files whose content changed. Only when nothing else changed
   * (no file added, removed, or of another kind): the walk then meets the same names.
   */
  private async walkFromNearby(treeId: string, options: AnalysisOptions): Promise<{ blobs: Map<string, string>; walk: ListedWalk | undefined } | undefined> {
    const pair = this.nearby.get(treeId);
    if (pair === undefined) return undefined;
    const [base, changes] = await Promise.all([this.namedWalk(pair.from, options), pair.changes.catch(() => undefined)]);
    if (base.named === undefined || changes === undefined) return undefined;
    const blobs = new Map(base.blobs);
    for (const [path, blob] of changes) blobs.set(path, blob);
    return { blobs, walk: await this.sized(base.named, blobs, options) };
  }

  /** A tree's listing, its blobs by path, and its walk by name (walkListingNames()); the options are the run's, the same for every git side. */
  private namedWalk(treeId: string, options: AnalysisOptions): Promise<NamedWalk> {
    let named = this.namedWalks.get(treeId);
    if (named === undefined) {
      this.namedWalks.set(treeId, (named = this.listing(treeId).then((listing) => ({
        listing,
        blobs: new Map(listing.map((f) => [f.path, f.blob])),
        named: walkListingNames(listing, { include: options.include, exclude: scanExcludes(options, architecturesListed(listing.map((f) => f.path))) }),
      }))));
    }
    return named;
  }

  /** A walk by name with its sizes (sizedWalk()); undefined when a size cannot be told. */
  private async sized(named: ListedWalk, blobs: ReadonlyMap<string, string>, options: AnalysisOptions): Promise<ListedWalk | undefined> {
    const sizes = await this.blobSizes(named.files.map((f) => blobs.get(f.content)!), options);
    if (!named.files.every((f) => sizes.has(blobs.get(f.content)!))) return undefined;
    return sizedWalk(named, (content) => sizes.get(blobs.get(content)!)!, options.maxFileBytes);
  }

  /**
   * The sizes of blobs, by id (those git cannot tell are left out). A cache manifest's content
   * hash is a blob id and it holds the size: the blobs the tree has (read first) or the
   * checkout had (read when many are left) are not asked of git.
   */
  private async blobSizes(blobs: readonly string[], options: AnalysisOptions): Promise<Map<string, number>> {
    const sizes = new Map<string, number>();
    let ask = [...new Set(blobs)];
    const caches: [string | undefined, string | undefined][] = [[options.sharedCacheDir, options.sharedRoot], [options.cacheDir, resolve(options.root)]];
    for (const [i, [dir, root]] of caches.entries()) {
      if (dir === undefined || root === undefined || (i > 0 && ask.length <= FEW_BLOBS)) continue;
      let known = this.manifestSizes.get(dir);
      if (known === undefined) this.manifestSizes.set(dir, (known = manifestSizes(dir, root)));
      ask = ask.filter((blob) => {
        const size = known!.get(blob);
        if (size !== undefined) sizes.set(blob, size);
        return size === undefined;
      });
    }
    for (const [blob, size] of await this.checkout!.blobSizes(ask)) sizes.set(blob, size);
    return sizes;
  }

  /** A git side's content id (its git tree) and the digest of the options its result depends on. */
  private revisionKey(side: Extract<Side, { kind: 'git' }>): { content: string; options: string } | undefined {
    const options = this.options(side, this.checkout!.root);
    if (options.cacheDir === undefined) return undefined;
    return { content: side.tree, options: resultOptionsKey(options) };
  }

  /**
   * A checkout has a cache of its own (its manifest and snapshot are of its files), and shares
   * the tree's content-keyed shards and results: most of a revision's files are the tree's own
   * contents, and a revision the tree was scanned at is answered from the tree's result.
   */
  private options(side: Exclude<Side, { kind: 'json' }>, root: string): AnalysisOptions {
    const options = analysisOptions(root, this.args, this.rules, __dirname);
    if (side.kind !== 'git') return options;
    // Paths given absolute name the user's tree, not the checkout.
    const scanned = { ...options, ...treeRelative(side.shownRoot, this.args) };
    if (options.cacheDir === undefined) return scanned;
    const treeCache = analysisOptions(side.shownRoot, this.args, this.rules, __dirname).cacheDir!;
    const own = options.cacheDir === treeCache ? `${this.checkout!.path}.cache` : options.cacheDir;
    return { ...scanned, cacheDir: own, sharedCacheDir: treeCache, sharedRoot: resolve(side.shownRoot) };
  }
}

/** Content hash (a blob id) -> size, of every file the manifest of the cache `dir` of `root` holds. */
function manifestSizes(dir: string, root: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const [size, , hash] of readManifest(dir, root).manifest.values()) sizes.set(hash, size);
  return sizes;
}

/** Blobs few enough that one `git cat-file` sizes them sooner than a manifest is read. */
const FEW_BLOBS = 64;

/** The include and exclude paths of the options, relative to the user's tree at `root`. */
function treeRelative(root: string, args: DiffArgs): Pick<AnalysisOptions, 'include' | 'exclude'> {
  const { include, exclude } = analysisOptions(root, { ...args, cache: false }, [], __dirname);
  return { include, ...(exclude !== undefined ? { exclude } : {}) };
}

async function diffSides(scanner: SideScanner, oldSide: Side, newSide: Side, confidence: Confidence): Promise<{ diff: ChainDiff; newResult: ScanResult }> {
  // The side the worktree's cache saw last is answered from it: scanned first, the other side
  // then costs a warm scan plus the files that differ. The order changes no result.
  scanner.prefetch([oldSide, newSide]);
  const newFirst = newSide.kind === 'git' && newSide.commit === scanner.lastCommit && !(oldSide.kind === 'git' && oldSide.commit === newSide.commit);
  // Each side as the report shows it; the new side's possible chains are read only if a chain
  // went, to tell whether it was demoted.
  let newAll = newFirst ? await scanner.result(newSide, confidence) : undefined;
  if (newFirst) scanner.drop();
  // The chains compared are those scan reports at the same confidence, so that a diff and a
  // scan --baseline agree on what is new.
  const oldResult = atConfidence(await scanner.result(oldSide, confidence), confidence);
  // What confirming a move needs of the old side, taken while its analysis is at hand: a cold
  // old side is then not analysed twice.
  const oldAcquirers = scanner.acquirersAtHand(oldResult.chains);
  newAll ??= await scanner.result(newSide, confidence);
  const newResult = atConfidence(newAll, confidence);
  const match = matchChains(oldResult.chains, newResult.chains);
  if (match.removed.length > 0 && unreadPossible(newAll) > 0) newAll = await scanner.result(newSide);
  const reasons = demotedChains(match.removed, newAll);
  const gone = match.removed.filter((c) => !reasons.has(c));
  if (gone.length > 0) {
    await explainAll(scanner, newSide, newAll, gone, reasons);
    await confirmMoves(scanner, oldSide, reasons, oldAcquirers);
  }
  return { diff: diffResults(oldResult, newResult, { old: oldSide.label, new: newSide.label }, (c) => reasons.get(c)!, match), newResult };
}

/** Explains each removed chain on the new side (its analysis is let go of on return). */
async function explainAll(scanner: SideScanner, newSide: Side, newResult: ScanResult, removed: readonly Chain[], reasons: Map<Chain, RemovalReason>): Promise<void> {
  const analysis = await scanner.analysis(newSide);
  const views = new Map<string, SideView>();
  for (const c of removed) {
    let view = views.get(c.rule);
    if (view === undefined) {
      const model = analysis?.models.find((m) => m.rule.id === c.rule);
      view = model !== undefined ? graphSideView(model) : resultSideView(newResult, c.rule);
      views.set(c.rule, view);
    }
    reasons.set(c, explainRemoval(c, view));
  }
  scanner.drop();
}

/** Functions calling each chain's acquisition call, by rule and call (`rule\0call`). */
type Acquirers = Map<string, ReadonlySet<string>>;

function acquirersOf(analysis: Analysis, chains: readonly Chain[]): Acquirers {
  const out: Acquirers = new Map();
  const views = new Map<string, SideView | undefined>();
  for (const c of chains) {
    const key = `${c.rule}\0${c.acquire.call}`;
    if (out.has(key)) continue;
    if (!views.has(c.rule)) {
      const model = analysis.models.find((m) => m.rule.id === c.rule);
      views.set(c.rule, model === undefined ? undefined : graphSideView(model));
    }
    const view = views.get(c.rule);
    if (view !== undefined) out.set(key, new Set(view.acquirers(c.acquire.call) ?? []));
  }
  return out;
}

/** A move needs the old side to show that its new acquirers did not acquire already. */
async function confirmMoves(scanner: SideScanner, oldSide: Side, reasons: Map<Chain, RemovalReason>, known: Acquirers | undefined): Promise<void> {
  const moved = [...reasons].filter(([, r]) => r.kind === 'acquisition-moved').map(([c]) => c);
  if (moved.length === 0) return;
  let acquirers = known;
  if (acquirers === undefined) {
    const analysis = await scanner.analysis(oldSide);
    if (analysis === undefined) return;
    acquirers = acquirersOf(analysis, moved);
    scanner.drop();
  }
  for (const chain of moved) {
    const before = acquirers.get(`${chain.rule}\0${chain.acquire.call}`);
    if (before !== undefined) reasons.set(chain, confirmMove(reasons.get(chain)!, before));
  }
}

function sarifOf(diff: ChainDiff, newResult: ScanResult): string {
  const states = new Map<Chain, 'new' | 'unchanged' | 'updated'>();
  for (const c of diff.added) states.set(c, 'new');
  for (const p of diff.unchanged) states.set(p.new, 'unchanged');
  for (const p of diff.changed) states.set(p.new, 'updated');
  return renderSarifWithBaseline(newResult, states, diff.removed.map((r) => ({ chain: r.chain, fixedBecause: describeRemoval(r.reason) })));
}
