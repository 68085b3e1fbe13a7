// Where a line of a kernel log or trace names source: `fs/read_write.c:1255` (syzbot frames,
// lockdep `at:` lines, WARNING headers) and `do_sendfile+0x2e9/0x440` (a symbol with its offset
// and size). Pure, no `vscode`: the link provider turns these into document links.

export type LogLink =
  | { kind: 'source'; start: number; end: number; file: string; line: number }
  | { kind: 'function'; start: number; end: number; name: string };

/** A path with at least one directory, a C, header or assembly file, and a line. */
const SOURCE = /(?<![\w/.+-])(?:\.\/)?((?:[\w+-][\w.+-]*\/)+[\w.+-]+\.[chS]):(\d+)(?!\d)/g;
/** `name+0xoff/0xsize`, with optional clone suffixes (`.isra.0`) in the name. */
const SYMBOL = /(?<![\w.$])([A-Za-z_][\w]*(?:\.[\w]+)*)\+0x[0-9a-fA-F]+\/0x[0-9a-fA-F]+/g;

/** Every link of one line, by column (0-based, end exclusive). */
export function findLogLinks(text: string): LogLink[] {
  const links: LogLink[] = [];
  for (const m of text.matchAll(SOURCE)) {
    const line = Number(m[2]);
    if (line < 1) continue;
    links.push({ kind: 'source', start: m.index, end: m.index + m[0].length, file: m[1]!, line });
  }
  for (const m of text.matchAll(SYMBOL)) links.push({ kind: 'function', start: m.index, end: m.index + m[0].length, name: m[1]! });
  return links.sort((a, b) => a.start - b.start);
}
