/**
 * `/api/analytics/*`: usage, cost, models, keys, latency, errors, sessions, failovers and
 * summary, each a
 * view of the store's aggregates, scoped to the caller's tenant. Parameters are strict (query.ts); usage and
 * cost are a single summary unless `group_by` or `bucket` asks for a series.
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import {
  type AnalyticsQuery,
  type Bucket,
  buckets,
  costLineGroups,
  type GroupBy,
  groupColumns,
  sessionLimits,
  type SessionQuery,
  type TraceStore,
} from "../store/mod.ts";
import * as bodies from "./analytics_bodies.ts";
import { sessions as sessionsBody } from "./analytics_attribution.ts";
import { failoverQuery, failoverQuerySchema, failovers } from "./analytics_failovers.ts";
import { dimensions } from "./analytics_dimensions.ts";
import { checkFilterBounds } from "./params.ts";
import { invalidParameter, parseQuery } from "./query.ts";
import { integer, keyFingerprint, oneOf, text, timestamp } from "./query_params.ts";

const groupByValues = Object.keys(groupColumns) as [GroupBy, ...GroupBy[]];

const filters = {
  from: timestamp("lower"),
  to: timestamp("upper"),
  provider: text("a provider id, such as openai"),
  model: text("a model name, such as gpt-4o-mini"),
  api_key_hash: keyFingerprint(),
};
const groupBy = oneOf(groupByValues).describe(
  `one of ${groupByValues.join(", ")} (route is the request path; route_name the configured ` +
    "route a request asked for, docs/routing.md; per session: /api/analytics/sessions, which " +
    "has a limit)",
);
const bucket = oneOf(buckets);

export const analyticsQuerySchemas = {
  usage: z.object({ ...filters, group_by: groupBy, bucket }),
  cost: z.object({ ...filters, group_by: groupBy, bucket }),
  models: z.object(filters),
  keys: z.object(filters),
  latency: z.object({ ...filters, group_by: groupBy, bucket }),
  errors: z.object({ ...filters, group_by: groupBy, bucket }),
  summary: z.object(filters),
  sessions: z.object({
    ...filters,
    developer: text("a developer (the developer of a trace)"),
    agent: text("an agent, such as codex, claude-code, opencode or gemini-cli"),
    session_id: text("a session id (session_id of a trace)"),
    limit: integer(1, sessionLimits.maxLimit).meta({ default: sessionLimits.defaultLimit }),
  }),
  failovers: failoverQuerySchema,
  dimensions: z.object({
    ...filters,
    group_by: oneOf(costLineGroups).describe(
      `one of ${costLineGroups.join(", ")} (the groups the cost lines are kept by)`,
    ),
    bucket,
  }),
};

export type AnalyticsView = keyof typeof analyticsQuerySchemas;

type Parsed = {
  from?: string | undefined;
  to?: string | undefined;
  provider?: string | undefined;
  model?: string | undefined;
  api_key_hash?: string | undefined;
  group_by?: GroupBy | undefined;
  bucket?: Bucket | undefined;
};

/**
 * One row per session of a range has no bound (200,000 sessions, 200,000 rows, and latency would
 * read every trace), and the rollups do not keep sessions: the sessions view answers them, most
 * recent first and limited. Said apart from "must be one of", since it was accepted before.
 */
function refuseSessionGroups(params: URLSearchParams): void {
  if (params.getAll("group_by").some((v) => v.trim().toLowerCase() === "session")) {
    throw invalidParameter(
      "group_by",
      "group_by=session is not offered by this view: one row per session of a range has no " +
        "bound. Use /api/analytics/sessions (most recent sessions first, with limit, and " +
        "developer, agent and session_id filters)",
    );
  }
}

/** The store query for a view's parameters, in the caller's tenant. */
function storeQuery(c: Context, view: AnalyticsView): { query: AnalyticsQuery; parsed: Parsed } {
  const params = new URL(c.req.url).searchParams;
  if ("group_by" in analyticsQuerySchemas[view].shape) refuseSessionGroups(params);
  const parsed: Parsed = parseQuery(analyticsQuerySchemas[view], params);
  const query: AnalyticsQuery = {};
  for (
    const key of ["from", "to", "provider", "model", "api_key_hash", "group_by", "bucket"] as const
  ) {
    const value = parsed[key];
    if (value !== undefined) (query as Record<string, unknown>)[key] = value;
  }
  checkFilterBounds(query);
  const scope = c.get("scope");
  if (scope) query.scope = scope;
  return { query, parsed };
}

