/**
 * Finding several byte strings in a body in one pass (Wu-Manber: a shift table over pairs of
 * bytes). A body is scanned for every spelling of every configured secret; one native `indexOf`
 * per spelling costs 0.4-0.8 ms per MiB each on English text, so five keys cost several ms per
 * MiB. One pass over pairs skips up to `m - 1` bytes per step (`m`: the shortest needle) and
 * costs about 0.5 ms per MiB whatever the number of needles (bench/secrets_bench.ts).
 *
 * Many needles over a small alphabet (hex secrets) set every pair's shift to 0, so every offset
 * is a candidate. A candidate is compared only with the needles whose window ends in the same
 * (up to) four bytes, found through a hash of them: without that, each candidate was compared
 * with every needle, and 1000 hex secrets cost 5 s per MiB of hex text.
 */

export interface ByteSearch {
  /** Every [start, end) where a needle occurs, overlapping ones included, in no fixed order. */
  find(bytes: Uint8Array): [number, number][] | null;
  /** Needles compared byte by byte so far, over every `find` (the work the tests bound). */
  readonly compared: number;
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
  // Needles by a hash of their window's last `b` bytes, as a candidate's window is hashed.
  const b = Math.min(4, m);
  const tail = (bytes: Uint8Array, end: number): number => {
    let h = 0;
    for (let k = end - b + 1; k <= end; k++) h = (h << 8) | bytes[k]!;
    return Math.imul(h, 0x9e3779b1) >>> 16;
  };
  const buckets: (Uint8Array[] | undefined)[] = new Array(65536);
  for (const n of list) (buckets[tail(n, m - 1)] ??= []).push(n);
  let compared = 0;
  return {
    get compared() {
      return compared;
    },
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
        for (const n of buckets[tail(bytes, i)] ?? []) {
          if (start + n.length > len) continue;
          compared++;
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
