/** Numbers of a price file in LiteLLM's format, checked before they price anything. */
import { maxUsdPerMillion } from "../config/mod.ts";

/**
 * USD per token to USD per million tokens, without binary noise (3e-06 is 3, not 3.0000000000000004).
 * A result above `maxUsdPerMillion` (or one that overflowed: 1e303 per token) is no real price but
 * a broken or hostile file, and would make costs absurd or infinite: the entry is not taken.
 */
export function perMillionOf(value: unknown): number | "bad_number" | "implausible_price" {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return "bad_number";
  const perMillion = Number((value * 1e6).toPrecision(12));
  if (!Number.isFinite(perMillion) || perMillion > maxUsdPerMillion) return "implausible_price";
  return perMillion;
}
