/**
 * A mergeable latency histogram with a bounded relative error, so that percentiles over any
 * number of traces come from a few hundred counters instead of sorting every value (the
 * analytics rollups keep one per hour and group).
 *
 * Values go to logarithmic buckets of ratio `gamma` = 1.02: a value v > 0 is counted in bucket
 * i = ceil(log(v) / log(gamma)), which covers (gamma^(i-1), gamma^i], and is read back as that
 * range's midpoint in relative terms, 2 * gamma^i / (gamma + 1). So every estimate is within 1%
 * of a value that was really seen (as DDSketch). Zero and negative values share one bucket read
 * back as 0. Stored as a sparse JSON object `{ "<i>": count }`.
 */

const gamma = 1.02;
const logGamma = Math.log(gamma);
const zeroBucket = "z";

export type Histogram = Map<string, number>;

export function bucketOf(value: number): string {
  if (!(value > 0)) return zeroBucket;
  return String(Math.ceil(Math.log(value) / logGamma));
}

export function bucketValue(bucket: string): number {
  if (bucket === zeroBucket) return 0;
  return (2 * gamma ** Number(bucket)) / (gamma + 1);
}

export function add(h: Histogram, value: number, count = 1): void {
  const b = bucketOf(value);
  h.set(b, (h.get(b) ?? 0) + count);
}

export function merge(into: Histogram, from: Histogram): void {
  for (const [b, n] of from) into.set(b, (into.get(b) ?? 0) + n);
}

export function encodeHistogram(h: Histogram): string {
  return JSON.stringify(Object.fromEntries(h));
}

export function decodeHistogram(text: string | null): Histogram {
  if (text === null || text === "") return new Map();
  return new Map(Object.entries(JSON.parse(text) as Record<string, number>));
}

/**
 * The p-quantile with linear interpolation between closest ranks (rank p * (n - 1), as
 * PostgreSQL's percentile_cont), each rank read from its bucket: within 1% of the exact answer.
 * Null for no values.
 */
export function quantile(h: Histogram, p: number): number | null {
  let n = 0;
  for (const c of h.values()) n += c;
  if (n === 0) return null;
  const rank = p * (n - 1);
  const lo = Math.floor(rank);
  const ordered = [...h.keys()].sort((a, b) =>
    a === zeroBucket ? -1 : b === zeroBucket ? 1 : Number(a) - Number(b)
  );
  const at = (r: number): number => {
    let seen = 0;
    for (const b of ordered) {
      seen += h.get(b)!;
      if (seen > r) return bucketValue(b);
    }
    return bucketValue(ordered.at(-1)!);
  };
  const low = at(lo);
  const frac = rank - lo;
  return frac === 0 ? low : low + frac * (at(lo + 1) - low);
}
