/** Weighted random choice, the one used for targets and for pool keys. */

/** An item with probability weight / total; items of weight <= 0 only when all are. */
export function pickWeighted<T>(
  items: readonly T[],
  weight: (item: T) => number,
  random: () => number,
): T | null {
  if (items.length === 0) return null;
  const w = items.map((i) => {
    const x = weight(i);
    return Number.isFinite(x) && x > 0 ? x : 0;
  });
  const total = w.reduce((a, b) => a + b, 0);
  if (total === 0) return items[0]!;
  const r = random();
  let point = (Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0) * total;
  for (let i = 0; i < items.length; i++) {
    point -= w[i]!;
    if (point < 0 && w[i]! > 0) return items[i]!;
  }
  // Rounding at the top end: the last item with a weight.
  for (let i = items.length - 1; i >= 0; i--) if (w[i]! > 0) return items[i]!;
  return items[0]!;
}
