// The index server: holds one EditorSession and answers the host's requests in order, one at a
// time (an update must not run while the tree is being opened). Transport-agnostic: main.ts
// wires it to the parent process, tests call handle() directly.
import {
  DEFAULT_MAX_FILE_BYTES, LOCKPATH_VERSION, cachedResultOf, manifestResultKey, prepareScan, readCachedResult, rememberResult, type AnalysisOptions, type PreparedScan,
} from '../core/analyze';
import { chainChanges, chainDelta, sameChain } from '../core/editor/chainQueries';
import { EditorSession, type UnsavedText } from '../core/editor/editorSession';
import type { RatedChain } from '../core/editor/editorModel';
import { readManifest } from '../core/index/factCache';
import type { ScanResult } from '../core/model/chain';
import { renderJson } from '../core/report/json';
import { renderSarif } from '../core/report/sarif';
import { parseLogFile } from '../core/traces/parse/parseLog';
import type { WasmPaths } from '../core/parse/treeSitter';
import {
  INDEX_PROTOCOL_VERSION, MAX_CHANGED_CHAINS, parseToServer, type FromServer, type SnapshotHead, type IndexMethod, type IndexMethods, type ProgressPhase, type SettleResult,
  type ToServer,
} from '../protocol/indexProtocol';
import { rulesFromFiles } from './serverRules';

/** Where the server's own files are: the wasm files and the parser worker script. */
export interface ServerEnvironment {
  wasm: WasmPaths;
  workerScript?: string;
}

type Request = Extract<ToServer, { kind: 'request' }>;

/**
 * After this long without a request, the server stores a new open's result and builds what a
 * trace request would build first (the graph's name index: most of a second on a kernel), so
 * that neither the first chains nor loading a log wait for them.
 */
const IDLE_MS = 1000;

/** At most this often per request, progress is sent (a kernel has 60 000 files). */
const PROGRESS_INTERVAL_MS = 100;

/**
 * The parser threads of a scan run at this nice value, as clangd's background index does: on a
 * machine with as many parsers as cores, the editor's own processes (the extension host, the
 * window) would otherwise wait for a core behind them. The server's thread, which answers the
 * editor and updates after a save, keeps its priority.
 */
const PARSER_NICE = 10;

/**
 * A result replayed from the result cache, answered while the live analysis is built behind
 * it: a warm open shows chains in the time it takes to walk the tree, not to rebuild the graph.
 */
interface Preliminary {
  result: ScanResult;
  /**
   * The whole result, when `result` holds only its likely chains: a whole kernel's possible
   * chains are 8 of its 8.5 MB, and reading them and sending them in pages before the first
   * diagnostics (which show likely chains only) made a warm open wait for them.
   */
  rest?: () => ScanResult | undefined;
  /**
   * Started by the first request that needs it (the host's settle, once it has fetched the
   * chains): building it first starved the host's page requests, which waited behind the
   * build's long synchronous steps for most of a minute.
   */
  build: () => Promise<EditorSession>;
  live?: Promise<EditorSession>;
  controller: AbortController;
}

export class IndexServer {
  private session: EditorSession | undefined;
  private preliminary: Preliminary | undefined;
  /** The chains of the last snapshot sent: what the host shows, what deltas are taken against. */
  private shown: readonly RatedChain[] = [];
  /** The snapshot before the last one: what a host that has not fetched the last one yet holds. */
  private previous: { generation: number; chains: readonly RatedChain[] } | undefined;
  /** The request a background build's progress is sent for (a `settle` waiting for it). */
  private progressTo: number | undefined;
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly running = new Map<number, AbortController>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Done once idle, before preparing for traces: storing a new open's result. */
  private idleWork: (() => void) | undefined;
  /** The live analysis last prepared for updates at an idle moment (prepareAfterBuild). */
  private preparedFor: EditorSession | undefined;

  constructor(private readonly send: (m: FromServer) => void, private readonly env: ServerEnvironment) {}

