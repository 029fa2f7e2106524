/**
 * The contract of `GET /api/live` (issue 25, `ongoingai top`), kept apart from endpoints.ts so
 * each file stays readable.
 */
import { liveQuerySchema } from "../live.ts";
import { liveResponseSchema } from "../live_schema.ts";
import type { Endpoint } from "./endpoint.ts";
import { errorResponseSchema } from "./schemas.ts";

const error = (description: string) => ({ description, schema: errorResponseSchema });

export const liveEndpoints: readonly Endpoint[] = [
  {
    method: "get",
    path: "/api/live",
    operationId: "getLive",
    access: "analytics:read",
    summary: "What this gateway is doing now: rates, open streams, busiest, latest requests",
    description: "The requests this gateway process ended in the last 10 seconds and the last " +
      "minute (kept in memory, at most 50,000; `truncated` says when the cap cut a window), " +
      "the requests open now, the busiest models, keys and agent sessions over the minute, " +
      "and the latest requests, for `ongoingai top`. One instance's view, not the store's. " +
      "Only the caller's tenant; `pipeline` (the trace writer, every tenant's) only with " +
      "`diagnostics:read`. Tokens count known usage only and cost priced requests only, each " +
      "with the count of those left out. docs/api.md.",
    tag: "analytics",
    query: liveQuerySchema,
    responses: {
      200: { description: "The live view.", schema: liveResponseSchema },
      400: error("invalid_parameter: names the parameter at fault and what it accepts."),
    },
    example: { query: { sort: "tokens", limit: "5", recent: "3", filter: "gpt" } },
  },
];
