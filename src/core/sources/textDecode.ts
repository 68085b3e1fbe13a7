// Bytes of a source file -> text, saying what was wrong with them instead of failing.

export type Decoded =
  | { ok: true; text: string; replaced: boolean }
  | { ok: false; reason: string };

const BINARY_PROBE = 8192;
const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8', { fatal: false });

export function decodeSource(bytes: Uint8Array): Decoded {
  const probe = bytes.subarray(0, BINARY_PROBE);
  if (probe.includes(0)) return { ok: false, reason: 'binary file (NUL byte in the first 8 KiB)' };
  try {
    return { ok: true, text: strict.decode(bytes), replaced: false };
  } catch {
    // Kernel sources hold a few Latin-1 comments: keep the lines, replace the bytes.
    return { ok: true, text: lenient.decode(bytes), replaced: true };
  }
}

/** The text chains are judged on: undefined for a binary file, as for one that cannot be read. */
export function sourceText(bytes: Uint8Array): string | undefined {
  const decoded = decodeSource(bytes);
  return decoded.ok ? decoded.text : undefined;
}
