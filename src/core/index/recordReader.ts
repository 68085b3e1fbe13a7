// Reads a file in large chunks and hands out exact byte counts (copies only at chunk seams), so
// that a file of hundreds of MiB is never held as one buffer. It knows the file's size, so a
// damaged length field is reported as truncation instead of sizing a buffer from garbage.
import { fstatSync, readSync } from 'node:fs';

const CHUNK = 16 * 1024 * 1024;

export class RecordReader {
  private buf = Buffer.alloc(0);
  private at = 0;
  /** File offset of buf[0]. */
  private bufStart = 0;
  private readonly size: number;

  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }

  /** File offset of the next byte `exact` would hand out. */
  get offset(): number {
    return this.bufStart + this.at;
  }

  get atEnd(): boolean {
    return this.offset >= this.size;
  }

  /** The next `n` bytes; throws if the file ends inside them. */
  exact(n: number): Buffer {
    if (n > this.size - this.offset) throw new Error('truncated record');
    if (this.buf.length - this.at < n) this.fill(n);
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  private fill(need: number): void {
    const rest = this.buf.subarray(this.at);
    const want = Math.min(Math.max(CHUNK, need), this.size - this.offset);
    const next = Buffer.allocUnsafe(want);
    rest.copy(next, 0);
    let have = rest.length;
    while (have < want) {
      const got = readSync(this.fd, next, have, want - have, this.bufStart + this.buf.length + (have - rest.length));
      if (got === 0) break; // the file shrank under us: exact() finds the bytes missing
      have += got;
    }
    this.bufStart += this.at;
    this.buf = next.subarray(0, have);
    this.at = 0;
    if (have < need) throw new Error('truncated record');
  }
}