  /** Takes one message from the host; requests are answered in the order they came. */
  handle(raw: unknown): void {
    const msg = parseToServer(raw);
    if (msg === undefined) {
      this.send({ kind: 'log', level: 'error', message: `ignored a message this server does not understand: ${JSON.stringify(raw)?.slice(0, 200)}` });
      return;
    }
    switch (msg.kind) {
      case 'hello': {
        const ok = msg.protocol === INDEX_PROTOCOL_VERSION;
        this.send({
          kind: 'hello', protocol: INDEX_PROTOCOL_VERSION, version: LOCKPATH_VERSION, ok,
          ...(ok ? {} : { message: `the extension speaks index protocol ${msg.protocol}, this server ${INDEX_PROTOCOL_VERSION}: reinstall the extension` }),
        });
        return;
      }
      case 'cancel':
        this.running.get(msg.id)?.abort();
        return;
      case 'request': {
        const controller = new AbortController();
        this.running.set(msg.id, controller);
        this.queue = this.queue.then(() => this.answer(msg, controller.signal));
        return;
      }
      default: assertNever(msg);
    }
  }

  /** Resolves once every request so far has been answered. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async answer(req: Request, signal: AbortSignal): Promise<void> {
    try {
      signal.throwIfAborted();
      const result = await this.run(req, signal);
      this.send({ kind: 'response', id: req.id, result });
    } catch (e) {
      const cancelled = signal.aborted;
      this.send({ kind: 'error', id: req.id, message: cancelled ? 'cancelled' : (e as Error).message ?? String(e), cancelled });
    } finally {
      this.running.delete(req.id);
      this.whenIdle();
    }
  }

  /**
   * The first idle moment after a live analysis is built: what its first update would pay is
   * paid now (EditorSession.prepareUpdates), so that the first save is not the slowest.
   */
  private prepareAfterBuild(): void {
    const session = this.session;
    if (session === undefined || this.preliminary !== undefined || this.preparedFor === session) return;
    this.preparedFor = session;
    const started = performance.now();
    try {
      session.prepareUpdates();
    } catch (e) {
      // Only a head start: the first update does the same work, and says what fails.
      this.send({ kind: 'log', level: 'warn', message: `preparing for updates failed: ${(e as Error).message}` });
      return;
    }
    this.send({ kind: 'log', level: 'info', message: `ready for updates: prepared in ${Math.round(performance.now() - started)} ms` });
  }

