// Stage 3 for `function_graph`: rebuild one call tree per task from tokenized lines.
// Nesting comes from the printed depth, not only from braces, so that lost events (a missing
// `}` or entry) shorten a branch instead of misplacing everything after it. Lock events
// (`/* lock_acquire: ... sb_writers */`) are tracked per task so that a permission hook entered
// while freeze protection is held yields FreezeHeld evidence with the open call path.

import type { CallNode, CallTree, TraceEvent } from '../../../model/trace';
import type { GraphBody, GraphColumns, GraphNames } from './graphLineTokenizer';
import { tokenizeGraphRange } from './graphLineTokenizer';
import { parseLockEvent } from './lineTokenizer';
import type { TraceCollector } from '../traceCollector';
import { isPermissionHook, isPermissionSink } from '../freezeEvidence';
import { normalizeFunction } from '../symbols';
import { ownString } from '../ownString';
import type { CharCodes } from '../lineReader';
import { charCodes } from '../lineReader';
import { NameTable } from '../nameTable';

interface TaskState {
  task: string;
  open: CallNode[];
  /** Normalized names of `open`, kept in step with it: each name is normalized once. */
  openNames: (string | null)[];
  roots: CallNode[];
  /** Roots printed at depth > 0 whose caller was not captured, not yet adopted by a `}`. */
  orphans: CallNode[];
  irq: number;
  /** A hook caller (rw_verify_area) entered with freeze held: evidence unless a hook shows inside. */
  pendingSink: { node: CallNode; cls: string; path: string[] } | null;
}

const MAX_ORPHANS = 1_000;
/** Distinct functions whose FunctionInfo is remembered (a kernel has about 60,000 traceable). */
const MAX_FUNCTION_INFO = 100_000;

interface FunctionInfo {
  /** As edges are counted (EdgeCounter.normalize), null for an address. */
  normalized: string | null;
  /** isPermissionSink(). */
  sink: boolean;
}

export class FunctionGraphInterpreter {
  /** Names as kept strings; apply() callers take theirs from these too. */
  readonly names: GraphNames = { functions: new NameTable(), tasks: new NameTable() };
  private readonly tasks = new Map<string, TaskState>();
  /** Task now running on each CPU, from context-switch blocks; used when there is no proc column. */
  private readonly onCpu = new Map<number, string>();
  /** The previous line's task and state: consecutive lines nearly always share them. */
  private lastTask: string | null = null;
  private lastState: TaskState | null = null;
  /** Keyed by the names' kept strings, so that a lookup matches on identity. */
  private readonly functions = new Map<string, FunctionInfo>();
  /** Normalized name of the node node() made last, for the open-names stack. */
  private lastName: string | null = null;

  constructor(private readonly out: TraceCollector) {}

  line(lineNo: number, text: string): void {
    this.lineIn(lineNo, text, charCodes(text), 0, text.length);
  }

  /** The line `text[start, end)` (see tokenizeGraphRange). */
  lineIn(lineNo: number, text: string, codes: CharCodes, start: number, end: number): void {
    const tok = tokenizeGraphRange(text, codes, start, end, this.names);
    switch (tok.kind) {
      case 'comment':
      case 'separator':
        return;
      case 'switch':
        if (tok.cpu !== null) {
          this.nameCpuState(tok.cpu, tok.from);
          this.onCpu.set(tok.cpu, ownString(tok.to));
        }
        return;
      case 'unparsed':
        this.out.fail(lineNo, tok.reason, text.slice(start, end));
        return;
      case 'line':
        this.apply(lineNo, tok.columns, tok.body);
        return;
    }
  }

  /**
   * Used by trace-cmd's funcgraph_entry/funcgraph_exit events, which carry the same body. Its
   * function names must come from {@link names}: nodes keep them as they are.
   */
  apply(lineNo: number, columns: GraphColumns, body: GraphBody): void {
    const state = this.state(columns);
    switch (body.kind) {
      case 'entry':
      case 'leaf': {
        this.unwindTo(state, columns.depth);
        if (body.kind === 'leaf' && this.out.treeNodes >= this.out.caps.maxTreeNodes) {
          // Over the tree budget a leaf is only counted: no node object for the GC to sweep.
          this.leafOverBudget(state, lineNo, body.function);
          return;
        }
        const node = this.node(state, lineNo, columns, body.function, body.module, body.kind === 'leaf');
        if (body.kind === 'leaf') {
          node.duration = columns.duration;
          if (body.retval !== undefined) node.retval = ownString(body.retval);
        } else {
          state.open.push(node);
          state.openNames.push(this.lastName);
        }
        return;
      }
      case 'exit':
        this.exit(state, lineNo, columns, body.tail, body.retval);
        return;
      case 'irq':
        state.irq = Math.max(0, state.irq + (body.enter ? 1 : -1));
        return;
      case 'comment':
        this.comment(state, lineNo, columns, body.name, body.args);
        return;
    }
  }

