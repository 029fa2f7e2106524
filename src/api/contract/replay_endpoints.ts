/**
 * The contract of `POST /api/traces/{id}/replay` (issue 22), kept apart from endpoints.ts so
 * each file stays readable; spread into the registry after the trace's lineage.
 */
import { z } from "zod";
import { replayOptionsSchema } from "../replay_options.ts";
import type { Endpoint } from "./endpoint.ts";
import { errorResponseSchema } from "./schemas.ts";

const error = (description: string) => ({ description, schema: errorResponseSchema });

const providerAnswer = z.unknown().meta({
  id: "ReplayAnswer",
  description: "The provider's answer to the replayed request, in its own wire format.",
});

export const replayEndpoints: readonly Endpoint[] = [
  {
    method: "post",
    path: "/api/traces/{id}/replay",
    operationId: "replayTrace",
    access: "traces:replay",
    summary: "Send a stored request again, or a changed copy of it (a fork)",
    description: "The stored request goes through the gateway's own proxy path (auth, routes, " +
      "limits, PII policy, pricing, a new trace) to the same gateway path, its body byte for " +
      "byte; `model`, `route`, `provider` and `set` change a copy. The answer is the provider's " +
      "as the proxy returns it (a stream stays a stream), with `X-OngoingAI-Replay-Of` (the " +
      "source) and `X-OngoingAI-Trace-Id` (the new trace, whose `metadata.replay_of` and lineage " +
      "parent name the source). No stored key is used: send your provider key in the header " +
      "its provider reads (`Authorization`, `x-api-key`, ...), or let a key pool serve it. Team " +
      "mode: `traces:replay` and `bodies:read`, the caller's tenant only; the replay itself " +
      "needs `proxy:write` and counts against the caller's limits. Audited (`trace.replayed`, " +
      "`trace.forked`).",
    tag: "traces",
    pathParams: { id: z.string().min(1).describe("A trace id, as listed by /api/traces.") },
    body: {
      schema: replayOptionsSchema,
      valid: { set: { temperature: 0 } },
      invalid: { unexpected: true },
    },
    responses: {
      200: { description: "The provider's answer.", schema: providerAnswer },
      400: error("bad_request or invalid_json: the options are invalid (named in the message)."),
      403: error(
        "permission_denied: the key lacks traces:replay, bodies:read or proxy:write.",
      ),
      404: error("not_found: no such trace in the caller's scope."),
      409: error(
        "not_replayable: the stored request cannot be sent as it was; `reason` is " +
          "body_not_captured, body_truncated, body_altered (PII redaction: pass " +
          "allow_redacted), body_not_json, provider_gone, provider_unknown, provider_protocol, " +
          "model_not_placed, websocket_prewarm or request_invalid (a stored method, path or header " +
          "no request can carry).",
      ),
      413: error("request_too_large: the options body is over 64 KiB."),
      415: error("unsupported_media_type: the options body is not sent as application/json."),
      500: error("internal_error: the trace store failed; see the gateway log."),
    },
  },
];
