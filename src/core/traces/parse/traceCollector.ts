// Everything a parse accumulates, with the caps that keep memory bounded. Whatever is not kept is
// counted and reported as a ParseLimit: the parser never drops a record silently.

import type { Frame, ParseLimit, StackTrace, TraceEvent, Unparsed } from '../../model/trace';
import { EdgeCounter } from './observedEdges';
import { FreezeEvidence, HeldLocks } from './freezeEvidence';
import { ownString } from './ownString';

export interface ParseCaps {
  /** Call-tree nodes kept; beyond it trees stop growing (edges and evidence are still counted). */
  maxTreeNodes: number;
  maxEvents: number;
  maxStackTraces: number;
  maxUnparsed: number;
  maxReports: number;
}

export const DEFAULT_CAPS: ParseCaps = {
  maxTreeNodes: 200_000,
  maxEvents: 20_000,
  maxStackTraces: 10_000,
  maxUnparsed: 1_000,
  maxReports: 1_000,
};

const QUOTE_CHARS = 200;

export class TraceCollector {
  readonly edges = new EdgeCounter();
  readonly freeze = new FreezeEvidence();
  readonly held = new HeldLocks();
  readonly unparsed: Unparsed[] = [];
  readonly events: TraceEvent[] = [];
  readonly stackTraces: StackTrace[] = [];
  unparsedDropped = 0;
  treeNodes = 0;
  private treeNodesDropped = 0;
  private eventsDropped = 0;
  private stackTracesDropped = 0;
  private reportsKept = 0;
  private reportsDropped = 0;

  constructor(readonly caps: ParseCaps = DEFAULT_CAPS) {}

  fail(line: number, reason: string, text: string): void {
    if (this.unparsed.length >= this.caps.maxUnparsed) {
      this.unparsedDropped++;
      return;
    }
    this.unparsed.push({ line, reason, text: ownString(quote(text)) });
  }

  /**
   * Keeps a copy of `ev` that owns its strings (the parser's may be slices of a decoded chunk),
   * or returns null when over the cap (the event is then only counted). The copy, not `ev`, is
   * kept so that the parsers' per-line records are all short-lived: V8 decides per allocation
   * site whether to allocate straight in the old generation, and once the first 20,000 events
   * were kept it did so for every later one too, dropped or not, growing the heap with the input.
   */
  event(ev: TraceEvent): TraceEvent | null {
    if (this.events.length >= this.caps.maxEvents) {
      this.eventsDropped++;
      return null;
    }
    const kept: TraceEvent = { line: ev.line, task: ownString(ev.task), cpu: ev.cpu, timestamp: ev.timestamp, name: ownString(ev.name), args: ownString(ev.args) };
    const lock = ev.lock;
    if (lock) kept.lock = { op: lock.op, address: ownString(lock.address), class: ownString(lock.class), read: lock.read, try: lock.try };
    this.events.push(kept);
    return kept;
  }

  /** Keeps a copy of `st` that owns its strings, as event() does and for the same reasons. */
  stackTrace(st: StackTrace): void {
    if (this.stackTraces.length >= this.caps.maxStackTraces) {
      this.stackTracesDropped++;
      return;
    }
    this.stackTraces.push({ line: st.line, task: ownString(st.task), cpu: st.cpu, timestamp: st.timestamp, frames: st.frames.map(keptFrame) });
  }

  /** Asks for room for one more report (a dropped one still feeds edges and evidence). */
  keepReport(): boolean {
    if (this.reportsKept >= this.caps.maxReports) {
      this.reportsDropped++;
      return false;
    }
    this.reportsKept++;
    return true;
  }

  /** Asks for room for one more tree node. */
  takeNode(): boolean {
    if (this.treeNodes >= this.caps.maxTreeNodes) {
      this.treeNodesDropped++;
      return false;
    }
    this.treeNodes++;
    return true;
  }

  limits(): ParseLimit[] {
    const out: ParseLimit[] = [];
    const add = (what: string, kept: number, dropped: number): void => {
      if (dropped > 0) out.push({ what, kept, dropped });
    };
    add('call-tree nodes', this.treeNodes, this.treeNodesDropped);
    add('events', this.events.length, this.eventsDropped);
    add('stack traces', this.stackTraces.length, this.stackTracesDropped);
    add('unparsed records', this.unparsed.length, this.unparsedDropped);
    add('reports', this.reportsKept, this.reportsDropped);
    add('freeze evidence records', this.freeze.list().length, this.freeze.dropped);
    return out;
  }
}

function keptFrame(f: Frame): Frame {
  const kept: Frame = { function: ownString(f.function), inline: f.inline, unreliable: f.unreliable, mapped: f.mapped };
  if (f.offset !== undefined) kept.offset = ownString(f.offset);
  if (f.module !== undefined) kept.module = ownString(f.module);
  if (f.file !== undefined) kept.file = ownString(f.file);
  if (f.line !== undefined) kept.line = f.line;
  return kept;
}

/** Quotes a line for a diagnostic: control bytes made visible, cut to a readable length. */
export function quote(text: string): string {
  // eslint-disable-next-line no-control-regex
  const visible = text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > QUOTE_CHARS ? `${visible.slice(0, QUOTE_CHARS)}…` : visible;
}
