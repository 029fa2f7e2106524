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
