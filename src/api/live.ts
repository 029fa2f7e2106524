/**
 * `GET /api/live` (issue 25): what this gateway process is doing now, for `ongoingai top`. The
 * figures come from the server (server/live.ts): the live window of the last minute's traces,
 * the requests open in every isolate, and the trace writer. The caller's tenant scope limits
 * them like every analytics read; the writer's figures count every tenant's traffic and so are
 * shown only to a caller that may read diagnostics.
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { LiveQuery, LiveView, TenantScope } from "../traces/mod.ts";
import { liveSorts } from "../traces/mod.ts";
import { parseQuery } from "./query.ts";
import { integer, oneOf } from "./query_params.ts";
import { type LiveResponse, liveSchemaVersion } from "./live_schema.ts";

export const maxLiveFilterLength = 200;

export const liveQuerySchema = z.object({
  sort: oneOf(liveSorts).describe(
    "one of requests, tokens, cost, errors: how the busiest lists are ordered (default requests)",
  ),
  limit: integer(1, 50, "an integer").describe(
    "an integer between 1 and 50: entries per busiest list (default 10)",
  ),
  recent: integer(0, 100, "an integer").describe(
    "an integer between 0 and 100: latest requests listed (default 20)",
  ),
  filter: z.string().max(maxLiveFilterLength).optional().describe(
    `text of at most ${maxLiveFilterLength} characters, matched case-insensitively within the ` +
      "provider, model, key label, agent, session id or developer",
  ),
});

/** What the API asks the server for: the query, and whether the writer's figures may be shown. */
export interface LiveRequest extends LiveQuery {
  pipeline: boolean;
}

/** The server's answer to a live request (server/live.ts); may cross isolates, hence a promise. */
export type LiveSource = (r: LiveRequest) => Promise<LiveResponse>;

export interface LiveParts {
  now: number;
  startedAt: number;
  view: LiveView;
  open: { requests: number; streams: number; websockets: number };
  /** Null unless the request may see it. */
  pipeline: LiveResponse["pipeline"];
}

/** The body, from the figures the server gathered for `r`. */
export function liveBody(r: LiveRequest, p: LiveParts): LiveResponse {
  return {
    schema_version: liveSchemaVersion,
    generated_at: new Date(p.now).toISOString(),
    started_at: new Date(p.startedAt).toISOString(),
    scope: r.scope === null
      ? { org_id: null, workspace_id: null }
      : { org_id: r.scope.org_id, workspace_id: r.scope.workspace_id },
    filter: r.filter,
    sort: r.sort,
    open_requests: p.open.requests,
    open_streams: p.open.streams,
    open_websockets: p.open.websockets,
    last_10s: p.view.last_10s,
    last_minute: p.view.last_minute,
    pipeline: r.pipeline ? p.pipeline : null,
    busiest: p.view.busiest,
    recent: p.view.recent,
  };
}

export function registerLiveRoute(app: Hono, source: LiveSource): void {
  app.get("/api/live", async (c) => {
    const q = parseQuery(liveQuerySchema, new URL(c.req.url).searchParams);
    const scope: TenantScope | undefined = c.get("scope");
    // No principal: team mode is off and everything is allowed (as for every route).
    const principal = c.get("principal");
    const request: LiveRequest = {
      scope: scope === undefined
        ? null
        : { org_id: scope.org_id, workspace_id: scope.workspace_id },
      filter: q.filter ?? null,
      sort: q.sort ?? "requests",
      limit: q.limit ?? 10,
      recent: q.recent ?? 20,
      pipeline: principal === undefined || principal.permissions.has("diagnostics:read"),
    };
    return c.json(await source(request));
  });
}
