// The index of the open kernel tree, as the editor sees it: starts the index server, scans with
// a cancellable progress notification, brings the index up to date on saves, on files changed on
// disk (a checkout) and on pauses in typing (the unsaved text), and publishes each new set of
// chains to the views.
import { availableParallelism } from 'node:os';
import { join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { RatedChain } from '../core/editor/editorModel';
import { CHAIN_PAGE_SIZE, type ChainsSnapshot, type IndexMethod, type IndexMethods, type SnapshotHead, type UnsavedText } from '../protocol/indexProtocol';
import { signalOf } from './cancellation';
import { IndexClient, IndexRequestError, type RequestOptions } from './indexClient';
import type { OutputLog } from './outputLog';
import type { Settings } from './settingDefaults';

export type IndexState =
  | { kind: 'idle'; message: string }
  | { kind: 'indexing'; message: string }
  | { kind: 'ready'; snapshot: ChainsSnapshot }
  | { kind: 'error'; message: string };

/** C sources and headers: the files whose saves change the analysis. */
const SOURCE_GLOB = '**/*.{c,h}';
/**
 * Saves and disk changes within this window are sent as one update (a checkout touches
 * thousands, in bursts); short, as it is part of every save's time to updated diagnostics.
 */
const BATCH_MS = 50;
/**
 * A save goes out on the next turn: it is one event (Save All brings its saves together), and
 * waiting out the batch window was a quarter of a save's time to updated diagnostics. Disk
 * changes noted meanwhile go with it, or in the update after.
 */
const SAVE_BATCH_MS = 0;

export class WorkspaceIndex implements vscode.Disposable {
  private client: IndexClient | undefined;
  private folder: vscode.WorkspaceFolder | undefined;
  private scanning: vscode.CancellationTokenSource | undefined;
  private current: IndexState = { kind: 'idle', message: 'not scanned yet' };
  private readonly changed = new Set<string>();
  /** When the first change of the pending batch was noted (performance.now()). */
  private changedSince: number | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  /** Files whose unsaved text the server holds: closing or reverting them goes back to the disk. */
  private readonly sentUnsaved = new Set<string>();
  /** From a scan's start until its first chains are shown: no update can go to the server meanwhile. */
  private opening = false;
  /** The live analysis being built behind chains from the result cache: updates wait for it. */
  private settling: Promise<void> | undefined;
  /** One update at a time: changes made meanwhile go in the next one, with the latest text. */
  private updating: Promise<void> | undefined;
  private disposed = false;
  private readonly stateEmitter = new vscode.EventEmitter<IndexState>();
  private readonly disposables: vscode.Disposable[] = [this.stateEmitter];
  /** Fires on every state change; a `ready` state carries the new chains. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    private readonly serverScript: string,
    private readonly cacheDir: string | undefined,
    private readonly settings: () => Settings,
    private readonly log: OutputLog,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(SOURCE_GLOB);
    const onDisk = (uri: vscode.Uri): void => this.noteChanged(uri);
    this.disposables.push(
      watcher, watcher.onDidChange(onDisk), watcher.onDidCreate(onDisk), watcher.onDidDelete(onDisk),
      vscode.workspace.onDidSaveTextDocument((d) => this.noteChanged(d.uri, SAVE_BATCH_MS)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // A revert (or an undo back to the saved text) leaves the document clean: the disk counts.
        if (!this.settings().updateOnType) return;
        if (!e.document.isDirty) this.noteChanged(e.document.uri);
        else if (e.contentChanges.length > 0) this.noteChanged(e.document.uri, this.settings().updateOnTypeDelayMs);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const rel = this.relativePath(d.uri);
        if (rel !== undefined && this.sentUnsaved.has(rel)) this.noteChanged(d.uri);
      }),
    );
  }

  get state(): IndexState {
    return this.current;
  }

  get snapshot(): ChainsSnapshot | undefined {
    return this.current.kind === 'ready' ? this.current.snapshot : this.lastSnapshot;
  }

  private lastSnapshot: ChainsSnapshot | undefined;

  /** The tree's root, once a scan has started. */
  get root(): vscode.Uri | undefined {
    return this.folder?.uri;
  }

  /** A path relative to the tree's root, or undefined when the file lies outside it. */
  relativePath(uri: vscode.Uri): string | undefined {
    if (this.folder === undefined || uri.scheme !== 'file') return undefined;
    const rel = relative(this.folder.uri.fsPath, uri.fsPath);
    return rel === '' || rel.startsWith('..') ? undefined : rel.split(sep).join('/');
  }

  uriOf(file: string): vscode.Uri {
    const root = this.snapshot?.root ?? this.folder?.uri.fsPath ?? '';
    return vscode.Uri.file(join(root, file));
  }

  /** Scans the folder from scratch (the fact cache makes a rescan of an unchanged tree quick). */
  async scan(folder: vscode.WorkspaceFolder): Promise<void> {
    this.scanning?.cancel();
    const source = new vscode.CancellationTokenSource();
    this.scanning = source;
    this.folder = folder;
    const s = this.settings();
    this.setState({ kind: 'indexing', message: 'starting' });
    this.opening = true;
    const started = performance.now();
    this.log.info(`scan ${folder.uri.fsPath}`);
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Lockpath: indexing', cancellable: true },
      async (progress, token) => {
        const cancel = token.onCancellationRequested(() => source.cancel());
        const { signal, dispose } = signalOf(source.token);
        let reported = 0;
        try {
          const head = await this.request('open', {
            root: folder.uri.fsPath, include: s.include, ...(s.exclude !== undefined ? { exclude: s.exclude } : {}), arch: s.arch,
            ruleFiles: s.ruleFiles.map((f) => (f.startsWith('/') ? f : join(folder.uri.fsPath, f))),
            ...(this.cacheDir !== undefined ? { cacheDir: this.cacheDir } : {}),
            jobs: s.workerCount > 0 ? s.workerCount : availableParallelism(), pointers: s.pointers,
          }, signal, (phase, done, total) => {
            const message = total > 0 ? `${phase} ${done}/${total} files` : phase;
            // Only the parse phase has a measurable total; it is most of the time.
            const pct = phase === 'parse' && total > 0 ? Math.floor((done / total) * 90) : reported;
            progress.report({ message, increment: Math.max(0, pct - reported) });
            reported = Math.max(reported, pct);
            this.setState({ kind: 'indexing', message: total > 0 ? `${Math.floor((done / total) * 100)}%` : phase });
          });
          let snapshot = await this.withChains(head, signal);
          this.log.info(`scan done in ${Math.round(performance.now() - started)} ms${head.preliminary === true ? ' (from the result cache)' : ''}: `
            + `${snapshot.chains.length} chains${head.partial === true ? ` (the likely ones; ${snapshot.stats.possibleChains ?? 0} possible to follow)` : ''}, `
            + `${snapshot.stats.files} files (${snapshot.stats.cachedFiles} from cache), ${snapshot.skippedFiles} skipped`);
          for (const n of snapshot.notAnalysed) this.log.info(`not analysed: ${n.what} (${n.count}): ${n.reason}`);
          this.publish(snapshot);
          if (head.partial === true) {
            // Diagnostics show the likely chains: they went first. The views list every chain.
            const whole = await this.request('complete', {}, signal);
            if (whole.generation !== snapshot.generation) {
              snapshot = await this.withChains(whole, signal, snapshot);
              this.log.info(`all ${snapshot.chains.length} chains shown ${Math.round(performance.now() - started)} ms after the scan started`);
              this.publish(snapshot);
            }
          }
          this.opening = false;
          if (head.preliminary === true) {
            // Saves wait for the live analysis (see update()): the server applies them to it, in order.
            const settling = this.settle(snapshot, signal, (message) => progress.report({ message }));
            this.settling = settling;
            await settling.finally(() => {
              if (this.settling === settling) this.settling = undefined;
            });
          }
        } catch (e) {
          if (e instanceof IndexRequestError && e.cancelled) {
            this.log.info('scan cancelled');
            this.setState(this.lastSnapshot !== undefined ? { kind: 'ready', snapshot: this.lastSnapshot } : { kind: 'idle', message: 'scan cancelled' });
          } else {
            const message = (e as Error).message;
            this.log.error(`scan failed: ${message}`);
            this.setState({ kind: 'error', message });
            void vscode.window.showErrorMessage(`Lockpath: the scan failed: ${message}`, 'Show Output').then((pick) => {
              if (pick !== undefined) this.log.show();
            });
          }
        } finally {
          dispose();
          cancel.dispose();
          if (this.scanning === source) {
            this.scanning = undefined;
            this.opening = false;
          }
          source.dispose();
        }
      },
    );
  }

  /**
   * Files changed on disk (saved, created, deleted, checked out) and unsaved buffers: one update
   * for all of them.
   */
  async update(files: readonly string[], unsaved: readonly UnsavedText[] = [], notedAt?: number): Promise<void> {
    await this.settling?.catch(() => undefined);
    if (files.length + unsaved.length === 0 || this.lastSnapshot === undefined || this.opening) return;
    for (const f of files) this.sentUnsaved.delete(f);
    for (const u of unsaved) this.sentUnsaved.add(u.file);
    try {
      const result = await this.request('update', { files: [...files], ...(unsaved.length > 0 ? { unsaved: [...unsaved] } : {}) });
      // Nothing changed (the watcher's echo of a save, a buffer as saved): the chains stand.
      const same = result.files.every((f) => f.kind === 'unchanged') && this.lastSnapshot !== undefined;
      const snapshot = same ? { ...withoutCount(result.snapshot), chains: this.lastSnapshot!.chains } : await this.withChains(result.snapshot, undefined, this.lastSnapshot);
      const changes = result.files.filter((f) => f.kind !== 'unchanged');
      this.log.info(`update of ${files.length} file(s)${unsaved.length > 0 ? ` and ${unsaved.length} unsaved buffer(s)` : ''} in ${Math.round(result.durationMs)} ms${result.cpuMs !== undefined ? ` (CPU ${Math.round(result.cpuMs)} ms)` : ''}: `
        + `+${result.delta.added.length} -${result.delta.removed.length} chains`
        + `${changes.length > 0 ? ` (${changes.map((f) => `${f.file}: ${f.kind}${f.reason ? `, ${f.reason}` : ''}`).join('; ')})` : ''}`
        + `${notedAt !== undefined ? `; ${Math.round(performance.now() - notedAt)} ms after the change was noted` : ''}`);
      this.publish(snapshot);
    } catch (e) {
      this.log.error(`update failed: ${(e as Error).message}`);
    }
  }

  /**
   * Waits for the live analysis behind chains shown from the result cache, and shows its chains
   * if they differ (they do only when the cache's result was made by another build of the rules):
   * the diagnostics stay as they are meanwhile, and are not redrawn when nothing changed.
   */
  private async settle(shown: ChainsSnapshot, signal: AbortSignal, report: (message: string) => void): Promise<void> {
    report('chains from the result cache shown; building the live index');
    const settled = await this.request('settle', {}, signal, (phase, done, total) => report(`live index: ${phase}${total > 0 ? ` ${done}/${total} files` : ''}`));
    const snapshot = settled.sameChains ? { ...withoutCount(settled.snapshot), chains: shown.chains } : await this.withChains(settled.snapshot, signal, shown);
    this.log.info(`live index ready in ${Math.round(settled.durationMs)} ms: `
      + `${settled.sameChains ? 'the same chains' : `+${settled.delta.added.length} -${settled.delta.removed.length} chains`}`);
    if (!settled.sameChains) {
      this.publish(snapshot);
      return;
    }
    // Not fired: the views would only redraw what they show.
    this.lastSnapshot = snapshot;
    if (this.current.kind === 'ready') this.current = { kind: 'ready', snapshot };
  }

  /** A question for the index; undefined until a tree is open or when it fails (logged). */
  async ask<M extends Exclude<IndexMethod, 'open' | 'update'>>(method: M, params: IndexMethods[M]['params'], token?: vscode.CancellationToken): Promise<IndexMethods[M]['result'] | undefined> {
    if (this.lastSnapshot === undefined) return undefined;
    const cancel = token === undefined ? undefined : signalOf(token);
    try {
      return await this.request(method, params, cancel?.signal);
    } catch (e) {
      if (!(e instanceof IndexRequestError && e.cancelled)) this.log.error(`${method} failed: ${(e as Error).message}`);
      return undefined;
    } finally {
      cancel?.dispose();
    }
  }

  /**
   * The snapshot's chains: as changes to `held` (the snapshot the host shows) when the server
   * still has that one and few changed, else page by page, each page read in a turn of its own.
   */
  private async withChains(head: SnapshotHead, signal?: AbortSignal, held?: ChainsSnapshot): Promise<ChainsSnapshot> {
    if (held !== undefined) {
      const changes = await this.request('chainChanges', { generation: head.generation, since: held.generation }, signal);
      const chains = changes.kind === 'changes' ? appliedChanges(held.chains, changes.ids, changes.changed) : undefined;
      if (chains !== undefined) return { ...withoutCount(head), chains };
      this.log.info(`all chains fetched again: ${changes.kind === 'refetch' ? changes.reason : 'the changes named a chain neither held nor sent'}`);
    }
    // Every page asked at once: the server answers them in order, one message each (a page is
    // what the host parses without a long stall), with no round trip waited for between them
    // (44 pages on a whole kernel).
    const offsets = Array.from({ length: Math.ceil(head.chainCount / CHAIN_PAGE_SIZE) }, (_, i) => i * CHAIN_PAGE_SIZE);
    const pages = await Promise.all(offsets.map((offset) => this.request('chains', { generation: head.generation, offset, count: CHAIN_PAGE_SIZE }, signal)));
    const chains: ChainsSnapshot['chains'] = pages.flat();
    if (chains.length !== head.chainCount) throw new Error(`the index server sent ${chains.length} of ${head.chainCount} chains`);
    return { ...withoutCount(head), chains };
  }

  private async request<M extends IndexMethod>(
    method: M, params: IndexMethods[M]['params'], signal?: AbortSignal, onProgress?: RequestOptions['onProgress'],
  ): Promise<IndexMethods[M]['result']> {
    const client = await this.started();
    return client.request(method, params, { ...(signal ? { signal } : {}), ...(onProgress ? { onProgress } : {}) });
  }

  private async started(): Promise<IndexClient> {
    if (this.client === undefined) {
      const client = IndexClient.start({ script: this.serverScript, maxOldSpaceMb: this.settings().serverMemoryMb }, (level, m) => this.log[level](m));
      this.client = client;
      this.log.info(`index server started (pid ${client.pid})`);
      client.ready.catch((e: Error) => {
        // A server that died is started again on the next request; its chains are kept until then.
        if (this.client === client) this.client = undefined;
        this.log.error(e.message);
      });
    }
    await this.client.ready;
    return this.client;
  }

  private noteChanged(uri: vscode.Uri, delayMs = BATCH_MS): void {
    const rel = this.relativePath(uri);
    if (rel === undefined || !/\.[ch]$/.test(rel)) return;
    this.changed.add(rel);
    this.changedSince ??= performance.now();
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.batchTimer = setTimeout(() => {
      this.batchTimer = undefined;
      this.flush();
    }, delayMs);
  }

  /**
   * Sends the changed files: a file open with unsaved changes as its text (when updates on
   * typing are on), any other as the content on disk. Taken when sent, so the text is the latest.
   */
  private flush(): void {
    if (this.updating !== undefined || this.disposed) return;
    const files: string[] = [];
    const unsaved: UnsavedText[] = [];
    const typing = this.settings().updateOnType;
    const open = new Map(vscode.workspace.textDocuments.map((d) => [this.relativePath(d.uri), d]));
    for (const rel of this.changed) {
      const doc = open.get(rel);
      if (typing && doc !== undefined && doc.isDirty && !doc.isClosed) unsaved.push({ file: rel, text: doc.getText() });
      else files.push(rel);
    }
    this.changed.clear();
    const notedAt = this.changedSince;
    this.changedSince = undefined;
    const updating = this.update(files, unsaved, notedAt);
    this.updating = updating;
    void updating.finally(() => {
      this.updating = undefined;
      if (this.changed.size > 0 && this.batchTimer === undefined) this.flush();
    });
  }

  private publish(snapshot: ChainsSnapshot): void {
    this.lastSnapshot = snapshot;
    // The views rebuild in the extension host's event loop: a stall if a whole tree's chains are slow to show.
    const started = performance.now();
    this.setState({ kind: 'ready', snapshot });
    this.log.info(`${snapshot.chains.length} chains shown in the views in ${Math.round(performance.now() - started)} ms`);
  }

  private setState(state: IndexState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  dispose(): void {
    this.disposed = true;
    this.scanning?.cancel();
    if (this.batchTimer !== undefined) clearTimeout(this.batchTimer);
    this.client?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** The chains `ids` names, in its order: the changed ones as sent, the others as held; undefined if one is neither. */
function appliedChanges(held: readonly RatedChain[], ids: readonly string[], changed: readonly RatedChain[]): RatedChain[] | undefined {
  const byId = new Map(held.map((c) => [c.id, c]));
  for (const c of changed) byId.set(c.id, c);
  const chains: RatedChain[] = [];
  for (const id of ids) {
    const chain = byId.get(id);
    if (chain === undefined) return undefined;
    chains.push(chain);
  }
  return chains;
}

function withoutCount(head: SnapshotHead): Omit<SnapshotHead, 'chainCount'> {
  const { chainCount: _, ...rest } = head;
  return rest;
}
