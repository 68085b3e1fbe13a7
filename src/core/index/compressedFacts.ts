// Full facts kept in memory when there is no cache to read them back from: a compressed
// structured clone is a few KiB a file, where the objects would be tens.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { deserialize, serialize } from 'node:v8';
import type { FileFacts } from '../model/facts';

export function compressFacts(facts: FileFacts): Uint8Array {
  // A copy with its own ArrayBuffer, so that a worker can transfer it without detaching a pool.
  return new Uint8Array(deflateRawSync(serialize(facts), { level: 1 }));
}

export function decompressFacts(bytes: Uint8Array): FileFacts {
  return deserialize(inflateRawSync(bytes)) as FileFacts;
}
