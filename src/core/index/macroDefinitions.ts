// Object-like macros as a file sees them: its own `#define`s, then those of the headers it
// includes, breadth first, so that the nearest definition wins (as the first one the compiler
// meets usually does). Read from text, line by line: a header is never parsed for this.
import { posix } from 'node:path';
import type { Expr, MacroDefinition } from '../model/callSites';
import type { TextSource } from './callSiteReader';

/** Headers read for one question at most: the kernel's include graph is wide, the answers are near. */
const MAX_HEADERS = 600;

const DEFINE = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?![\w(])[ \t]*((?:[^\n]*\\\n)*[^\n]*)/gm;
const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]/gm;

interface FileMacros {
  /** Object-like macros by name: their value text and line. */
  defines: Map<string, { text: string; line: number }>;
  /** Per `#include`, the tree-relative paths it may name, the likeliest first. */
  includes: string[][];
}

export class MacroDefinitions {
  private readonly files = new Map<string, FileMacros | null>();
  private readonly answers = new Map<string, MacroDefinition | null>();

  constructor(private readonly read: TextSource, private readonly parse: (text: string) => Expr) {}

  find(file: string, name: string): MacroDefinition | undefined {
    const key = `${file}\0${name}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.search(file, name) ?? null;
      this.answers.set(key, answer);
    }
    return answer ?? undefined;
  }

  /** The file changed: answers may differ. */
  forget(file: string): void {
    if (!this.files.has(file)) return;
    this.files.delete(file);
    this.answers.clear();
  }

  private search(start: string, name: string): MacroDefinition | undefined {
    const seen = new Set([start]);
    const queue = [start];
    for (let i = 0; i < queue.length && i < MAX_HEADERS; i++) {
      const file = queue[i]!;
      const macros = this.macros(file);
      if (macros === undefined) continue;
      const found = macros.defines.get(name);
      if (found !== undefined) return { value: this.parse(found.text), file, line: found.line };
      for (const candidates of macros.includes) {
        const next = candidates.find((c) => seen.has(c) || this.macros(c) !== undefined);
        if (next === undefined || seen.has(next)) continue;
        seen.add(next);
        queue.push(next);
      }
    }
    return undefined;
  }

  private macros(file: string): FileMacros | undefined {
    let macros = this.files.get(file);
    if (macros === undefined) {
      const text = this.read(file);
      macros = text === undefined ? null : this.scan(file, text);
      this.files.set(file, macros);
    }
    return macros ?? undefined;
  }

  private scan(file: string, text: string): FileMacros {
    const defines = new Map<string, { text: string; line: number }>();
    // Lines counted on from the previous define: matches come in order.
    let line = 1;
    let counted = 0;
    for (const m of text.matchAll(DEFINE)) {
      line += newlines(text, counted, m.index);
      counted = m.index;
      const value = m[2]!.replace(/\\\n/g, ' ').replace(/\/\*.*?\*\//g, ' ').replace(/\/[/*].*$/, '').replace(/\s+/g, ' ').trim();
      if (value !== '' && !defines.has(m[1]!)) defines.set(m[1]!, { text: value, line });
    }
    const includes: string[][] = [];
    for (const m of text.matchAll(INCLUDE)) {
      const target = m[2]!.trim();
      const candidates = m[1] === '"' ? [posix.join(posix.dirname(file), target)] : [];
      candidates.push(`include/${target}`, `include/uapi/${target}`);
      includes.push(candidates.map((c) => posix.normalize(c)));
    }
    return { defines, includes };
  }
}

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
