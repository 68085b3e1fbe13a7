// Symbolization: the function names a trace or log prints -> definitions in a scanned tree.
// Names arrive as printed (`finish_task_switch.isra.0`, `__x64_sys_sendfile64`) and are
// normalized here the same way the parsers normalize edges, so that a frame, a graph node and
// an observed edge all speak of the same source function.

import type { CallGraph } from '../../graph/callGraph';
import type { FunctionNode } from '../../graph/functionNodes';
import type { CallNode, Frame, ParsedLog } from '../../model/trace';
import { isAddressOnly, normalizeFunction } from '../parse/symbols';

export interface Definition {
  /** Graph key: `name` for globals, `file::name` for statics. */
  key: string;
  file: string;
  line: number;
  endLine: number;
}

export type UnmappedReason =
  /** No function of that name in the scanned tree (another subsystem, assembly, a module not scanned). */
  | 'not in tree'
  /** Defined, but the printed file:line is outside every definition (another kernel version?). */
  | 'line outside definition';

export interface UnmappedName {
  name: string;
  count: number;
  reason: UnmappedReason;
}

export interface MappingStats {
  /** Frames and call-tree nodes with a function name (addresses excluded). */
  frames: number;
  mapped: number;
  /** Frames that are only an address (ftrace trampolines): they cannot be mapped, so they are not counted. */
  addresses: number;
  /** Distinct normalized names, and how many of them have a definition. */
  names: number;
  mappedNames: number;
}

/** Unmapped names reported: the most frequent first; the rest are counted in `unmappedDropped`. */
const UNMAPPED_LIMIT = 200;

export class Symbolizer {
  private readonly seenNames = new Map<string, boolean>();
  private readonly unmapped = new Map<string, UnmappedName>();
  private frames = 0;
  private mapped = 0;
  private addresses = 0;

  constructor(private readonly graph: CallGraph) {
    // A log names thousands of functions: one pass over the nodes instead of one per name. The
    // graph keeps the index, across live edits too.
    graph.indexNames();
  }

  /** Every node defining this (already normalized) name: one global and/or statics of several files. */
  nodesNamed(name: string): readonly FunctionNode[] {
    return this.graph.nodesNamed(name);
  }

  /** Definitions of a printed name, each body of each node (an #ifdef alternative is a body). */
  definitions(printed: string): Definition[] {
    const out: Definition[] = [];
    for (const node of this.nodesNamed(normalizeFunction(printed))) {
      for (const b of node.bodies) out.push({ key: node.key, file: b.file, line: b.fn.startLine, endLine: b.fn.endLine });
    }
    return out;
  }

  /**
   * Maps one printed name, with the source position when the log printed one (syzbot's
   * ` fs/read_write.c:123 [inline]`). Counts it in the statistics. Address-only names are
   * counted apart and never map.
   */
  map(printed: string, file?: string, line?: number): boolean {
    if (isAddressOnly(printed)) {
      this.addresses++;
      return false;
    }
    const name = normalizeFunction(printed);
    this.frames++;
    const defs = this.definitions(name);
    let reason: UnmappedReason | undefined;
    if (defs.length === 0) reason = 'not in tree';
    else if (file !== undefined && line !== undefined) {
      // Logs print paths relative to the kernel source root; the scan may be rooted above or at it.
      // A definition in another file than the printed one still maps: functions move between
      // files across versions, and the name is what edges are matched on.
      const inFile = defs.filter((d) => sameSourceFile(d.file, file));
      if (inFile.length > 0 && !inFile.some((d) => line >= d.line && line <= d.endLine)) reason = 'line outside definition';
    }
    const ok = reason === undefined;
    // A name counts as mapped when any of its occurrences mapped.
    this.seenNames.set(name, ok || (this.seenNames.get(name) ?? false));
    if (ok) {
      this.mapped++;
      return true;
    }
    const key = `${name}\0${reason}`;
    const cur = this.unmapped.get(key);
    if (cur !== undefined) cur.count++;
    else this.unmapped.set(key, { name, count: 1, reason: reason! });
    return false;
  }

  /** Maps a frame and records the answer on it. */
  mapFrame(frame: Frame): boolean {
    frame.mapped = this.map(frame.function, frame.file, frame.line);
    return frame.mapped;
  }

  /** Every frame of reports and stack traces (filling `mapped`) and every call-tree node. */
  mapLog(log: ParsedLog): void {
    for (const r of log.reports) for (const s of r.stacks) for (const f of s.frames) this.mapFrame(f);
    for (const st of log.stackTraces) for (const f of st.frames) this.mapFrame(f);
    for (const t of log.trees) this.mapNodes(t.roots);
  }

  private mapNodes(nodes: readonly CallNode[]): void {
    // Iterative: a capture that never closes its calls can nest deeper than the JS stack.
    const stack = [...nodes];
    for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
      this.map(n.function);
      for (const c of n.children) stack.push(c);
    }
  }

  stats(): MappingStats {
    let mappedNames = 0;
    for (const ok of this.seenNames.values()) if (ok) mappedNames++;
    return { frames: this.frames, mapped: this.mapped, addresses: this.addresses, names: this.seenNames.size, mappedNames };
  }

  /** Names that did not map, most frequent first, then by name. */
  unmappedNames(limit = UNMAPPED_LIMIT): { names: UnmappedName[]; dropped: number } {
    const all = [...this.unmapped.values()].sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { names: all.slice(0, limit).map((u) => ({ ...u })), dropped: Math.max(0, all.length - limit) };
  }
}

/** `fs/read_write.c` vs a scan-relative `linux/fs/read_write.c` (or the reverse): same file. */
export function sameSourceFile(scanned: string, printed: string): boolean {
  const p = printed.replace(/^\.\//, '');
  return scanned === p || scanned.endsWith(`/${p}`) || p.endsWith(`/${scanned}`);
}
