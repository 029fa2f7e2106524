/**
 * "Did you mean ...?" for typos in config keys and file names. Damerau distance (optimal string
 * alignment) so that a swapped pair of letters (`upstraem`) costs one edit, like a missing one.
 */

export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  const at = (i: number, j: number) => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** `captureBodies`, `Capture-Bodies` and `capture_bodies` are the same key to a human. */
function normalise(key: string): string {
  return key.toLowerCase().replace(/[_\-\s]/g, "");
}

/**
 * The candidate closest to `given`, or undefined when nothing is close enough to be a plausible
 * typo (a third of the length, at least one edit, at most three).
 */
export function closest(given: string, candidates: readonly string[]): string | undefined {
  const g = normalise(given);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === given) continue;
    const distance = normalise(c) === g ? 0 : editDistance(given.toLowerCase(), c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(given.length / 3)));
  // A suggestion that shares nothing with what was typed is noise, not help.
  return bestDistance <= allowed && bestDistance < given.length ? best : undefined;
}
