/**
 * `/api/analytics/failovers` (issue 19): per route and per target, the client requests it
 * answered (how many failed over, their attempts in all, the errors the clients saw), and from
 * the attempt records every attempt made on it: failures by outcome and by reason, and how often
 * the route left it for another target. Routed traffic only; read from the routed traces of the
 * range, in the caller's tenant.
 */
import { z } from "zod";
import { failoverLimits, type FailoverQuery, type FailoverRow } from "../store/mod.ts";
import { integer, keyFingerprint, text, timestamp } from "./query_params.ts";

const count = z.number().int().nonnegative();

export const failoverQuerySchema = z.object({
  from: timestamp("lower"),
  to: timestamp("upper"),
  route: text("a route name (route of a trace)"),
  provider: text("the provider of the target, such as openai"),
  model: text("the model sent to the target"),
  api_key_hash: keyFingerprint(),
  limit: integer(1, failoverLimits.maxLimit).meta({ default: failoverLimits.defaultLimit }),
});

const tally = z.record(z.string(), count);

export const failoversSchema = z.object({
  items: z.array(z.object({
    route: z.string().describe("the route's name"),
    provider: z.string().describe("the target's provider"),
    model: z.string().describe("the model sent to the target"),
    request_count: count.describe(
      "client requests of the route this target answered (0: tried, never answered)",
    ),
    failover_count: count.describe(
      "of those, requests that took more than one upstream attempt (a retry or a fallback)",
    ),
    attempt_count: count.describe("upstream attempts of those requests, all of them"),
    error_count: count.describe("of those, requests whose answer had status 400 or above"),
    target_attempt_count: count.describe(
      "upstream attempts made on this target in every request of the route (attempt records)",
    ),
    target_failure_count: count.describe(
      "of those, attempts that failed (any outcome but success)",
    ),
    failures_by_outcome: tally.describe(
      "failed attempts by outcome: status, connect_failed, reset_before_headers, path_refused, " +
        "credentials_failed, timeout, failed_before_commit",
    ),
    failures_by_reason: tally.describe(
      "failed attempts by the policy's reason, such as status_429_rate_limited; the 32 most " +
        "frequent, the rest summed under other",
    ),
    failed_over_from_count: count.describe(
      "times the next attempt of a request went to another target: failovers away from this one",
    ),
  })).describe(
    "most requests first, then by route, provider and model (targets that never answered " +
      "last); at most limit",
  ),
});

/** The store query for the parsed parameters (scope added by the caller). */
export function failoverQuery(parsed: z.infer<typeof failoverQuerySchema>): FailoverQuery {
  const query: FailoverQuery = { limit: parsed.limit ?? failoverLimits.defaultLimit };
  for (const key of ["from", "to", "route", "provider", "model", "api_key_hash"] as const) {
    const value = parsed[key];
    if (value !== undefined) query[key] = value;
  }
  return query;
}

export function failovers(rows: readonly FailoverRow[]): z.infer<typeof failoversSchema> {
  return {
    items: rows.map((r) => ({
      ...r,
      failures_by_outcome: { ...r.failures_by_outcome },
      failures_by_reason: { ...r.failures_by_reason },
    })),
  };
}
