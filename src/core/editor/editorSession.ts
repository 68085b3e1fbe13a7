// One open tree for an editor: the live analysis plus the questions an editor asks of it. Saves
// and checkouts arrive as lists of changed files (paths relative to the root); each update says
// which chains it added and removed, which is what diagnostics need to refresh.
import type { AnalysisOptions, ProgressListener } from '../analyze';
import { LiveAnalysis, type UpdateOutcome } from '../live/liveAnalysis';
import type { ScanResult } from '../model/chain';
import { chainDelta } from './chainQueries';
import type { CallEdge, ChainDelta, FunctionLocation } from './editorModel';
import { calleesOf, callersOf, functionAt, functionByKey } from './graphQueries';
import type { ParsedLog } from '../model/trace';
import { definitionsOfPrinted, traceView, type TraceView } from './traceView';

export interface SessionUpdate {
  /** Per changed file, in the order given. */
  files: { file: string; outcome: UpdateOutcome }[];
  delta: ChainDelta;
  durationMs: number;
  /**
   * CPU time of the whole process meanwhile (garbage collection threads included): against
   * durationMs, how long the update waited for a core (an editor's processes share them).
   */
  cpuMs: number;
}

/** An editor's unsaved buffer of a file (relative to the root). */
export interface UnsavedText {
  file: string;
  text: string;
}

export class EditorSession {
  private constructor(private readonly live: LiveAnalysis) {}

  static async open(options: AnalysisOptions, signal?: AbortSignal, onProgress?: ProgressListener): Promise<EditorSession> {
    return new EditorSession(await LiveAnalysis.open(options, signal, onProgress));
  }

  get result(): ScanResult {
    return this.live.result;
  }

  /**
   * Brings the analysis up to date with the files' contents on disk (one file after a save, many
   * after a checkout; a file that is gone is taken out) and with unsaved buffers, whose text
   * stands for their file until it is given here again as a file on disk. A file given both
   * ways is taken from its buffer.
   */
  update(files: readonly string[], unsaved: readonly UnsavedText[] = []): SessionUpdate {
    const started = performance.now();
    const cpu = process.cpuUsage();
    const before = this.live.result.chains;
    const buffers = new Map(unsaved.map((u) => [u.file, u.text]));
    const outcomes = [...new Set([...buffers.keys(), ...files])].map((file) => ({ file, outcome: this.live.update(file, buffers.get(file)) }));
    const delta = chainDelta(before, this.live.result.chains);
    const used = process.cpuUsage(cpu);
    return { files: outcomes, delta, durationMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
  }

  functionAt(file: string, line: number): FunctionLocation | undefined {
    return functionAt(this.live.graph, file, line);
  }

  functionByKey(key: string): FunctionLocation | undefined {
    return functionByKey(this.live.graph, key);
  }

  callers(key: string): CallEdge[] {
    return callersOf(this.live.graph, key);
  }

  callees(key: string): CallEdge[] {
    return calleesOf(this.live.graph, key);
  }

  /** Parsed logs against the index as it is now: no rescan. */
  traceView(logs: readonly ParsedLog[]): TraceView {
    return traceView(this.live.graph, this.live.result.chains, logs);
  }

  /** Definitions of a function name as a log prints it. */
  definitionsOfPrinted(printed: string): FunctionLocation[] {
    return definitionsOfPrinted(this.live.graph, printed);
  }

  /**
   * Builds now what the next trace request would otherwise build first (for an idle moment): the
   * graph's index of every name, which live edits keep up to date and a rebuilt graph starts without.
   */
  prepareTraces(): void {
    this.live.graph.indexNames();
  }

  /** Pays at an idle moment what the first update after an open would (LiveAnalysis.prepareUpdates). */
  prepareUpdates(): void {
    this.live.prepareUpdates();
  }

  dispose(): void {
    this.live.dispose();
  }
}
