// The host's side of the index protocol: forks the server, numbers requests, routes answers and
// progress, turns an AbortSignal into a cancel message. No `vscode` here, so unit tests run
// it against the real server bundle.
import { fork, type ChildProcess } from 'node:child_process';
import { analysisHeapFlags } from '../core/heapFlags';
import {
  INDEX_PROTOCOL_VERSION, parseFromServer, type FromServer, type IndexMethod, type IndexMethods, type ProgressPhase, type ToServer,
} from '../protocol/indexProtocol';

export type ServerLog = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (phase: ProgressPhase, done: number, total: number) => void;
}

/** A request the server refused or could not finish; `cancelled` when the caller stopped it. */
export class IndexRequestError extends Error {
  constructor(message: string, readonly cancelled: boolean) {
    super(message);
  }
}

interface Pending {
  resolve(result: unknown): void;
  reject(e: Error): void;
  onProgress: RequestOptions['onProgress'];
}

export interface ServerLaunch {
  /** dist/indexServer.js */
  script: string;
  /** The server's heap limit: a whole kernel needs about 1.5 GB. */
  maxOldSpaceMb: number;
}

export class IndexClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: string | undefined;
  readonly ready: Promise<void>;

  private constructor(private readonly child: ChildProcess, private readonly log: ServerLog) {
    let hello: (m: Extract<FromServer, { kind: 'hello' }>) => void = () => {};
    let failed: (e: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      hello = (m) => (m.ok ? resolve() : reject(new Error(m.message ?? 'index server refused the protocol')));
      failed = reject;
    });
    child.on('message', (raw) => {
      const m = parseFromServer(raw);
      if (m === undefined) log('error', `ignored a message from the index server: ${JSON.stringify(raw)?.slice(0, 200)}`);
      else if (m.kind === 'hello') hello(m);
      else this.receive(m);
    });
    child.stderr?.on('data', (d: Buffer) => log('warn', `index server: ${d.toString().trimEnd()}`));
    child.on('exit', (code, sig) => {
      this.exited = `the index server stopped (${sig ?? `exit code ${code}`})`;
      failed(new Error(this.exited));
      for (const p of this.pending.values()) p.reject(new IndexRequestError(this.exited, false));
      this.pending.clear();
      log(code === 0 ? 'info' : 'error', this.exited);
    });
    this.post({ kind: 'hello', protocol: INDEX_PROTOCOL_VERSION });
  }

  static start(launch: ServerLaunch, log: ServerLog): IndexClient {
    const child = fork(launch.script, [], {
      execArgv: analysisHeapFlags(launch.maxOldSpaceMb),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    return new IndexClient(child, log);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  request<M extends IndexMethod>(method: M, params: IndexMethods[M]['params'], options: RequestOptions = {}): Promise<IndexMethods[M]['result']> {
    if (this.exited !== undefined) return Promise.reject(new IndexRequestError(this.exited, false));
    const { signal, onProgress } = options;
    if (signal?.aborted === true) return Promise.reject(new IndexRequestError('cancelled', true));
    const id = this.nextId++;
    return new Promise<IndexMethods[M]['result']>((resolve, reject) => {
      const onAbort = (): void => this.post({ kind: 'cancel', id });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r as IndexMethods[M]['result']);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
        onProgress,
      });
      this.post({ kind: 'request', id, method, params } as ToServer);
    });
  }

  private receive(m: Exclude<FromServer, { kind: 'hello' }>): void {
    switch (m.kind) {
      case 'log': this.log(m.level, m.message); return;
      case 'progress': this.pending.get(m.id)?.onProgress?.(m.phase, m.done, m.total); return;
      case 'response': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.resolve(m.result);
        return;
      }
      case 'error': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        p?.reject(new IndexRequestError(m.message, m.cancelled));
        return;
      }
      default: assertNever(m);
    }
  }

  private post(m: ToServer): void {
    if (this.child.connected) this.child.send(m);
  }

  /** Ends the server: closing the channel makes it exit; a kill follows if it does not. */
  dispose(): void {
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill(), 2000);
    timer.unref();
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}
