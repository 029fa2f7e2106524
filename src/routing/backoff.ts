/**
 * Backoff between attempts on one target: exponential with full jitter (AWS Architecture Blog,
 * "Exponential Backoff And Jitter": sleep = random_between(0, min(cap, base * 2 ** n))), so that
 * clients failing together do not retry together. Randomness is injected for tests.
 */

/** 2 ** 30 already dwarfs any cap; a larger exponent would only risk Infinity. */
const maxExponent = 30;

/**
 * The wait before retry number `retryIndex` (0 for the first retry), in whole ms, in
 * [0, min(capMs, baseMs * 2 ** retryIndex)).
 */
export function fullJitterMs(
  retryIndex: number,
  baseMs: number,
  capMs: number,
  random: () => number,
): number {
  const n = Math.min(maxExponent, Math.max(0, Math.floor(retryIndex)));
  const ceiling = Math.max(0, Math.min(capMs, baseMs * 2 ** n));
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1 - Number.EPSILON) : 0;
  return Math.floor(unit * ceiling);
}
