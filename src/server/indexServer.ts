// The index server: holds one EditorSession and answers the host's requests in order, one at a
// time (an update must not run while the tree is being opened). Transport-agnostic: main.ts
// wires it to the parent process, tests call handle() directly.
import { DEFAULT_MAX_FILE_BYTES, LOCKPATH_VERSION, type AnalysisOptions } from '../core/analyze';
import { EditorSession, type UnsavedText } from '../core/editor/editorSession';
import { renderJson } from '../core/report/json';
import { renderSarif } from '../core/report/sarif';
import { parseLogFile } from '../core/traces/parse/parseLog';
import type { WasmPaths } from '../core/parse/treeSitter';
import {
  INDEX_PROTOCOL_VERSION, parseToServer, type FromServer, type SnapshotHead, type IndexMethod, type IndexMethods, type ProgressPhase, type ToServer,
} from '../protocol/indexProtocol';
import { rulesFromFiles } from './serverRules';

/** Where the server's own files are: the wasm files and the parser worker script. */
export interface ServerEnvironment {
  wasm: WasmPaths;
  workerScript?: string;
}

type Request = Extract<ToServer, { kind: 'request' }>;

/** At most this often per request, progress is sent (a kernel has 60 000 files). */
const PROGRESS_INTERVAL_MS = 100;

export class IndexServer {
  private session: EditorSession | undefined;
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly running = new Map<number, AbortController>();

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
    }
  }

  private async run(req: Request, signal: AbortSignal): Promise<IndexMethods[IndexMethod]['result']> {
    switch (req.method) {
      case 'open': return this.open(req.id, req.params, signal);
      case 'update': {
        const { files, unsaved } = checkedUpdate(req.params);
        const update = this.opened().update(files, unsaved);
        return {
          snapshot: this.snapshot(), delta: update.delta, durationMs: update.durationMs,
          files: update.files.map((f) => ({ file: f.file, kind: f.outcome.kind, ...(f.outcome.reason !== undefined ? { reason: f.outcome.reason } : {}) })),
        };
      }
      case 'chains': {
        const { generation, offset, count } = req.params;
        if (generation !== this.generation) throw new Error(`chains of snapshot ${generation} asked, the current one is ${this.generation}`);
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(count) || offset < 0 || count < 1) throw new Error('chains: offset and count must be whole numbers');
        return this.opened().result.chains.slice(offset, offset + count);
      }
      case 'functionAt': return this.opened().functionAt(req.params.file, req.params.line) ?? null;
      case 'callers': return this.opened().callers(req.params.key);
      case 'callees': return this.opened().callees(req.params.key);
      case 'export': {
        const result = this.opened().result;
        return req.params.format === 'sarif' ? renderSarif(result) : renderJson(result);
      }
      case 'traceView': return this.traceView(req.params.files, signal);
      case 'definitions': {
        const { name } = req.params;
        if (typeof name !== 'string') throw new Error('definitions: name must be a string');
        return this.opened().definitionsOfPrinted(name);
      }
      default: return assertNever(req);
    }
  }

  private async traceView(files: unknown, signal: AbortSignal): Promise<IndexMethods['traceView']['result']> {
    if (!Array.isArray(files) || files.length === 0 || !files.every((f) => typeof f === 'string')) throw new Error('traceView: files must be a non-empty list of paths');
    const session = this.opened();
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
      wasm: this.env.wasm, cacheDir: params.cacheDir, jobs: params.jobs, maxFileBytes: DEFAULT_MAX_FILE_BYTES, pointers: params.pointers,
      ...(this.env.workerScript !== undefined ? { workerScript: this.env.workerScript } : {}),
    };
    const last = new Map<ProgressPhase, number>();
    const onProgress = (phase: ProgressPhase, done: number, total: number): void => {
      const now = performance.now();
      if (done < total && now - (last.get(phase) ?? -Infinity) < PROGRESS_INTERVAL_MS) return;
      last.set(phase, now);
      this.send({ kind: 'progress', id, phase, done, total });
    };
    const session = await EditorSession.open(options, signal, onProgress);
    // The old tree goes only once the new one opened: a cancelled rescan keeps what was there.
    this.session?.dispose();
    this.session = session;
    return this.snapshot();
  }

  private opened(): EditorSession {
    if (this.session === undefined) throw new Error('no tree is open yet: scan the workspace first');
    return this.session;
  }

  private snapshot(): SnapshotHead {
    const r = this.opened().result;
    return { generation: ++this.generation, root: r.root, chainCount: r.chains.length, stats: r.stats, notAnalysed: r.notAnalysed, skippedFiles: r.skipped.length };
  }

  dispose(): void {
    for (const c of this.running.values()) c.abort();
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

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}
