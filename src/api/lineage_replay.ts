/**
 * `GET /api/traces/{id}/replay`: the original's lineage replay (reference section 5.3
 * "Replay"), which sends nothing: the checkpoints of the trace's lineage up to and including a
 * target checkpoint, in chain order, and the target's trace detail. Not to be confused with
 * `POST /api/traces/{id}/replay`, which re-sends a stored request.
 *
 * The chain is read as `GET /api/traces/{id}/lineage` and `ongoingai debug` read it
 * (lineage_chain.ts): the trace's group with its thread and run (`thread_id` and `run_id`
 * replace the trace's own), else its thread or run, else its agent session; paged 200 at a
 * time up to `limit`, the source always in, ordered by `sortLineageTraces`. Where the original
 * answered a trace without a group with that trace alone, this also finds the chain by thread,
 * run or session (a superset: the target rule and the shape are the same).
 *
 * Tenant-scoped as trace detail: another tenant's trace is a 404 and its traces never join the
 * chain. The target's bodies are withheld (null) from a key without `bodies:read`.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { GatewayError } from "../errors/mod.ts";
import type { TenantScope } from "../store/mod.ts";
import { lineageOf, type Trace } from "../traces/mod.ts";
import { traceDetailSchema, traceLineageSchema, traceSummarySchema } from "./contract/schemas.ts";
import { withoutBodies } from "./export.ts";
import { buildLineageChain, type ChainStore, lineageLimits } from "./lineage_chain.ts";
import type { ChainSelection } from "./lineage_document.ts";
import { parseQuery } from "./query.ts";
import { integer, text } from "./query_params.ts";
import { traceDetail } from "./trace_detail.ts";

/** As the original: 0..500, 0 (or absent) meaning 200. */
export const replayLimits = { defaultLimit: lineageLimits.defaultLimit, maxLimit: 500 } as const;

export const replayQuerySchema = z.object({
  checkpoint_id: text(
    "a checkpoint id of the trace's lineage (a trace id; default the trace itself)",
  ),
  thread_id: text("a lineage thread id, read in place of the trace's own thread"),
  run_id: text("a lineage run id, read in place of the trace's own run"),
  limit: integer(0, replayLimits.maxLimit, "a number of checkpoints").describe(
    `a number of checkpoints between 0 and ${replayLimits.maxLimit} (0 or absent: ` +
      `${replayLimits.defaultLimit})`,
  ).meta({ id: "ReplayLimit" }),
});

export const traceReplayCheckpointSchema = traceSummarySchema.pick({
  id: true,
  timestamp: true,
  provider: true,
  model: true,
  request_method: true,
  request_path: true,
  response_status: true,
  total_tokens: true,
  latency_ms: true,
  created_at: true,
}).extend({ lineage: traceLineageSchema }).meta({
  id: "TraceReplayCheckpoint",
  description: "One checkpoint (trace) of a lineage chain, in brief.",
});

export const traceReplayResponseSchema = z.object({
  source_trace_id: z.string(),
  target_checkpoint_id: z.string(),
  lineage: traceLineageSchema.describe("The source trace's lineage."),
  checkpoints: z.array(traceReplayCheckpointSchema).describe(
    "The chain in order, from its first checkpoint up to and including the target.",
  ),
  truncated: z.boolean().describe(
    "True when the chain was cut at limit traces (the oldest left out) and the target is its " +
      "last checkpoint, as in the original.",
  ),
  target_trace: traceDetailSchema.describe(
    "The target's trace detail, as GET /api/traces/{id} shows it: bodies null without " +
      "bodies:read.",
  ),
}).meta({
  id: "TraceReplayResponse",
  description: "The lineage checkpoints up to a trace; nothing is sent upstream.",
});

export type TraceReplayCheckpoint = z.output<typeof traceReplayCheckpointSchema>;
export type TraceReplayResponse = z.output<typeof traceReplayResponseSchema>;

export interface ReplayInput {
  id: string;
  query: z.output<typeof replayQuerySchema>;
  scope: TenantScope | undefined;
  hideBodies: boolean;
  now: () => number;
}

const shownId = (id: string) => (id.length > 128 ? `${id.slice(0, 128)}...` : id);

export function toReplayCheckpoint(t: Trace): TraceReplayCheckpoint {
  return {
    id: t.id,
    timestamp: t.timestamp,
    provider: t.provider,
    model: t.model,
    request_method: t.request_method,
    request_path: t.request_path,
    response_status: t.response_status,
    total_tokens: t.total_tokens,
    latency_ms: t.latency_ms,
    created_at: t.created_at,
    lineage: lineageOf(t),
  };
}

/**
 * The chain selection: the trace alone (lineage_chain picks its own group, thread and run),
 * or, with an override, its group with the overriding thread and run. Null: no such trace.
 */
async function selectionFor(
  store: ChainStore,
  input: ReplayInput,
): Promise<ChainSelection | null> {
  const { id, query, scope } = input;
  if (query.thread_id === undefined && query.run_id === undefined) return { trace_id: id };
  const source = await store.getTrace(id, scope);
  if (source === null) return null;
  const l = lineageOf(source);
  const thread = query.thread_id ?? l.thread_id ?? undefined;
  const run = query.run_id ?? l.run_id ?? undefined;
  return {
    trace_id: id,
    ...(l.group_id === null ? {} : { trace_group_id: l.group_id }),
    ...(thread === undefined ? {} : { thread_id: thread }),
    ...(run === undefined ? {} : { run_id: run }),
  };
}

export async function buildReplay(
  store: ChainStore,
  input: ReplayInput,
): Promise<TraceReplayResponse> {
  const { id, query } = input;
  const selection = await selectionFor(store, input);
  const result = selection === null ? null : await buildLineageChain(store, {
    selection,
    options: {
      limit: query.limit || replayLimits.defaultLimit,
      include_diff: false,
      include_headers: false,
      include_bodies: false,
    },
    scope: input.scope,
    now: input.now,
  });
  if (result === null || result.kind !== "ok") {
    throw new GatewayError("not_found", `trace ${shownId(id)} not found`);
  }
  const target = query.checkpoint_id ?? id;
  const ordered = result.traces;
  const at = ordered.findIndex((t) => t.id === target || lineageOf(t).checkpoint_id === target);
  if (at < 0) {
    throw new GatewayError(
      "not_found",
      `checkpoint not found: ${shownId(target)} is not in the lineage of trace ${shownId(id)} ` +
        "as read (your tenant, up to limit traces); GET /api/traces/{id}/lineage lists it",
    );
  }
  const source = ordered.find((t) => t.id === result.document.source_trace_id)!;
  const detail = traceDetail(ordered[at]!);
  return {
    source_trace_id: source.id,
    target_checkpoint_id: target,
    lineage: lineageOf(source),
    checkpoints: ordered.slice(0, at + 1).map(toReplayCheckpoint),
    truncated: result.document.chain.truncated && at === ordered.length - 1,
    target_trace: input.hideBodies ? withoutBodies(detail) : detail,
  };
}

export function registerLineageReplayRoute(
  app: Hono,
  store: ChainStore,
  now: () => number,
): void {
  app.get("/api/traces/:id/replay", async (c) => {
    const query = parseQuery(replayQuerySchema, new URL(c.req.url).searchParams);
    return c.json(
      await buildReplay(store, {
        id: c.req.param("id"),
        query,
        scope: c.get("scope"),
        hideBodies: c.get("hideBodies") === true,
        now,
      }),
    );
  });
}
