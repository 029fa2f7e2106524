/**
 * `GET /api/reconciliation`'s body as a zod schema: the `reconcile.v1` document
 * (reconcile/to_json.ts) plus the saved reports it read. Closed objects, as every API schema.
 */
import { z } from "zod";
import { metrics } from "../reconcile/mod.ts";

const day = z.string().describe("a UTC day, YYYY-MM-DD");
const count = z.int().nonnegative();

const cell = z.object({
  gateway: z.number().nullable(),
  provider: z.number().nullable().describe("null: the report does not give this figure"),
  difference: z.number().nullable().describe("gateway - provider"),
  relative_difference: z.number().nullable().describe(
    "difference / provider (1 when the provider says 0 and the gateway does not)",
  ),
  beyond_tolerance: z.boolean(),
});

const metricCells = z.object(
  Object.fromEntries(metrics.map((m) => [m, cell.optional()])) as Record<
    (typeof metrics)[number],
    z.ZodOptional<typeof cell>
  >,
).describe("Tokens by kind, requests, and usd (dollars); a figure neither side has is absent.");

const explanation = z.object({
  cause: z.enum([
    "bypass",
    "unknown_usage",
    "unpriced",
    "partially_priced",
    "price_differs",
    "cache_ttl_split",
    "priority_tier",
    "unexplained",
  ]),
  message: z.string().describe("The cause in words, with its figures."),
  metrics: z.array(z.enum(metrics)),
});

const totalLine = z.object({
  model: z.string().nullable().describe("null: every model together"),
  metrics: metricCells,
  beyond_tolerance: z.boolean(),
  explanations: z.array(explanation),
});

const reconciliationSchema = z.object({
  version: z.literal("reconcile.v1"),
  provider: z.enum(["anthropic", "openai"]),
  tolerance: z.number().nonnegative().describe("the largest accepted difference, a fraction"),
  period: z.object({ from: day.nullable(), to: day.nullable() }),
  report: z.object({
    kinds: z.array(z.enum(["anthropic_usage", "anthropic_cost", "openai_usage", "openai_costs"])),
    covered_from: day.nullable(),
    covered_to: day.nullable(),
    days_compared: count,
    days_not_covered: z.array(day).describe("days with traffic the report does not cover"),
    bad_values: z.record(z.string(), count).describe("report values that could not be read"),
  }),
  verdict: z.object({
    within_tolerance: z.boolean(),
    worst_relative_difference: z.number().nullable(),
    worst: z.object({ day: day.nullable(), model: z.string().nullable(), metric: z.enum(metrics) })
      .nullable(),
    lines_beyond_tolerance: count,
  }),
  lines: z.array(z.object({
    day,
    scope: z.enum(["model", "day_total", "no_model"]),
    model: z.string().nullable(),
    group: z.string().nullable(),
    gateway_models: z.array(z.string()),
    report_models: z.array(z.string()),
    metrics: metricCells,
    gateway_requests_by_cost: z.object({
      priced: count,
      partial: count,
      unpriced: count,
      unknown_usage: count,
    }),
    beyond_tolerance: z.boolean(),
    explanations: z.array(explanation),
  })),
  totals: z.object({ by_model: z.array(totalLine), all: totalLine }),
  notes: z.array(z.string()),
  saved_reports: z.array(z.object({
    name: z.string(),
    saved_at: z.string().describe("RFC 3339 UTC, when `ongoingai reconcile --save` kept it"),
  })).describe("The provider's reports this compared, as saved"),
}).meta({
  id: "Reconciliation",
  description: "The traces against the provider's own usage and cost reports, per UTC day and " +
    "model, with the likely cause of each difference (docs/reconcile.md).",
});

export const reconciliationResponseSchema = z.object({
  items: z.array(reconciliationSchema).describe("One per provider with saved reports"),
  notes: z.array(z.string()).describe(
    "What could not be compared: a provider with no saved report",
  ),
}).meta({ id: "ReconciliationResponse" });
