// The loaded trace: which log files are laid over the index, and what the index server answered
// for them. Loading asks the server (which holds the index) to parse the logs and join them to
// its graph: no rescan. After the index changes (a save, a rescan) the same logs are asked again.
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { IndexMethods } from '../protocol/indexProtocol';
import type { OutputLog } from './outputLog';
import { overlayLinesByFile, type OverlayLine } from './traceEvidence';
import type { WorkspaceIndex } from './workspaceIndex';

export type LoadedTrace = IndexMethods['traceView']['result'];

/** Context key: an overlay is loaded (enables "Clear Trace Overlay"). */
const LOADED_CONTEXT = 'lockpath.overlayLoaded';

export class TraceOverlay implements vscode.Disposable {
  private files: string[] = [];
  private loaded: LoadedTrace | undefined;
  private lines = new Map<string, OverlayLine[]>();
  private generation: number | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  /** Fires when a trace is loaded, refreshed or cleared. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly index: WorkspaceIndex, private readonly log: OutputLog) {
    this.subscription = index.onDidChangeState((state) => {
      if (state.kind === 'ready' && this.files.length > 0 && state.snapshot.generation !== this.generation) void this.refresh();
    });
  }

  get current(): LoadedTrace | undefined {
    return this.loaded;
  }

  /** Names of the loaded logs, for titles. */
  get sources(): string[] {
    return this.files.map((f) => basename(f));
  }

  /** Annotated lines of a file relative to the tree's root. */
  linesOf(file: string): readonly OverlayLine[] {
    return this.lines.get(file) ?? [];
  }

  /** Lays the logs over the index; says what it found, or why it could not. */
  async load(files: readonly vscode.Uri[]): Promise<void> {
    if (this.index.snapshot === undefined) {
      void vscode.window.showInformationMessage('Lockpath: scan the workspace before loading a trace: the overlay joins the log to the index.');
      return;
    }
    const paths = files.filter((f) => f.scheme === 'file').map((f) => f.fsPath);
    if (paths.length === 0) return;
    const answer = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'Lockpath: loading trace' },
      () => this.ask(paths),
    );
    if (answer === undefined) {
      void vscode.window.showErrorMessage(`Lockpath: could not load ${paths.map((p) => basename(p)).join(', ')}; the output says why.`, 'Show Output').then((pick) => {
        if (pick !== undefined) this.log.show();
      });
      return;
    }
    this.files = paths;
    this.set(answer);
    const { mapping, chains } = answer;
    void vscode.window.showInformationMessage(`Lockpath: trace loaded: ${mapping.mappedNames} of ${mapping.names} function names found in the tree, `
      + `${chains.length} chain${chains.length === 1 ? '' : 's'} with observed hops.`);
  }

  clear(): void {
    this.files = [];
    this.loaded = undefined;
    this.lines = new Map();
    this.generation = undefined;
    void vscode.commands.executeCommand('setContext', LOADED_CONTEXT, false);
    this.log.info('trace overlay cleared');
    this.emitter.fire();
  }

  private async refresh(): Promise<void> {
    const answer = await this.ask(this.files);
    if (answer !== undefined && this.files.length > 0) this.set(answer);
  }

  private async ask(paths: string[]): Promise<LoadedTrace | undefined> {
    const generation = this.index.snapshot?.generation;
    const started = performance.now();
    const answer = await this.index.ask('traceView', { files: paths });
    if (answer === undefined) return undefined;
    this.generation = generation;
    const m = answer.mapping;
    this.log.info(`trace overlay of ${paths.join(', ')}: ${Math.round(answer.durationMs)} ms in the server, ${Math.round(performance.now() - started)} ms in all; `
      + `${m.mapped}/${m.frames} frames mapped, ${answer.calls.length} call sites, ${answer.chains.length} chains with observed hops, ${answer.extraEdges.length} extra edges`);
    return answer;
  }

  private set(answer: LoadedTrace): void {
    this.loaded = answer;
    this.lines = overlayLinesByFile(answer);
    void vscode.commands.executeCommand('setContext', LOADED_CONTEXT, true);
    this.emitter.fire();
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
