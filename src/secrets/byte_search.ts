/**
 * Finding several byte strings in a body in one pass (Wu-Manber: a shift table over pairs of
 * bytes). A body is scanned for every spelling of every configured secret; one native `indexOf`
 * per spelling costs 0.4-0.8 ms per MiB each on English text, so five keys cost several ms per
 * MiB. One pass over pairs skips up to `m - 1` bytes per step (`m`: the shortest needle) and
 * costs about 0.5 ms per MiB whatever the number of needles (bench/secrets_bench.ts).
 */

export interface ByteSearch {
  /** Every [start, end) where a needle occurs, overlapping ones included, in no fixed order. */
  find(bytes: Uint8Array): [number, number][] | null;
}

/** The window the shift table looks at: long needles gain nothing past this. */
const maxWindow = 255;

/** Needles of at least 2 bytes (shorter ones are ignored); null when there is none. */
export function createByteSearch(needles: readonly Uint8Array[]): ByteSearch | null {
  const list = needles.filter((n) => n.length >= 2);
  if (list.length === 0) return null;
  const m = Math.min(maxWindow, ...list.map((n) => n.length));
  // shift[pair]: how far the window may move when its last two bytes are `pair`.
  const shift = new Uint8Array(65536).fill(m - 1);
  for (const n of list) {
    for (let j = 0; j + 1 < m; j++) {
      const pair = (n[j]! << 8) | n[j + 1]!;
      const s = m - 2 - j;
      if (s < shift[pair]!) shift[pair] = s;
    }
  }
  return {
    find(bytes) {
      let hits: [number, number][] | null = null;
      const len = bytes.length;
      for (let i = m - 1; i < len;) {
        const s = shift[(bytes[i - 1]! << 8) | bytes[i]!]!;
        if (s !== 0) {
          i += s;
          continue;
        }
        const start = i - m + 1;
        for (const n of list) {
          if (start + n.length > len) continue;
          let j = 0;
          while (j < n.length && bytes[start + j] === n[j]) j++;
          if (j === n.length) (hits ??= []).push([start, start + n.length]);
        }
        i++;
      }
      return hits;
    },
  };
}