  /** Ends the input: calls still open are flagged, and reported once per task at `lastLine`. */
  finish(lastLine: number): CallTree[] {
    const out: CallTree[] = [];
    for (const s of this.tasks.values()) {
      if (s.open.length > 0) {
        const first = s.open[0]!;
        this.out.fail(
          lastLine,
          `input ended with ${s.open.length} call(s) of ${s.task} still open, the outermost ${first.function}() from line ${first.line} (expected its closing "}")`,
          '',
        );
      }
      for (const n of s.open) n.unclosed = true;
      if (s.pendingSink) this.closed(s, s.pendingSink.node);
      if (s.roots.length > 0) out.push({ task: s.task, roots: s.roots });
    }
    return out.sort((a, b) => (a.task < b.task ? -1 : a.task > b.task ? 1 : 0));
  }

  /** What every entry or leaf needs to know of its function, looked up once per line. */
  private functionInfo(fn: string): FunctionInfo {
    let info = this.functions.get(fn);
    if (info === undefined) {
      info = { normalized: this.out.edges.normalize(fn), sink: isPermissionSink(fn) };
      if (this.functions.size < MAX_FUNCTION_INFO) this.functions.set(fn, info);
    }
    return info;
  }

  /**
   * Without the proc column, calls before the first context switch on a CPU were filed under
   * `cpuN`; the switch line names the task that ran them.
   */
  private nameCpuState(cpu: number, task: string): void {
    const key = `cpu${cpu}`;
    const s = this.tasks.get(key);
    if (!s || this.tasks.has(task) || this.onCpu.has(cpu)) return;
    this.tasks.delete(key);
    this.lastState = null;
    s.task = ownString(task);
    this.tasks.set(s.task, s);
    const rename = (nodes: CallNode[]): void => {
      for (const n of nodes) {
        n.task = s.task;
        rename(n.children);
      }
    };
    rename(s.roots);
    rename(s.open);
  }

  private state(columns: GraphColumns): TaskState {
    if (columns.task !== null && columns.task === this.lastTask && this.lastState) return this.lastState;
    const s = this.lookup(columns);
    this.lastTask = columns.task === null ? null : s.task;
    this.lastState = s;
    return s;
  }

  private lookup(columns: GraphColumns): TaskState {
    const task =
      columns.task ?? (columns.cpu !== null ? (this.onCpu.get(columns.cpu) ?? `cpu${columns.cpu}`) : 'unknown');
    let s = this.tasks.get(task);
    if (!s) {
      s = { task: ownString(task), open: [], openNames: [], roots: [], orphans: [], irq: 0, pendingSink: null };
      // The kept copy as the key too: `task` is a slice that would pin its decoded chunk.
      this.tasks.set(s.task, s);
    }
    return s;
  }

  /** Closes open calls at depth >= `depth`: their `}` was lost (buffer overrun, filtered CPU). */
  private unwindTo(state: TaskState, depth: number): void {
    while (state.open.length > 0 && state.open[state.open.length - 1]!.depth >= depth) {
      this.pop(state, true);
    }
  }

  private node(state: TaskState, lineNo: number, c: GraphColumns, fn: string, module: string | undefined, leaf: boolean): CallNode {
    const parent = state.open[state.open.length - 1];
    let node: CallNode;
    if (this.out.takeNode()) {
      node = keptNode(fn, c, state.task, lineNo);
      if (module !== undefined) node.module = ownString(module);
      if (state.irq > 0) node.irq = true;
      if (parent) parent.children.push(node);
      else {
        state.roots.push(node);
        if (c.depth > 0) this.orphan(state, node);
      }
    } else {
      node = openOnlyNode(fn, c, state.task, lineNo);
    }
    const info = this.functionInfo(fn);
    this.lastName = info.normalized;
    if (parent) this.out.edges.addNormalized(parent.function, state.openNames[state.openNames.length - 1]!, fn, info.normalized);
    if (state.irq === 0 && info.sink) this.sink(state, node, leaf);
    return node;
  }

  private leafOverBudget(state: TaskState, lineNo: number, fn: string): void {
    this.out.takeNode();
    const parent = state.open[state.open.length - 1];
    const info = this.functionInfo(fn);
    if (parent) this.out.edges.addNormalized(parent.function, state.openNames[state.openNames.length - 1]!, fn, info.normalized);
    if (state.irq === 0 && info.sink) {
      const stand: CallNode = { function: fn, depth: 0, children: [], duration: null, timestamp: null, cpu: null, task: state.task, line: lineNo, events: [] };
      this.sink(state, stand, true);
    }
  }

  /**
   * Evidence for a permission sink entered while the task holds freeze protection. Only the
   * outermost hook of a path counts (security_file_permission, not also the fsnotify_perm below
   * it); a hook caller counts only if no hook is seen inside it before it returns.
   */
  private sink(state: TaskState, node: CallNode, leaf: boolean): void {
    const cls = this.out.held.freezeHeld(state.task);
    if (cls === null) return;
    if (state.open.some((n) => isPermissionHook(n.function))) return;
    const path = [...state.open.map((n) => normalizeFunction(n.function)), normalizeFunction(node.function)];
    if (!isPermissionHook(node.function) && !leaf) {
      if (!state.pendingSink) state.pendingSink = { node, cls, path };
      return;
    }
    state.pendingSink = null;
    this.out.freeze.record(state.task, cls, path[path.length - 1]!, path, 'lock-events', node.line);
  }

