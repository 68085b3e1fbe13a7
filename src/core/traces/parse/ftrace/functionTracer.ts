// Stage 3 for the `function` tracer and `trace-cmd report`: `func <-parent` lines give observed
// edges, `<stack trace>` blocks give whole stacks (innermost first; the first ` => ` of each is
// the ftrace trampoline address), events update the per-task held locks. A permission hook hit
// while the task holds freeze protection becomes FreezeHeld evidence; its path is the stack trace
// printed right after it when there is one, else `[parent, hook]`.

import type { Frame, StackTrace, TraceEvent } from '../../../model/trace';
import type { LineContext } from './lineTokenizer';
import { parseLockEvent, tokenizeFtraceLine } from './lineTokenizer';
import { tokenizeGraphRange } from './graphLineTokenizer';
import type { FunctionGraphInterpreter } from './functionGraph';
import type { TraceCollector } from '../traceCollector';
import { isPermissionSink } from '../freezeEvidence';
import { isAddressOnly, normalizeFunction } from '../symbols';
import { ownString } from '../ownString';
import { charCodes } from '../lineReader';

interface PendingSink {
  task: string;
  cls: string;
  sink: string;
  parent: string | null;
  line: number;
}

interface OpenStack {
  trace: StackTrace;
  user: boolean;
}

export class FunctionTracerInterpreter {
  private stack: OpenStack | null = null;
  private pending: PendingSink | null = null;

  constructor(
    private readonly out: TraceCollector,
    /** trace-cmd can record function_graph as funcgraph_entry/exit events: fed to this one. */
    private readonly graph: FunctionGraphInterpreter | null = null,
  ) {}

  line(lineNo: number, text: string): void {
    const tok = tokenizeFtraceLine(text);
    if (tok.kind === 'stackFrame') {
      if (!this.stack) {
        this.out.fail(lineNo, 'stack frame " => ..." without a preceding <stack trace> line', text);
        return;
      }
      // Not copied here: the collector copies the traces it keeps.
      this.stack.trace.frames.push(tok.frame);
      return;
    }
    this.closeStack();
    switch (tok.kind) {
      case 'comment':
      case 'meta':
        return;
      case 'unparsed':
        this.out.fail(lineNo, tok.reason, text);
        return;
      case 'stackStart':
        this.stack = {
          trace: { line: lineNo, task: tok.ctx.task, cpu: tok.ctx.cpu, timestamp: tok.ctx.timestamp, frames: [] },
          user: tok.user,
        };
        return;
      case 'call':
        this.call(lineNo, tok.ctx, tok.function, tok.parent);
        return;
      case 'event':
        this.event(lineNo, tok.ctx, tok.name, tok.args, text);
        return;
    }
  }

  finish(): void {
    this.closeStack();
    this.flushPending();
  }

  private call(lineNo: number, ctx: LineContext, fn: string, parent: string | null): void {
    this.flushPending();
    if (parent !== null) this.out.edges.add(parent, fn);
    if (!isPermissionSink(fn)) return;
    const cls = this.out.held.freezeHeld(ctx.task);
    if (cls === null) return;
    this.pending = { task: ownString(ctx.task), cls: ownString(cls), sink: ownString(normalizeFunction(fn)), parent: parent === null ? null : ownString(parent), line: lineNo };
  }

  private event(lineNo: number, ctx: LineContext, name: string, args: string, text: string): void {
    if (this.graph && (name === 'funcgraph_entry' || name === 'funcgraph_exit')) {
      const raw = text.slice(text.indexOf(`${name}:`) + name.length + 1);
      const tok = tokenizeGraphRange(raw, charCodes(raw), 0, raw.length, this.graph.names);
      if (tok.kind !== 'line') {
        this.out.fail(lineNo, `${name} event without a function_graph body`, text);
        return;
      }
      this.graph.apply(lineNo, { ...tok.columns, task: ctx.task, cpu: ctx.cpu, timestamp: ctx.timestamp }, tok.body);
      return;
    }
    const ev: TraceEvent = { line: lineNo, task: ctx.task, cpu: ctx.cpu, timestamp: ctx.timestamp, name, args };
    const lock = parseLockEvent(name, args);
    if (lock) {
      ev.lock = lock;
      this.out.held.apply(ctx.task, lock);
    }
    this.out.event(ev);
  }

  private closeStack(): void {
    const open = this.stack;
    if (!open) return;
    this.stack = null;
    this.out.stackTrace(open.trace);
    if (open.user) return;
    this.out.edges.addStack(open.trace.frames);
    const p = this.pending;
    if (!p || p.task !== open.trace.task) return;
    const names = symbolFrames(open.trace.frames);
    // The stack printed right after a hook hit is the hook's own stack when it starts with it.
    if (names[0] === p.sink) {
      this.out.freeze.record(p.task, p.cls, p.sink, names.reverse(), 'lock-events', p.line);
      this.pending = null;
    }
  }

  private flushPending(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    const path = p.parent !== null ? [normalizeFunction(p.parent), p.sink] : [p.sink];
    this.out.freeze.record(p.task, p.cls, p.sink, path, 'lock-events', p.line);
  }
}

function symbolFrames(frames: readonly Frame[]): string[] {
  return frames.filter((f) => !isAddressOnly(f.function)).map((f) => normalizeFunction(f.function));
}
