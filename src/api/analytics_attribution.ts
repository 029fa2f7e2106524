/**
 * Attribution in analytics (issue 18, items 3 and 4): the sessions view, and the requests that
 * named no model, which per-model listings count apart instead of ranking them as a model.
 */
import { z } from "zod";
import { perTokenField } from "../providers/mod.ts";
import { type AggregateRow, type SessionRow, unnamedModel } from "../store/mod.ts";

const count = z.number().int().nonnegative();
const timestamp = z.string().describe("RFC 3339 UTC");

/**
 * Requests that named no model: traced, and counted in every total, but no generation of any
 * model, so per-model listings leave them out of their items and report them here.
 */
export const nonGenerationSchema = z.object({
  request_count: count,
  error_count: count,
  unpriced_count: count,
  unknown_usage_count: count,
}).describe(
  "Requests that named no model (health probes such as Claude Code's HEAD /anthropic/api/hello, " +
    "model lists, refused WebSocket upgrades), stored with model 'unknown': counted in the " +
    "totals, never ranked as a model. Present when the items are grouped by model.",
);

/** A row of requests that named no model (see `nonGenerationSchema`). */
export const isNonGeneration = (r: AggregateRow) => r.group === null || r.group === unnamedModel;

/** The figures of the rows that named no model, summed. */
export function nonGeneration(rows: readonly AggregateRow[]): z.infer<typeof nonGenerationSchema> {
  const out = { request_count: 0, error_count: 0, unpriced_count: 0, unknown_usage_count: 0 };
  for (const r of rows) {
    if (!isNonGeneration(r)) continue;
    out.request_count += r.request_count;
    out.error_count += r.error_count_4xx + r.error_count_5xx;
    out.unpriced_count += r.unpriced_count;
    out.unknown_usage_count += r.unknown_usage_count;
  }
  return out;
}

const claimed = (what: string) => z.string().nullable().describe(`${what}; null when none`);

export const sessionsSchema = z.object({
  items: z.array(z.object({
    org_id: z.string().describe("the session's organization (a session is tenant and id)"),
    workspace_id: z.string().describe(
      "the session's workspace: two tenants' sessions with one id are two sessions",
    ),
    session_id: z.string().describe(
      "X-OngoingAI-Session-Id, or the agent's own session id (claimed by the client)",
    ),
    agent: claimed("codex, claude-code, opencode, ... (claimed by the client's user-agent)"),
    developer: claimed(
      "the gateway key id in team mode, else the claimed X-OngoingAI-User label",
    ),
    first_seen_at: timestamp,
    last_seen_at: timestamp,
    request_count: count,
    ...perTokenField(() => count),
    total_cost_usd: z.number().nonnegative().nullable().describe(
      "US dollars over priced traces; null when nothing with a cost could be priced; a lower " +
        "bound when partial_count, unpriced_count or unknown_usage_count is not 0",
    ),
    priced_count: count,
    partial_count: count.describe(
      "traces priced but for a dimension their price row does not price: their priced part only",
    ),
    unpriced_count: count.describe("traces with known usage but no price: not in the cost"),
    unknown_usage_count: count.describe("traces whose usage is unknown: not in tokens or cost"),
    error_count: count.describe("answers with status 400 or above"),
    non_generation_count: count.describe(
      "requests of the session that named no model (probes, model lists)",
    ),
    models: z.array(z.object({ model: z.string(), request_count: count })).describe(
      "models the session generated with, most requests first",
    ),
  })),
});

/** Sums of doubles drift in the last bits; a cost is shown to the nano-dollar. */
const money = (x: number | null) => (x === null ? null : Math.round(x * 1e9) / 1e9);

export function sessions(rows: readonly SessionRow[]): z.infer<typeof sessionsSchema> {
  return { items: rows.map((r) => ({ ...r, total_cost_usd: money(r.total_cost_usd) })) };
}
