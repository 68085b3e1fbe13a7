// A file's text with where each line starts: what the call-site reader keeps of the thousands
// of files it reads. Split into an array of lines, a file costs about twice its text (a string
// object per line, most of them slices holding the whole text anyway).

/** Normalizes an Array.prototype.slice bound against `length`. */
function bound(at: number, length: number): number {
  return at < 0 ? Math.max(length + at, 0) : Math.min(at, length);
}

export class SourceLines {
  /** Offset of each line's first character, then one past the end (as if the text ended in a newline). */
  private readonly starts: Int32Array;

  constructor(readonly text: string) {
    let n = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
    this.starts = new Int32Array(n + 1);
    let line = 1;
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) this.starts[line++] = at + 1;
    this.starts[n] = text.length + 1;
  }

  /** How many lines text.split('\n') gives. */
  get count(): number {
    return this.starts.length - 1;
  }

  /** Line `i`, from 0, without its newline. */
  line(i: number): string {
    return this.text.slice(this.starts[i]!, this.starts[i + 1]! - 1);
  }

  /** What text.split('\n').slice(from, to).join('\n') gives. */
  slice(from: number, to: number = this.count): string {
    const a = bound(from, this.count);
    const b = bound(to, this.count);
    return b <= a ? '' : this.text.slice(this.starts[a]!, this.starts[b]! - 1);
  }
}
