/**
 * The body of `POST /api/traces/{id}/replay`: all optional. Without any, the stored request is
 * sent again as it was (a replay); with `model`, `route`, `provider` or `set`, a changed copy of it
 * (a fork). Strict: an unknown field is a 400, never ignored.
 */
import { z } from "zod";
import { maxSetMembers } from "./replay_plan.ts";

const topLevelName = z.string().min(1).max(128).regex(
  /^[A-Za-z_][A-Za-z0-9_.-]*$/,
  "must be a JSON member name such as temperature or max_tokens",
);

export const replayOptionsSchema = z.strictObject({
  model: z.string().min(1).max(512).optional().describe(
    "Send to this model instead (in the body's `model`, or the path for Gemini, Vertex, Bedrock " +
      "and Azure deployments).",
  ),
  route: z.string().min(1).max(512).optional().describe(
    "Send through this configured route instead (its name becomes the request's model).",
  ),
  provider: z.string().min(1).max(128).optional().describe(
    "Send to this configured provider instead; it must speak the same wire format.",
  ),
  set: z.record(topLevelName, z.json()).optional().refine(
    (s) => s === undefined || Object.keys(s).length <= maxSetMembers,
    `at most ${maxSetMembers} members`,
  ).refine(
    (s) => s === undefined || !("model" in s),
    "set cannot change model: use model (or route)",
  ).refine(
    (s) => s === undefined || Object.values(s).every(exactNumbers),
    "a number must be finite and, if whole, within +-2^53 (JSON parsing rounds larger ones); " +
      "send it as a string, or change it in the request itself",
  ).describe(
    "Top-level members of the JSON body to replace or add, such as " +
      '{"temperature": 0, "max_tokens": 64}. Every other byte is sent as stored.',
  ),
  allow_redacted: z.boolean().optional().describe(
    "Send a stored body that is not the bytes the client sent (PII redaction); default false.",
  ),
}).meta({
  id: "TraceReplayRequest",
  description: "Optional. Empty: the stored request again; with changes: a fork of it.",
});

/** Every number in a JSON value survives parsing unrounded (else the replay would send another). */
function exactNumbers(v: unknown, depth = 0): boolean {
  if (typeof v === "number") {
    return Number.isFinite(v) && (!Number.isInteger(v) || Number.isSafeInteger(v));
  }
  if (depth > 64 || typeof v !== "object" || v === null) return true;
  return Object.values(v).every((x) => exactNumbers(x, depth + 1));
}

export type ReplayOptions = z.infer<typeof replayOptionsSchema>;

/** Most bytes of the options body. */
export const maxReplayOptionsBytes = 64 * 1024;
