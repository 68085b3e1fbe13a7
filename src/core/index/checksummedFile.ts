// Cache files that carry a SHA-1 of their payload in front, written by rename so that a reader
// sees the old file or the new one, never half of one. A bad checksum is reported, not trusted.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const CHECKSUM_BYTES = 20;

export type ChecksummedRead =
  | { status: 'hit'; payload: Buffer }
  | { status: 'miss' }
  | { status: 'corrupt'; reason: string };

export function readChecksummed(path: string): ChecksummedRead {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return { status: 'miss' };
  }
  if (bytes.length <= CHECKSUM_BYTES) return { status: 'corrupt', reason: 'truncated' };
  const payload = bytes.subarray(CHECKSUM_BYTES);
  const sum = createHash('sha1').update(payload).digest();
  if (!sum.equals(bytes.subarray(0, CHECKSUM_BYTES))) return { status: 'corrupt', reason: 'checksum mismatch' };
  return { status: 'hit', payload };
}

export function writeChecksummed(path: string, payload: Uint8Array): void {
  const sum = createHash('sha1').update(payload).digest();
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, sum);
    writeSync(fd, payload);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
