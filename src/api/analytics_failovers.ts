/**
 * `/api/analytics/failovers` (issue 19): per route and per target that answered, the client
 * requests, how many failed over (more than one upstream attempt), the attempts in all and the
 * errors the clients saw. Routed traffic only; read from the routed traces of the range.
 */
import { z } from "zod";
import { failoverLimits, type FailoverQuery, type FailoverRow } from "../store/mod.ts";
import { integer, text, timestamp } from "./query_params.ts";

const count = z.number().int().nonnegative();

export const failoverQuerySchema = z.object({
  from: timestamp("lower"),
  to: timestamp("upper"),
  route: text("a route name (route of a trace)"),
  provider: text("the provider of the target that answered, such as openai"),
  model: text("the model of the target that answered"),
  limit: integer(1, failoverLimits.maxLimit).meta({ default: failoverLimits.defaultLimit }),
});

export const failoversSchema = z.object({
  items: z.array(z.object({
    route: z.string().describe("the route's name"),
    provider: z.string().describe("the provider of the target that answered"),
    model: z.string().describe("the model the answering target was sent"),
    request_count: count.describe("client requests of the route answered by this target"),
    failover_count: count.describe(
      "of those, requests that took more than one upstream attempt (a retry or a fallback)",
    ),
    attempt_count: count.describe("upstream attempts of those requests, all of them"),
    error_count: count.describe("requests whose answer had status 400 or above"),
  })).describe("most requests first, then by route, provider and model; at most limit"),
});

/** The store query for the parsed parameters (scope added by the caller). */
export function failoverQuery(parsed: z.infer<typeof failoverQuerySchema>): FailoverQuery {
  const query: FailoverQuery = { limit: parsed.limit ?? failoverLimits.defaultLimit };
  for (const key of ["from", "to", "route", "provider", "model"] as const) {
    const value = parsed[key];
    if (value !== undefined) query[key] = value;
  }
  return query;
}

export function failovers(rows: readonly FailoverRow[]): z.infer<typeof failoversSchema> {
  return { items: rows.map((r) => ({ ...r })) };
}
