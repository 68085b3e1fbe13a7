// The one entry point for trace and log files: stream lines -> detect the format from the first
// lines -> feed the format's interpreter -> collect a ParsedLog. Push-based (LogParser.line) so
// that streaming a gigabyte costs no per-line promise, and the same code serves in-memory lines.

import { open } from 'node:fs/promises';
import type { LogFormat, ParsedLog } from '../../model/trace';
import type { CharCodes, LineNote, LineSink } from './lineReader';
import { DEFAULT_MAX_LINE_BYTES, binaryNote, pumpLines } from './lineReader';
import { DETECT_LINES, decisiveFormat, detectFormat } from './detectFormat';
import type { ParseCaps } from './traceCollector';
import { DEFAULT_CAPS, TraceCollector } from './traceCollector';
import { FunctionGraphInterpreter } from './ftrace/functionGraph';
import { FunctionTracerInterpreter } from './ftrace/functionTracer';
import { DmesgInterpreter } from './dmesg/reportInterpreter';

export interface ParseOptions {
  /** Skip detection. */
  format?: LogFormat;
  caps?: Partial<ParseCaps>;
  signal?: AbortSignal;
  maxLineBytes?: number;
}

/**
 * Feed it through LineSplitter (or parseLogLines), which flag binary and overlong lines: the
 * parser trusts those notes instead of scanning every line again.
 */
export class LogParser implements LineSink {
  private lineNo = 0;
  private pending: [number, string][] | null = [];
  private format: LogFormat | null;
  private readonly out: TraceCollector;
  private graph: FunctionGraphInterpreter | null = null;
  private fn: FunctionTracerInterpreter | null = null;
  private dmesg: DmesgInterpreter | null = null;

  constructor(
    private readonly file: string,
    private readonly options: ParseOptions = {},
  ) {
    this.out = new TraceCollector({ ...DEFAULT_CAPS, ...options.caps });
    this.format = options.format ?? null;
    if (this.format) this.begin(this.format);
  }

  line(text: string, note?: LineNote): void {
    const n = ++this.lineNo;
    if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (note === 'overlong') {
      this.out.fail(n, `line longer than ${this.options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES} bytes (cut, not interpreted)`, text);
      return;
    }
    if (note === 'non-utf8' || note === 'binary') {
      // printk prints a task's comm as it is: a console line may carry any bytes in a name.
      if ((this.format === 'dmesg' || this.pending !== null) && PRINTK_TIMESTAMP.test(text)) note = undefined;
      else {
        this.failBinary(n, note, text);
        return;
      }
    }
    if (this.pending) {
      this.pending.push([n, text]);
      const decided = decisiveFormat(text);
      if (decided || this.pending.length >= DETECT_LINES) this.decide(decided ?? detectFormat(this.pending.map((p) => p[1])));
      return;
    }
    this.dispatch(n, text);
  }

  private failBinary(n: number, note: 'non-utf8' | 'binary', text: string): void {
    this.out.fail(n, note === 'non-utf8' ? 'bytes that are not UTF-8 (binary data?)' : 'control characters (binary data?)', text);
  }

  lineIn(chunk: string, codes: CharCodes, start: number, end: number): void {
    // Only function_graph reads lines in place; the first line may need its BOM stripped.
    if (this.graph === null || this.fn !== null || this.lineNo === 0) this.line(chunk.slice(start, end));
    else this.graph.lineIn(++this.lineNo, chunk, codes, start, end);
  }

  finish(aborted = false): ParsedLog {
    if (this.pending) this.decide(detectFormat(this.pending.map((p) => p[1])));
    this.fn?.finish();
    const reports = this.dmesg?.finish() ?? [];
    const trees = this.graph?.finish(this.lineNo) ?? [];
    const result: ParsedLog = {
      file: this.file,
      format: this.format!,
      lines: this.lineNo,
      title: reports[0]?.title ?? null,
      unparsed: this.out.unparsed,
      unparsedDropped: this.out.unparsedDropped,
      reports,
      trees,
      stackTraces: this.out.stackTraces,
      events: this.out.events,
      observedEdges: this.out.edges.list(),
      freezeHeld: this.out.freeze.list(),
      limits: this.out.limits(),
    };
    if (aborted) result.aborted = true;
    return result;
  }

  private decide(format: LogFormat): void {
    const lines = this.pending ?? [];
    this.pending = null;
    this.begin(format);
    for (const [n, l] of lines) this.dispatch(n, l);
  }

  private begin(format: LogFormat): void {
    this.format = format;
    this.pending = null;
    if (format === 'dmesg') this.dmesg = new DmesgInterpreter(this.out);
    else if (format === 'function_graph') this.graph = new FunctionGraphInterpreter(this.out);
    else {
      if (format === 'trace-cmd') this.graph = new FunctionGraphInterpreter(this.out);
      this.fn = new FunctionTracerInterpreter(this.out, this.graph);
    }
  }

  private dispatch(n: number, text: string): void {
    if (this.fn) this.fn.line(n, text);
    else if (this.graph) this.graph.line(n, text);
    else this.dmesg!.line(n, text);
  }
}

/** A kernel console line: `[  12.345678]` after an optional `<N>` level. */
const PRINTK_TIMESTAMP = /^(?:<\d+>)?\[\s*\d+\.\d+\]/;

/** Parses lines already in memory (tests, editor buffers). */
export function parseLogLines(lines: Iterable<string>, file = '<memory>', options: ParseOptions = {}): ParsedLog {
  const p = new LogParser(file, options);
  for (const l of lines) p.line(l, binaryNote(l));
  return p.finish();
}

/** Parses a byte stream in bounded memory. */
export async function parseLogStream(
  file: string,
  source: AsyncIterable<Uint8Array | string>,
  options: ParseOptions = {},
): Promise<ParsedLog> {
  const p = new LogParser(file, options);
  const pumpOptions: { signal?: AbortSignal; maxLineBytes?: number } = {};
  if (options.signal) pumpOptions.signal = options.signal;
  if (options.maxLineBytes !== undefined) pumpOptions.maxLineBytes = options.maxLineBytes;
  const { aborted } = await pumpLines(source, p, pumpOptions);
  return p.finish(aborted);
}

/** Bytes read at a time by parseLogFile. */
const FILE_CHUNK_BYTES = 1 << 20;

/** Parses a file in bounded memory (a few chunks, whatever its size). */
export async function parseLogFile(path: string, options: ParseOptions = {}): Promise<ParsedLog> {
  return parseLogStream(path, readChunks(path, FILE_CHUNK_BYTES), options);
}

/**
 * The file's bytes, the next chunk read while the caller parses the current one, into two
 * buffers used in turn (LineSplitter copies what it keeps). Big chunks: a read is a round trip to
 * the thread pool, and with 64 KiB ones the parser was idle 7% of the time waiting for them.
 */
async function* readChunks(path: string, chunkBytes: number): AsyncGenerator<Uint8Array> {
  const file = await open(path, 'r');
  let free = new Uint8Array(chunkBytes);
  let reading = file.read(new Uint8Array(chunkBytes), 0, chunkBytes, null);
  try {
    for (;;) {
      const { bytesRead, buffer } = await reading;
      if (bytesRead === 0) return;
      reading = file.read(free, 0, chunkBytes, null);
      // Read into next time: the caller is done with it when it asks for the next chunk.
      free = buffer;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // Close only once no read is in flight (the caller may stop early: abort, error).
    await reading.catch(() => undefined);
    await file.close();
  }
}
