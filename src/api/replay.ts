/**
 * `POST /api/traces/{id}/replay` (issue 22): sends a stored request again, or a changed copy of
 * it (a fork), through the gateway's own request handler, so it is authorized, routed, limited,
 * policy-checked, priced and traced like any request. The new trace names its source
 * (`metadata.replay_of`, set from a mark no header can forge: proxy/replay_mark.ts) and hangs
 * under it in the lineage (parent checkpoint = the source). The answer is the provider's, as the
 * proxy gives it (a stream stays a stream), with `X-OngoingAI-Replay-Of` and
 * `X-OngoingAI-Trace-Id` naming both traces.
 *
 * Credentials never come from the trace (none is stored): the caller's provider key travels in
 * the header its provider reads (`Authorization`, `x-api-key`, ...) on this request, or a key pool
 * serves it. Team mode: `traces:replay` (the contract's access), `bodies:read` besides (a fork
 * could otherwise make a model repeat a prompt its key may not read), and the caller's own
 * tenant; the replay itself needs `proxy:write` like any request and counts against the
 * caller's limits.
 */
import type { Context, Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors/mod.ts";
import { providerCredentialHeaders, replayKeyHeader } from "../providers/mod.ts";
import { markReplay } from "../proxy/mod.ts";
import type { AuditStore, TraceStore } from "../store/mod.ts";
import type { Trace } from "../traces/mod.ts";
import type { Logger } from "../log/mod.ts";
import { readJsonBody } from "./json_body.ts";
import { planReplay, type ReplayContext, type ReplayPlan } from "./replay_plan.ts";
import { replayLineage } from "./replay_lineage.ts";
import {
  maxReplayOptionsBytes,
  type ReplayOptions,
  replayOptionsSchema,
} from "./replay_options.ts";

export interface ReplayDeps {
  store: Pick<TraceStore, "getTrace">;
  /** The gateway's own request handler (bound after the API is built: server/gateway.ts). */
  send(req: Request): Promise<Response>;
  context: ReplayContext;
  /** Team mode: the header the caller's gateway key travels in, passed on with the replay. */
  gatewayKeyHeader: string | null;
  audit?: AuditStore | undefined;
  now(): number;
  log?: Pick<Logger, "error">;
}

const bodyRules = {
  max: maxReplayOptionsBytes,
  tooLarge: "replay options need only model, route, provider, set and allow_redacted",
  example: '{"model": "gpt-4o-mini", "set": {"temperature": 0}}',
};

export function registerReplayRoute(app: Hono, deps: ReplayDeps): void {
  app.post("/api/traces/:id/replay", async (c) => {
    if (c.get("hideBodies") === true) {
      throw new GatewayError(
        "permission_denied",
        "a replay sends the stored request body, so the key needs bodies:read besides " +
          "traces:replay",
        { permission: "bodies:read" },
      );
    }
    const options = await replayOptions(c.req.raw);
    const id = c.req.param("id");
    const trace = await deps.store.getTrace(id, c.get("scope"));
    if (trace === null) {
      throw new GatewayError(
        "not_found",
        `trace ${id.length > 128 ? `${id.slice(0, 128)}...` : id} not found`,
      );
    }
    const plan = planReplay(trace, options, deps.context);
    let newTraceId: string | null = null;
    const req = markReplay(replayRequest(c, deps, trace, plan), {
      sourceTraceId: trace.id,
      started: (traceId) => void (newTraceId = traceId),
    });
    const answer = await deps.send(req);
    await recordReplay(deps, c, trace, plan, answer.status, newTraceId);
    return withReplayHeaders(answer, trace.id, newTraceId, plan);
  });
}

async function replayOptions(req: Request): Promise<ReplayOptions> {
  const parsed = replayOptionsSchema.safeParse(await readJsonBody(req, bodyRules));
  if (!parsed.success) {
    throw new GatewayError(
      "bad_request",
      `invalid replay options: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** The client's correlation id, if it sent one, names the replay's trace. */
const correlationHeaders = ["x-ongoingai-correlation-id", "x-request-id", "x-correlation-id"];

/** The request the gateway's handler gets: the plan, the lineage, and the caller's credentials. */
function replayRequest(c: Context, deps: ReplayDeps, trace: Trace, plan: ReplayPlan): Request {
  const headers = new Headers(plan.headers);
  for (const [name, value] of Object.entries(replayLineage(trace))) headers.set(name, value);
  const from = c.req.raw.headers;
  const carried = [...providerCredentialHeaders.filter((h) => h !== replayKeyHeader)];
  carried.push(...correlationHeaders);
  if (deps.gatewayKeyHeader !== null) carried.push(deps.gatewayKeyHeader);
  for (const name of carried) {
    const value = from.get(name);
    if (value !== null) headers.set(name, value);
  }
  // The CLI's way: one header, put where the destination reads its key.
  const key = from.get(replayKeyHeader)?.trim();
  if (key) {
    const [name, value] = plan.keyHeader(key);
    if (deps.gatewayKeyHeader !== null && name === deps.gatewayKeyHeader.toLowerCase()) {
      throw new GatewayError(
        "bad_request",
        `the destination reads its key from ${name}, which auth.header makes the gateway key's ` +
          `header; send a key pool's key instead, or change auth.header`,
      );
    }
    headers.set(name, value);
  }
  const url = new URL(plan.url, c.req.url);
  // A stored path is the gateway's own, checked when it was proxied; should one hold dot
  // segments all the same, URL parsing would resolve them elsewhere (`/openai/../api/...`).
  if (url.pathname !== plan.url.split("?")[0]) {
    throw unreplayable(trace, "its path is not a provider path");
  }
  // The caller's host (it passed the host check), in the URL's spelling (`gw:80` is `gw`),
  // which the handler compares the URL with.
  if (from.has("host")) headers.set("host", url.host);
  try {
    return new Request(url, {
      method: plan.method,
      headers,
      ...(plan.body === null ? {} : { body: plan.body }),
      // The caller leaving stops the replay, as it stops any request.
      signal: c.req.raw.signal,
    });
  } catch (err) {
    // A stored value no request can carry (a header with a line break, an odd method).
    throw unreplayable(trace, err instanceof Error ? err.message : String(err));
  }
}

