/**
 * Query parameters of `GET /api/traces` (and of the export, which takes the same filters). The
 * parsing rules are query.ts's; the cross-parameter checks are here.
 */
import { z } from "zod";
import type { TraceFilter, TraceListQuery } from "../store/mod.ts";
import { invalidParameter, parseQuery } from "./query.ts";
import { integer, text, timestamp } from "./query_params.ts";

export const listLimits = { defaultLimit: 50, maxLimit: 200, maxTokens: 1_000_000_000 } as const;

/** The filters shared by the trace list and the export. */
export const traceFilterParams = {
  provider: text("a provider id, such as openai"),
  model: text("a model name, such as gpt-4o-mini"),
  status: integer(100, 599, "an HTTP status code"),
  api_key_hash: text("a provider key fingerprint (api_key_hash of a trace)"),
  from: timestamp("lower"),
  to: timestamp("upper"),
  trace_group_id: text("a lineage group id"),
  thread_id: text("a lineage thread id"),
  run_id: text("a lineage run id"),
  session_id: text("an agent session id (session_id of a trace)"),
  route: text("a route name (route of a trace; docs/routing.md)"),
  min_tokens: integer(0, listLimits.maxTokens),
  max_tokens: integer(0, listLimits.maxTokens),
};

export const traceListQuerySchema = z.object({
  ...traceFilterParams,
  limit: integer(1, listLimits.maxLimit).meta({ default: listLimits.defaultLimit }),
  cursor: text("a next_cursor from a previous page"),
});

export const traceListParameters: readonly string[] = Object.keys(traceListQuerySchema.shape);

/** Bounds that involve two parameters; throws like parseQuery. */
export function checkFilterBounds(filter: TraceFilter): void {
  if (filter.from !== undefined && filter.to !== undefined && filter.to < filter.from) {
    throw invalidParameter("to", "to must be greater than or equal to from");
  }
  if (
    filter.min_tokens !== undefined && filter.max_tokens !== undefined &&
    filter.max_tokens < filter.min_tokens
  ) {
    throw invalidParameter("max_tokens", "max_tokens must be greater than or equal to min_tokens");
  }
}

/** Throws `GatewayError("invalid_parameter", ..., { parameter })` on the first problem. */
export function parseTraceListParams(params: URLSearchParams): TraceListQuery {
  const parsed = parseQuery(traceListQuerySchema, params);
  const query: TraceListQuery = { limit: listLimits.defaultLimit };
  for (const [name, value] of Object.entries(parsed)) {
    if (value !== undefined) (query as unknown as Record<string, unknown>)[name] = value;
  }
  checkFilterBounds(query);
  return query;
}