/** The sessions view's store query, in the caller's tenant. */
function sessionQuery(c: Context): SessionQuery {
  const parsed = parseQuery(analyticsQuerySchemas.sessions, new URL(c.req.url).searchParams);
  const query: SessionQuery = { limit: parsed.limit ?? sessionLimits.defaultLimit };
  for (
    const key of [
      "from",
      "to",
      "provider",
      "model",
      "api_key_hash",
      "developer",
      "agent",
      "session_id",
    ] as const
  ) {
    const value = parsed[key];
    if (value !== undefined) query[key] = value;
  }
  checkFilterBounds(query);
  const scope = c.get("scope");
  if (scope) query.scope = scope;
  return query;
}

export function registerAnalyticsRoutes(
  app: Hono,
  store: Pick<TraceStore, "aggregate" | "percentiles" | "sessions" | "failovers" | "costLines">,
): void {
  app.get("/api/analytics/dimensions", async (c) => {
    const { query } = storeQuery(c, "dimensions");
    const shape = { group_by: query.group_by ?? null, bucket: query.bucket ?? null };
    return c.json(
      dimensions(await store.costLines(query), shape as Parameters<typeof dimensions>[1]),
    );
  });
  const series = (view: "usage" | "cost") => async (c: Context) => {
    const { query } = storeQuery(c, view);
    const isSeries = query.group_by !== undefined || query.bucket !== undefined;
    if (!isSeries) {
      const rows = await store.aggregate(query);
      return c.json(view === "usage" ? bodies.usageSummary(rows) : bodies.costSummary(rows));
    }
    // A series without a bucket is by day, as in the original.
    const shape = { group_by: query.group_by ?? null, bucket: query.bucket ?? "day" };
    const rows = await store.aggregate({ ...query, bucket: shape.bucket });
    return c.json(
      view === "usage" ? bodies.usageSeries(rows, shape) : bodies.costSeries(rows, shape),
    );
  };
  app.get("/api/analytics/usage", series("usage"));
  app.get("/api/analytics/cost", series("cost"));

  app.get("/api/analytics/models", async (c) => {
    const { query } = storeQuery(c, "models");
    return c.json(bodies.models(await store.aggregate({ ...query, group_by: "model" })));
  });

  app.get("/api/analytics/keys", async (c) => {
    const { query } = storeQuery(c, "keys");
    const rows = await store.aggregate({ ...query, group_by: "api_key_hash", with_key_only: true });
    return c.json(bodies.keys(rows));
  });

  app.get("/api/analytics/latency", async (c) => {
    const { query } = storeQuery(c, "latency");
    const [rows, pct] = await Promise.all([store.aggregate(query), store.percentiles(query)]);
    const shape = { group_by: query.group_by ?? null, bucket: query.bucket ?? null };
    return c.json(bodies.latency(rows, pct, shape));
  });

  app.get("/api/analytics/errors", async (c) => {
    const { query } = storeQuery(c, "errors");
    const shape = { group_by: query.group_by ?? null, bucket: query.bucket ?? null };
    return c.json(bodies.errors(await store.aggregate(query), shape));
  });

  app.get("/api/analytics/sessions", async (c) => {
    return c.json(sessionsBody(await store.sessions(sessionQuery(c))));
  });

  app.get("/api/analytics/failovers", async (c) => {
    const params = new URL(c.req.url).searchParams;
    const query = failoverQuery(parseQuery(analyticsQuerySchemas.failovers, params));
    checkFilterBounds(query);
    const scope = c.get("scope");
    if (scope) query.scope = scope;
    return c.json(failovers(await store.failovers(query)));
  });

  app.get("/api/analytics/summary", async (c) => {
    const { query } = storeQuery(c, "summary");
    const [all, byModel, byKey] = await Promise.all([
      store.aggregate(query),
      store.aggregate({ ...query, group_by: "model" }),
      store.aggregate({ ...query, group_by: "api_key_hash", with_key_only: true }),
    ]);
    return c.json(bodies.summary(all, byModel, byKey));
  });
}
