// Stage 1 of every parser: bytes -> lines. Push-based (the caller feeds chunks) so that a
// gigabyte log costs one pass and bounded memory: only the bytes of the unfinished last line are
// kept between chunks, and a line longer than `maxLineBytes` is cut instead of growing without end.
// Lines are decoded only once they are complete, so a UTF-8 sequence split across two chunks
// decodes the same whatever the chunk size.

/** Something the reader found or had to do to a line, for the parser to report. */
export type LineNote = 'non-utf8' | 'overlong' | 'binary';

// Control characters other than tab and ESC (colour codes), and U+FFFD: text logs have none.
// eslint-disable-next-line no-control-regex
const BINARY = /[\u0000-\u0008\u000b\u000c\u000e-\u001a\u001c-\u001f\ufffd]/;

/** 'binary' when a decoded line holds control characters (for lines that bypass the splitter). */
export function binaryNote(text: string): LineNote | undefined {
  return BINARY.test(text) ? 'binary' : undefined;
}

/**
 * A decoded chunk's characters as bytes, for parsers that scan lines: `codes[i]` is
 * `chunk.charCodeAt(i)`, or 255 for a character above U+00FF (no parser looks for one), and
 * `codes[chunk.length]` is a line break, so that a scan for anything else stops there. For an
 * ASCII chunk it is the very bytes that were decoded, at no cost.
 */
export type CharCodes = Uint8Array;

export function charCodes(text: string): CharCodes {
  const codes = new Uint8Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    codes[i] = c > 255 ? 255 : c;
  }
  codes[text.length] = NEWLINE;
  return codes;
}

export interface LineSink {
  line(text: string, note?: LineNote): void;
  /**
   * Optional: a line without a note, as `chunk[start, end)` of the decoded chunk instead of a
   * slice, for a parser that reads lines in place (see tokenizeGraphRange). `chunk[end]` is a
   * line break or past the end.
   */
  lineIn?(chunk: string, codes: CharCodes, start: number, end: number): void;
}

const NEWLINE = 10;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;
/** At most 64 KiB once decoded, even as UTF-16. */
const MAX_BLOCK_BYTES = 32 * 1024;

export class LineSplitter {
  private carry: Uint8Array[] = [];
  private carryBytes = 0;
  private overlong = false;
  // ignoreBOM: a BOM is kept as a character so that decoding does not depend on where chunks
  // start; the parser strips it from line 1 only.
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  push(chunk: Uint8Array): void {
    // Decoded a block at a time, cut after a line break: a decoded block bigger than V8's
    // regular-object limit (128 KiB) is a large object, promoted to the old generation by the
    // first scavenge it lives through; one per scavenge made the heap grow with the input.
    let at = 0;
    while (chunk.length - at > MAX_BLOCK_BYTES) {
      const nl = chunk.lastIndexOf(NEWLINE, at + MAX_BLOCK_BYTES - 1);
      const cut = nl >= at ? nl + 1 : at + MAX_BLOCK_BYTES;
      this.pushBlock(chunk.subarray(at, cut));
      at = cut;
    }
    this.pushBlock(chunk.subarray(at));
  }

  private pushBlock(chunk: Uint8Array): void {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last < 0) {
      this.keep(chunk);
      return;
    }
    let start = 0;
    if (this.carryBytes > 0 || this.overlong) {
      const first = chunk.indexOf(NEWLINE);
      this.keep(chunk.subarray(0, first));
      this.emitCarry();
      start = first + 1;
    }
    if (start <= last) this.emitBlock(chunk.subarray(start, last + 1));
    if (last + 1 < chunk.length) this.keep(chunk.subarray(last + 1));
  }

  /** Emits the last line when the input does not end with a newline. */
  finish(): void {
    if (this.carryBytes > 0 || this.overlong) this.emitCarry();
  }

  private keep(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const room = this.maxLineBytes - this.carryBytes;
    if (bytes.length > room) {
      this.overlong = true;
      if (room <= 0) return;
      bytes = bytes.subarray(0, room);
    }
    // Copy: the caller may reuse its buffer for the next chunk.
    this.carry.push(bytes.slice());
    this.carryBytes += bytes.length;
  }

  private emitCarry(): void {
    const all = new Uint8Array(this.carryBytes);
    let at = 0;
    for (const part of this.carry) {
      all.set(part, at);
      at += part.length;
    }
    const overlong = this.overlong;
    this.carry = [];
    this.carryBytes = 0;
    this.overlong = false;
    this.emitLine(all, overlong);
  }

  /** `block` holds one or more whole lines, each ended by `\n`. */
  private emitBlock(block: Uint8Array): void {
    const bytes = block.subarray(0, block.length - 1);
    let text: string | undefined;
    try {
      text = this.strict.decode(bytes);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      // Some line in the block is not UTF-8: find which, line by line.
      let from = 0;
      for (;;) {
        const nl = bytes.indexOf(NEWLINE, from);
        const end = nl < 0 ? bytes.length : nl;
        this.emitLine(bytes.subarray(from, end), false);
        if (nl < 0) break;
        from = nl + 1;
      }
      return;
    }
    // One scan of the whole block; lines are checked one by one only when it finds something.
    const suspicious = BINARY.test(text);
    const sink = this.sink;
    // As many characters as bytes: all ASCII, so the bytes (with their final `\n`) are the codes.
    const codes = sink.lineIn === undefined ? null : text.length === bytes.length ? block : charCodes(text);
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', from);
      let end = nl < 0 ? text.length : nl;
      if (end > from && text.charCodeAt(end - 1) === 13) end--;
      if (end - from > this.maxLineBytes) sink.line(text.slice(from, from + this.maxLineBytes), 'overlong');
      else if (suspicious) {
        const line = text.slice(from, end);
        sink.line(line, binaryNote(line));
      } else if (codes !== null) sink.lineIn!(text, codes, from, end);
      else sink.line(text.slice(from, end));
      if (nl < 0) break;
      from = nl + 1;
    }
  }

  private emitLine(bytes: Uint8Array, overlong: boolean): void {
    let note: LineNote | undefined = overlong ? 'overlong' : undefined;
    let text: string;
    try {
      text = this.strict.decode(bytes);
    } catch {
      text = this.lenient.decode(bytes);
      note = 'non-utf8';
    }
    if (text.length > 0 && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    this.sink.line(text, note ?? binaryNote(text));
  }
}

/** Feeds a byte stream (a file read stream, a fetch body) into `sink`, line by line. */
export async function pumpLines(
  source: AsyncIterable<Uint8Array | string>,
  sink: LineSink,
  options: { signal?: AbortSignal; maxLineBytes?: number } = {},
): Promise<{ aborted: boolean }> {
  const splitter = new LineSplitter(sink, options.maxLineBytes);
  const encoder = new TextEncoder();
  for await (const chunk of source) {
    if (options.signal?.aborted) return { aborted: true };
    splitter.push(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
  }
  splitter.finish();
  return { aborted: false };
}
