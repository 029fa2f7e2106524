/**
 * `GET /api/analytics/dimensions`: cost by billed dimension ("how much went to cache writes?"),
 * from the cost lines every priced trace keeps (`cost_breakdown`), summed by the store's
 * cost-line rollup. Quantities no price covered are counted apart, never priced as zero.
 */
import { z } from "zod";
import { buckets, costLineGroups, type CostLineRow } from "../store/mod.ts";

const count = z.number().int().nonnegative();

export const dimensionsSchema = z.object({
  group_by: z.enum(costLineGroups).nullable(),
  bucket: z.enum(buckets).nullable(),
  items: z.array(z.object({
    bucket_start: z.string().nullable().describe("start of the bucket; null without bucket"),
    group: z.string().nullable().describe("the group's value; null without group_by"),
    dimension: z.string().describe(
      "a cost line's dimension: input, cached_input, cache_write, cache_write_1h, output, " +
        "reasoning, audio_input, ..., or a tool billed per use (web_search, ...)",
    ),
    unit: z.enum(["per_million_tokens", "per_use"]),
    quantity: count.describe("tokens, or uses of a tool"),
    cost_usd: z.number().nonnegative().describe("what the priced lines cost, US dollars"),
    unpriced_quantity: count.describe(
      "of quantity, the part no price covered (partial or unpriced costs): not in cost_usd",
    ),
    trace_count: count.describe("traces with this line"),
  })).describe("By bucket, then group, then the dearest dimension first"),
}).meta({
  id: "CostDimensions",
  description: "Cost by billed dimension. Traces stored before cost lines existed have none.",
});

/** Sums of doubles drift in the last bits; a cost is shown to 1e-10 USD, as a line's. */
const money = (x: number) => Math.round(x * 1e10) / 1e10;

export function dimensions(
  rows: readonly CostLineRow[],
  shape: Pick<z.infer<typeof dimensionsSchema>, "group_by" | "bucket">,
): z.infer<typeof dimensionsSchema> {
  return {
    ...shape,
    items: rows.map((r) => ({
      ...r,
      unit: r.unit === "per_use" ? "per_use" : "per_million_tokens",
      cost_usd: money(r.cost_usd),
    })),
  };
}

/** What prompt caching saved in one bucket (`cacheSavings`). */
export interface CacheSavings {
  bucket_start: string | null;
  /** Cached input tokens read (the `cached_input` lines), priced or not. */
  cached_tokens: number;
  /** What the priced cached tokens with a known input rate cost, USD. */
  paid_usd: number;
  /** The same tokens at their model's uncached input rate in the bucket, USD. */
  uncached_usd: number;
  /** `uncached_usd - paid_usd`. */
  saved_usd: number;
  /**
   * Cached tokens whose saving is unknown: no price covered them, or their model had no priced
   * uncached input in the bucket to read a rate from. In none of the USD figures.
   */
  unknown_tokens: number;
}

/**
 * What prompt caching saved, from the cost lines grouped by model (`group_by=model`): per bucket
 * and model, the priced `cached_input` tokens at the model's uncached input rate (what its priced
 * `input` lines cost per token in that bucket: cost / priced quantity, so prompt-size tiers and
 * endpoint multipliers count as billed) minus what those cached tokens cost; summed per bucket.
 * Unknown is counted apart (`unknown_tokens`), never saved at zero.
 */
export function cacheSavings(rows: readonly CostLineRow[]): CacheSavings[] {
  const lines = new Map<string, { cached?: CostLineRow; input?: CostLineRow }>();
  for (const r of rows) {
    if (r.dimension !== "cached_input" && r.dimension !== "input") continue;
    const key = `${r.bucket_start}\u0000${r.group}`;
    const pair = lines.get(key) ?? {};
    pair[r.dimension === "input" ? "input" : "cached"] = r;
    lines.set(key, pair);
  }
  const out = new Map<string | null, CacheSavings>();
  for (const { cached, input } of lines.values()) {
    if (cached === undefined || cached.quantity === 0) continue;
    const s = out.get(cached.bucket_start) ?? {
      bucket_start: cached.bucket_start,
      cached_tokens: 0,
      paid_usd: 0,
      uncached_usd: 0,
      saved_usd: 0,
      unknown_tokens: 0,
    };
    out.set(cached.bucket_start, s);
    s.cached_tokens += cached.quantity;
    const pricedInput = input === undefined ? 0 : input.quantity - input.unpriced_quantity;
    const pricedCached = cached.quantity - cached.unpriced_quantity;
    if (pricedInput <= 0) {
      s.unknown_tokens += cached.quantity;
      continue;
    }
    const uncached = pricedCached * (input!.cost_usd / pricedInput);
    s.unknown_tokens += cached.unpriced_quantity;
    s.paid_usd = money(s.paid_usd + cached.cost_usd);
    s.uncached_usd = money(s.uncached_usd + uncached);
    s.saved_usd = money(s.uncached_usd - s.paid_usd);
  }
  return [...out.values()].sort((a, b) => (a.bucket_start ?? "") < (b.bucket_start ?? "") ? -1 : 1);
}
