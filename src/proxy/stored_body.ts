/**
 * Captured bodies as stored: the first `body_max_size` bytes, cut on a character boundary, with
 * the provider key scrubbed out. Pure byte work: a body stays bytes until the store decodes it
 * (see `CapturedBody` in traces/trace.ts for why).
 */
import { concatBytes, withoutCutCharacter } from "../bytes.ts";

export { withoutCutCharacter };

const redacted = new TextEncoder().encode("[REDACTED]");
const keyBytesCache = new Map<string, Uint8Array>();

function keyBytes(rawKey: string): Uint8Array {
  let bytes = keyBytesCache.get(rawKey);
  if (bytes === undefined) {
    bytes = new TextEncoder().encode(rawKey);
    // Keys are few (one per caller); the bound only guards against a flood of distinct ones.
    if (keyBytesCache.size >= 256) keyBytesCache.clear();
    keyBytesCache.set(rawKey, bytes);
  }
  return bytes;
}

function matchesAt(bytes: Uint8Array, at: number, key: Uint8Array, length: number): boolean {
  for (let j = 1; j < length; j++) if (bytes[at + j] !== key[j]) return false;
  return true;
}

/**
 * Upstream error bodies sometimes echo the credential; it must never reach storage, not even
 * the start of it where the capture cap cut the body in the middle of the key. Returns the
 * input itself when there is nothing to scrub (the common case: no copy).
 */
export function scrubKey(bytes: Uint8Array, rawKey: string | null): Uint8Array {
  if (rawKey === null || rawKey.length < 8) return bytes;
  const key = keyBytes(rawKey);
  const first = key[0]!;
  const parts: Uint8Array[] = [];
  let from = 0;
  let at = bytes.indexOf(first);
  while (at !== -1 && at + key.length <= bytes.length) {
    if (matchesAt(bytes, at, key, key.length)) {
      parts.push(bytes.subarray(from, at), redacted);
      from = at + key.length;
      at = bytes.indexOf(first, from);
    } else {
      at = bytes.indexOf(first, at + 1);
    }
  }
  // A body cut at the cap may end with the first 8 or more bytes of the key.
  let tail = 0;
  for (let n = Math.min(key.length - 1, bytes.length - from); n >= 8; n--) {
    if (bytes[bytes.length - n] === first && matchesAt(bytes, bytes.length - n, key, n)) {
      tail = n;
      break;
    }
  }
  if (parts.length === 0 && tail === 0) return bytes;
  parts.push(bytes.subarray(from, bytes.length - tail));
  if (tail > 0) parts.push(redacted);
  return concatBytes(parts);
}