  /** Prepares for trace requests once no request has come for IDLE_MS and none is running. */
  private whenIdle(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.running.size > 0) return;
      const work = this.idleWork;
      this.idleWork = undefined;
      work?.();
      if (this.preliminary === undefined) this.session?.prepareTraces();
      this.prepareAfterBuild();
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  private async run(req: Request, signal: AbortSignal): Promise<IndexMethods[IndexMethod]['result']> {
    switch (req.method) {
      case 'open': return this.open(req.id, req.params, signal);
      case 'settle': return this.settle(req.id, signal);
      case 'complete': return this.complete();
      case 'update': {
        const { files, unsaved } = checkedUpdate(req.params);
        const session = await this.live();
        const before = session.result.chains;
        const update = session.update(files, unsaved);
        // The session says what changed since its last result: when the host was shown that one, no second comparison.
        const delta = this.shown === before ? update.delta : chainDelta(this.shown, session.result.chains);
        return {
          snapshot: this.snapshot(), delta, durationMs: update.durationMs, cpuMs: update.cpuMs,
          files: update.files.map((f) => ({ file: f.file, kind: f.outcome.kind, ...(f.outcome.reason !== undefined ? { reason: f.outcome.reason } : {}) })),
        };
      }
      case 'chains': {
        const { generation, offset, count } = req.params;
        if (generation !== this.generation) throw new Error(`chains of snapshot ${generation} asked, the current one is ${this.generation}`);
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset < 0 || count < 1) throw new Error('chains: offset and count must be whole numbers');
        return this.current().chains.slice(offset, offset + count);
      }
      case 'chainChanges': {
        const { generation, since } = req.params;
        if (generation !== this.generation) throw new Error(`chains of snapshot ${generation} asked, the current one is ${this.generation}`);
        if (this.previous?.generation !== since) return { kind: 'refetch', reason: `snapshot ${since} is no longer kept` };
        const changes = chainChanges(this.previous.chains, this.current().chains);
        if (changes.changed.length > MAX_CHANGED_CHAINS) return { kind: 'refetch', reason: `${changes.changed.length} chains changed` };
        return { kind: 'changes', ...changes };
      }
      case 'functionAt': return (await this.live()).functionAt(req.params.file, req.params.line) ?? null;
      case 'callers': return (await this.live()).callers(req.params.key);
      case 'callees': return (await this.live()).callees(req.params.key);
      case 'export': {
        const result = this.current();
        return req.params.format === 'sarif' ? renderSarif(result) : renderJson(result);
      }
      case 'traceView': return this.traceView(req.params.files, signal);
      case 'definitions': {
        const { name } = req.params;
        if (typeof name !== 'string') throw new Error('definitions: name must be a string');
        return (await this.live()).definitionsOfPrinted(name);
      }
      default: return assertNever(req);
    }
  }

  private async traceView(files: unknown, signal: AbortSignal): Promise<IndexMethods['traceView']['result']> {
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string')) throw new Error('traceView: files must be a non-empty list of paths');
    const session = await this.live();
    const started = performance.now();
    const logs = [];
    for (const file of files as string[]) {
      try {
        logs.push(await parseLogFile(file, { signal }));
      } catch (e) {
        if (signal.aborted) throw e;
        throw new Error(`cannot read ${file}: ${(e as Error).message}`);
      }
    }
    return { ...session.traceView(logs), durationMs: performance.now() - started };
  }

  private async open(id: number, params: IndexMethods['open']['params'], signal: AbortSignal): Promise<SnapshotHead> {
    const options: AnalysisOptions = {
      root: params.root, rules: rulesFromFiles(params.ruleFiles), include: params.include,
      ...(params.exclude !== undefined ? { exclude: params.exclude } : {}),
      ...(typeof params.arch === 'string' ? { arch: params.arch } : {}),
      wasm: this.env.wasm, cacheDir: params.cacheDir, jobs: params.jobs, maxFileBytes: DEFAULT_MAX_FILE_BYTES, pointers: params.pointers,
      parserNice: PARSER_NICE,
      ...(this.env.workerScript !== undefined ? { workerScript: this.env.workerScript } : {}),
    };
    const last = new Map<ProgressPhase, number>();
    const progress = (to: () => number | undefined) => (phase: ProgressPhase, done: number, total: number): void => {
      const now = performance.now();
      const target = to();
      if (target === undefined || (done < total && now - (last.get(phase) ?? -Infinity) < PROGRESS_INTERVAL_MS)) return;
      last.set(phase, now);
      this.send({ kind: 'progress', id: target, phase, done, total });
    };
    this.dropPreliminary();
    progress(() => id)('walk', 0, 0);
    const prepared = await prepareScan(options, signal);
    const cached = cachedResultOf({ ...options, shown: 'likely' }, prepared);
    if (cached !== undefined) {
      const controller = new AbortController();
      const partial = (cached.result.stats.possibleChains ?? 0) > 0;
      let whole = partial ? undefined : cached.result;
      const rest = (): ScanResult | undefined => (whole ??= readCachedResult(options, cached.key));
      const build = (): Promise<EditorSession> => {
        const live = EditorSession.open(options, controller.signal, progress(() => this.progressTo));
        // Whoever needs the live analysis waits for it and sees its failure; none may go unhandled.
        live.catch(() => undefined);
        void live.then((session) => this.remember(options, prepared, session, rest()), () => undefined);
        return live;
      };
      this.preliminary = { result: { ...cached.result, root: prepared.root }, build, controller, ...(partial ? { rest } : {}) };
      return this.snapshot();
    }
    const session = await EditorSession.open(options, signal, progress(() => id));
    // The old tree goes only once the new one opened: a cancelled rescan keeps what was there.
    this.session?.dispose();
    this.session = session;
    // Once idle: the host fetches and shows the chains first.
    this.idleWork = () => this.remember(options, prepared, session);
    return this.snapshot();
  }

  /** Stops a build running behind a preliminary result (a newer open, the end): its analysis, if it was built all the same, goes. */
  private dropPreliminary(): void {
    const pending = this.preliminary;
    if (pending === undefined) return;
    this.preliminary = undefined;
    pending.controller.abort();
    void pending.live?.then((session) => session.dispose(), () => undefined);
  }

  /**
   * Keeps the live analysis's result for the next open to show at once, unless the result cache
   * already holds it. The key is the tree as walked before the facts were read, its contents
   * vouched for by the manifest the open wrote.
   */
  private remember(options: AnalysisOptions, prepared: PreparedScan, session: EditorSession, cached?: ScanResult): void {
    if (options.cacheDir === undefined || (cached !== undefined && sameChains(cached.chains, session.result.chains))) return;
    const key = manifestResultKey(options, prepared, readManifest(options.cacheDir, prepared.root).manifest);
    if (key !== undefined) rememberResult(options.cacheDir, key, session.result);
  }

  /**
   * The whole preliminary result, when open answered with its likely chains only: a new
   * snapshot. The same snapshot when there is nothing more (the live analysis answers already,
   * or the rest of the result could not be read: settle brings the live chains then).
   */
  private complete(): SnapshotHead {
    const pending = this.preliminary;
    const whole = pending?.rest?.();
    if (pending === undefined || pending.rest === undefined || whole === undefined) return this.snapshot(false);
    pending.result = { ...whole, root: pending.result.root };
    delete pending.rest;
    return this.snapshot();
  }

  /** Waits for the live analysis behind a preliminary result; says whether its chains differ. */
  private async settle(id: number, signal: AbortSignal): Promise<SettleResult> {
    const started = performance.now();
    if (this.preliminary === undefined) {
      this.opened();
      return { snapshot: this.snapshot(false), delta: chainDelta(this.shown, this.shown), sameChains: true, durationMs: 0 };
    }
    this.progressTo = id;
    // Cancelling the wait stops the build: the host cancelled the indexing it is part of.
    const pending = this.preliminary;
    const stop = (): void => {
      if (this.preliminary === pending) this.dropPreliminary();
    };
    signal.addEventListener('abort', stop, { once: true });
    try {
      const before = this.shown;
      const session = await this.live();
      const same = sameChains(before, session.result.chains);
      return { snapshot: this.snapshot(), delta: chainDelta(before, session.result.chains), sameChains: same, durationMs: performance.now() - started };
    } finally {
      signal.removeEventListener('abort', stop);
      this.progressTo = undefined;
    }
  }

  /** The live analysis, once built behind a preliminary result if there is one. */
  private async live(): Promise<EditorSession> {
    const pending = this.preliminary;
    if (pending !== undefined) {
      let session: EditorSession;
      try {
        pending.live ??= pending.build();
        session = await pending.live;
      } catch (e) {
        if (this.preliminary === pending) this.preliminary = undefined;
        throw new Error(`the live analysis could not be built: ${(e as Error).message}`);
      }
      if (this.preliminary === pending) {
        this.preliminary = undefined;
        this.session?.dispose();
        this.session = session;
      }
    }
    return this.opened();
  }

  private opened(): EditorSession {
    if (this.session === undefined) throw new Error('no tree is open yet: scan the workspace first');
    return this.session;
  }

  /** The result the host is shown: the preliminary one until the live analysis is built. */
  private current(): ScanResult {
    return this.preliminary?.result ?? this.opened().result;
  }

  /** The current result's head; a new generation unless `next` is false (nothing changed). */
  private snapshot(next = true): SnapshotHead {
    const r = this.current();
    if (next) {
      this.previous = { generation: this.generation, chains: this.shown };
      this.generation++;
    }
    this.shown = r.chains;
    return {
      generation: this.generation, root: r.root, chainCount: r.chains.length, stats: r.stats, notAnalysed: r.notAnalysed, skippedFiles: r.skipped.length,
      ...(this.preliminary !== undefined ? { preliminary: true } : {}),
      ...(this.preliminary?.rest !== undefined ? { partial: true } : {}),
    };
  }

  dispose(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    for (const c of this.running.values()) c.abort();
    this.dropPreliminary();
    this.session?.dispose();
    this.session = undefined;
  }
}

/** The update's parameters, or an error naming what is wrong with them. */
function checkedUpdate(params: IndexMethods['update']['params']): { files: string[]; unsaved: UnsavedText[] } {
  const { files, unsaved } = params as { files: unknown; unsaved?: unknown };
  if (!Array.isArray(files) || !files.every((f) => typeof f === 'string')) throw new Error('update: files must be a list of paths');
  if (unsaved === undefined) return { files, unsaved: [] };
  const isBuffer = (u: unknown): u is UnsavedText =>
    typeof u === 'object' && u !== null && typeof (u as UnsavedText).file === 'string' && typeof (u as UnsavedText).text === 'string';
  if (!Array.isArray(unsaved) || !unsaved.every(isBuffer)) throw new Error('update: unsaved must be a list of { file, text }');
  return { files, unsaved };
}

/** The same chains in the same order, every field alike (a replayed result against the live one). */
function sameChains(a: readonly RatedChain[], b: readonly RatedChain[]): boolean {
  return a.length === b.length && a.every((c, i) => sameChain(c, b[i]!));
}

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}