function unreplayable(trace: Trace, why: string): GatewayError {
  return new GatewayError(
    "not_replayable",
    `trace ${trace.id} cannot be sent again: ${why.slice(0, 300)}`,
    { reason: "request_invalid" },
  );
}

/** The headers this route sets: an upstream's own of these names never passes through. */
const replayHeaders = [
  "x-ongoingai-replay-of",
  "x-ongoingai-trace-id",
  "x-ongoingai-replay-changed",
  "x-ongoingai-replay-notes",
  "x-ongoingai-answer-protocol",
  "x-ongoingai-source-answer-protocol",
];

/**
 * `X-OngoingAI-Replay-Of` and the new trace's id only when the replay became an exchange (it
 * was sent, or refused by the proxy with a trace); a refusal before that (auth, a path) is the
 * handler's answer as it is.
 */
function withReplayHeaders(
  answer: Response,
  sourceId: string,
  newTraceId: string | null,
  plan: ReplayPlan,
): Response {
  const headers = new Headers(answer.headers);
  for (const name of replayHeaders) headers.delete(name);
  if (newTraceId === null) {
    return new Response(answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers,
    });
  }
  headers.set("x-ongoingai-replay-of", sourceId);
  headers.set("x-ongoingai-trace-id", newTraceId);
  if (plan.changed.length > 0) headers.set("x-ongoingai-replay-changed", plan.changed.join(","));
  if (plan.notes.length > 0) headers.set("x-ongoingai-replay-notes", plan.notes.join(","));
  // What `ongoingai replay --compare` reads the two answers with (providers' summarizeAnswer).
  if (plan.answerProtocol !== null) headers.set("x-ongoingai-answer-protocol", plan.answerProtocol);
  if (plan.sourceAnswerProtocol !== null) {
    headers.set("x-ongoingai-source-answer-protocol", plan.sourceAnswerProtocol);
  }
  return new Response(answer.body, {
    status: answer.status,
    statusText: answer.statusText,
    headers,
  });
}

/** One audit entry per replay, written before the answer is returned; best effort. */
async function recordReplay(
  deps: ReplayDeps,
  c: Context,
  trace: Trace,
  plan: ReplayPlan,
  status: number,
  newTraceId: string | null,
): Promise<void> {
  if (deps.audit === undefined) return;
  try {
    await deps.audit.appendAudit({
      at: new Date(deps.now()).toISOString(),
      actor: c.get("actor") ?? "local",
      tenant: { org_id: trace.org_id, workspace_id: trace.workspace_id },
      action: plan.changed.length === 0 ? "trace.replayed" : "trace.forked",
      target: trace.id,
      before: null,
      after: { trace_id: newTraceId, status, sent: newTraceId !== null },
      details: {
        method: plan.method,
        path: plan.url.split("?")[0]!.slice(0, 2048),
        changed: plan.changed,
        notes: plan.notes,
      },
    });
  } catch (err) {
    deps.log?.error("audit log append failed", {
      action: "trace.replayed",
      error: err instanceof Error ? err.message : String(err),
    });
  }
}