  /** A call returned (or was unwound): settle the hook caller waiting on it. */
  private closed(state: TaskState, node: CallNode): void {
    const p = state.pendingSink;
    if (!p || p.node !== node) return;
    state.pendingSink = null;
    this.out.freeze.record(state.task, p.cls, p.path[p.path.length - 1]!, p.path, 'lock-events', node.line);
  }

  private pop(state: TaskState, unclosed: boolean): CallNode {
    const node = state.open.pop()!;
    state.openNames.pop();
    if (unclosed) node.unclosed = true;
    this.closed(state, node);
    return node;
  }

  private exit(state: TaskState, lineNo: number, c: GraphColumns, tail: string | undefined, retval: string | undefined): void {
    // Prefer the tail name when printed: after a CPU migration the depth can be off by one.
    let idx = -1;
    if (tail !== undefined) {
      for (let i = state.open.length - 1; i >= 0; i--) {
        if (state.open[i]!.function === tail) {
          idx = i;
          break;
        }
      }
    }
    if (idx < 0) {
      for (let i = state.open.length - 1; i >= 0; i--) {
        const d = state.open[i]!.depth;
        if (d === c.depth) idx = i;
        if (d <= c.depth) break;
      }
    }
    if (idx < 0) {
      this.adopt(state, lineNo, c, tail, retval);
      return;
    }
    while (state.open.length - 1 > idx) this.pop(state, true);
    const node = this.pop(state, false);
    node.duration = c.duration;
    if (retval !== undefined) node.retval = ownString(retval);
  }

  /**
   * A `}` whose entry is not in the capture (tracing started inside the call): make a synthetic
   * node for it and move the orphans printed deeper than it under it.
   */
  private adopt(state: TaskState, lineNo: number, c: GraphColumns, tail: string | undefined, retval: string | undefined): void {
    const fn = tail !== undefined ? ownString(tail) : '(unknown)';
    const node: CallNode = {
      function: fn,
      depth: c.depth,
      children: [],
      duration: c.duration,
      timestamp: c.timestamp,
      cpu: c.cpu,
      task: state.task,
      line: lineNo,
      events: [],
      synthetic: true,
    };
    if (retval !== undefined) node.retval = ownString(retval);
    const adopted = state.orphans.filter((n) => n.depth > c.depth);
    if (adopted.length > 0) {
      const set = new Set(adopted);
      state.orphans = state.orphans.filter((n) => !set.has(n));
      // The adopted orphans are nearly always the last roots: drop them from the end, and scan
      // the whole list only when some were not there.
      let left = set.size;
      while (left > 0 && state.roots.length > 0 && set.has(state.roots[state.roots.length - 1]!)) {
        state.roots.pop();
        left--;
      }
      if (left > 0) state.roots = state.roots.filter((n) => !set.has(n));
      node.children = adopted;
      if (tail !== undefined) for (const child of adopted) if (child.depth === c.depth + 1) this.out.edges.add(fn, child.function);
    }
    if (this.out.takeNode()) {
      state.roots.push(node);
      if (c.depth > 0) this.orphan(state, node);
    }
  }

  /**
   * Only the latest orphans can still be adopted (a `}` closes the most recent open call), so
   * the list is cut to bound the cost of each adoption on traces that keep losing entries.
   */
  private orphan(state: TaskState, node: CallNode): void {
    state.orphans.push(node);
    if (state.orphans.length > 2 * MAX_ORPHANS) state.orphans = state.orphans.slice(-MAX_ORPHANS);
  }

  private comment(state: TaskState, lineNo: number, c: GraphColumns, name: string, args: string): void {
    const ev: TraceEvent = { line: lineNo, task: state.task, cpu: c.cpu, timestamp: c.timestamp, name, args };
    const lock = parseLockEvent(name, args);
    if (lock) {
      ev.lock = lock;
      this.out.held.apply(state.task, lock);
    }
    const kept = this.out.event(ev);
    const top = state.open[state.open.length - 1];
    if (kept && top) top.events.push(kept);
  }
}

function keptNode(fn: string, c: GraphColumns, task: string, lineNo: number): CallNode {
  return { function: fn, depth: c.depth, children: [], duration: null, timestamp: c.timestamp, cpu: c.cpu, task, line: lineNo, events: [] };
}

/**
 * Over the tree budget an entry still goes on the open stack (exits, edges and evidence need its
 * name, depth and line) but is in no tree. It is made here, not in keptNode: V8 decides per
 * allocation site whether to allocate straight in the old generation, and after 200,000 kept
 * nodes it would do so for these short-lived ones too, filling the old generation with garbage
 * (peak RSS grew with input size).
 */
function openOnlyNode(fn: string, c: GraphColumns, task: string, lineNo: number): CallNode {
  return { function: fn, depth: c.depth, children: [], duration: null, timestamp: c.timestamp, cpu: c.cpu, task, line: lineNo, events: [] };
}
