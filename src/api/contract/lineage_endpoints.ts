/**
 * The original's two lineage endpoints (reference section 5.3 "Replay" and "Fork"): the
 * checkpoints up to a trace, and the headers to branch from one. Neither sends nor stores
 * anything. Spread into the registry after `/api/traces/{id}/lineage`.
 */
import { z } from "zod";
import { replayQuerySchema, traceReplayResponseSchema } from "../lineage_replay.ts";
import { traceForkRequestSchema, traceForkResponseSchema } from "../lineage_fork.ts";
import type { Endpoint } from "./endpoint.ts";
import { errorResponseSchema } from "./schemas.ts";

const error = (description: string) => ({ description, schema: errorResponseSchema });
const storeFailed = error("internal_error: the trace store failed; see the gateway log.");
const traceId = () => z.string().min(1).describe("A trace id, as listed by /api/traces.");

export const lineageEndpoints: readonly Endpoint[] = [
  {
    method: "get",
    path: "/api/traces/{id}/replay",
    operationId: "getTraceLineageCheckpoints",
    access: "analytics:read",
    summary: "Lineage checkpoints up to a trace (nothing is re-sent)",
    description: "The original's GET replay: the trace's lineage chain (as " +
      "/api/traces/{id}/lineage reads it; thread_id and run_id replace the trace's own thread " +
      "and run within its group) from its first checkpoint up to and including checkpoint_id " +
      "(default the trace), with the target's trace detail. At most limit traces are read " +
      "(the newest), always with this trace; only the caller's tenant's. The target's bodies " +
      "are null without bodies:read. To re-send a stored request, see POST on this path.",
    tag: "traces",
    pathParams: { id: traceId() },
    query: replayQuerySchema,
    responses: {
      200: { description: "The checkpoints up to the target.", schema: traceReplayResponseSchema },
      400: error("invalid_parameter: names the parameter and what it accepts."),
      404: error(
        "not_found: no such trace in the caller's scope, or the checkpoint is not in its " +
          "lineage as read (checkpoint not found).",
      ),
      500: storeFailed,
    },
    example: { query: { limit: "0" } },
  },
  {
    method: "post",
    path: "/api/traces/{id}/fork",
    operationId: "forkTrace",
    access: "analytics:read",
    summary: "Lineage headers to branch from a trace's checkpoint (nothing is written)",
    description: "Answers the five X-OngoingAI-* lineage headers for the client's next " +
      "proxied call: the checkpoint's group and thread (or thread_id), a new run (or run_id), " +
      "the checkpoint as parent and its sequence + 1. The body is optional JSON, at most " +
      "16 KiB (a larger one is answered 413 request_too_large), sent as Content-Type: " +
      "application/json (the gateway answers 415 unsupported_media_type otherwise).",
    tag: "traces",
    pathParams: { id: traceId() },
    body: {
      schema: traceForkRequestSchema,
      valid: { thread_id: "thread-branch" },
      invalid: { unexpected: true },
    },
    responses: {
      200: { description: "The branch's lineage and headers.", schema: traceForkResponseSchema },
      400: error(
        "invalid_json: the body is not one JSON object of the documented fields; or " +
          "bad_request: the checkpoint belongs to another lineage group.",
      ),
      404: error("not_found: no such trace or checkpoint in the caller's scope."),
      500: storeFailed,
    },
  },
];
