// Function and task names of a trace, each kept once. A gigabyte trace prints the same few
// thousand names millions of times: finding a name by the characters of the line, instead of
// slicing a new string per line, saves an allocation and hands every later Map lookup a string
// whose hash V8 has already cached. Every string it returns is a copy that does not keep the
// decoded chunk it was read from alive.

import type { CharCodes } from './lineReader';
import { ownString } from './ownString';

/** Distinct names kept; past it a name is copied each time (still correct, only slower). */
const MAX_NAMES = 1 << 16;
/** Longer names are copied each time: with MAX_NAMES this bounds the table to 16 MiB of codes. */
const MAX_NAME_LENGTH = 256;

export class NameTable {
  // Open addressing, at most half full; grows by doubling (on insertion only, off the hot path).
  // A slot holds the name, its hash, and where its codes are in `arena`: comparing codes there
  // measured much faster than String.prototype.startsWith on the line.
  private mask = 1023;
  private names: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
  private hashes = new Int32Array(1024);
  /** Start of the name's codes in `arena`, or -1 when codes cannot tell it (a code of 255). */
  private offsets = new Int32Array(1024);
  private arena = new Uint8Array(16 * 1024);
  private arenaUsed = 0;
  private size = 0;
  /** The name found last, checked first: a task's lines come in runs. */
  private recent = '';
  private recentOffset = 0;

  /** The name `text[start, end)`, as a kept string; `codes` are text's (see CharCodes). */
  get(text: string, codes: CharCodes, start: number, end: number): string {
    const len = end - start;
    if (len === this.recent.length && this.sameCodes(this.recentOffset, codes, start, len)) return this.recent;
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ codes[i]!, 0x01000193);
    let at = hash & this.mask;
    for (;;) {
      const name = this.names[at];
      if (name === undefined) break;
      if (this.hashes[at] === hash && name.length === len) {
        const off = this.offsets[at]!;
        if (off < 0 ? text.startsWith(name, start) : this.sameCodes(off, codes, start, len)) return this.found(name, off);
      }
      at = (at + 1) & this.mask;
    }
    const name = ownString(text.slice(start, end));
    if (this.size < MAX_NAMES && len <= MAX_NAME_LENGTH) {
      this.size++;
      if (2 * this.size > this.names.length) this.grow();
      const off = this.keepCodes(codes, start, len);
      this.put(name, hash, off);
      this.found(name, off);
    }
    return name;
  }

  /** The name get() found last, when `codes` hold it at `at` (a scanner may then skip scanning). */
  recentAt(codes: CharCodes, at: number): string | null {
    const name = this.recent;
    return name.length > 0 && this.sameCodes(this.recentOffset, codes, at, name.length) ? name : null;
  }

  private found(name: string, offset: number): string {
    // Only a name whose codes tell it apart can be the recent one (see sameCodes).
    if (offset >= 0) {
      this.recent = name;
      this.recentOffset = offset;
    }
    return name;
  }

  private sameCodes(offset: number, codes: CharCodes, start: number, len: number): boolean {
    const arena = this.arena;
    for (let k = 0; k < len; k++) if (arena[offset + k] !== codes[start + k]) return false;
    return true;
  }

  private keepCodes(codes: CharCodes, start: number, len: number): number {
    for (let k = 0; k < len; k++) if (codes[start + k] === 255) return -1;
    if (this.arenaUsed + len > this.arena.length) {
      const bigger = new Uint8Array(2 * this.arena.length);
      bigger.set(this.arena);
      this.arena = bigger;
    }
    const off = this.arenaUsed;
    this.arena.set(codes.subarray(start, start + len), off);
    this.arenaUsed += len;
    return off;
  }

  private put(name: string, hash: number, offset: number): void {
    let at = hash & this.mask;
    while (this.names[at] !== undefined) at = (at + 1) & this.mask;
    this.names[at] = name;
    this.hashes[at] = hash;
    this.offsets[at] = offset;
  }

  private grow(): void {
    const { names, hashes, offsets } = this;
    this.names = new Array<string | undefined>(2 * names.length).fill(undefined);
    this.hashes = new Int32Array(2 * names.length);
    this.offsets = new Int32Array(2 * names.length);
    this.mask = this.names.length - 1;
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      if (name !== undefined) this.put(name, hashes[i]!, offsets[i]!);
    }
  }
}
