/**
 * `POST /api/traces/{id}/fork`: the original's fork (reference section 5.3 "Fork"). It writes
 * nothing: it answers the lineage headers a client sends on its next proxied call so that call
 * branches from a checkpoint (the source trace, or `checkpoint_id`) in a new run.
 *
 * The body is optional JSON `{checkpoint_id?, thread_id?, run_id?}`, read bounded (never more
 * than 16 KiB + 1 byte held); unknown fields, trailing JSON and non-objects are refused (400),
 * a larger body is 413. A body must come as `Content-Type: application/json`: the gateway's
 * handler answers 415 before this route otherwise (src/server/json_body.ts). Beyond the original, a value
 * that could not travel as a header (a control character, over 256 characters, which
 * correlation.ts would cut) is refused rather than echoed.
 */
import type { Hono } from "hono";
import { z } from "zod";
import { errorResponse, GatewayError } from "../errors/mod.ts";
import type { TraceStore } from "../store/mod.ts";
import { lineageOf, type Trace } from "../traces/mod.ts";

export const forkBodyLimit = 16 * 1024;

/** As correlation.ts reads a lineage header: at most 256 characters, kept whole. */
const headerValue = () =>
  z.string().trim().max(256).refine(
    (v) => ![...v].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f),
    "no control characters",
  ).optional();

export const traceForkRequestSchema = z.strictObject({
  checkpoint_id: headerValue().describe(
    "The checkpoint to branch from: a trace id of the same lineage group (default the trace).",
  ),
  thread_id: headerValue().describe("The thread of the branch (default the checkpoint's)."),
  run_id: headerValue().describe("The run of the branch (default a new run_<16 hex>)."),
}).meta({
  id: "TraceForkRequest",
  description: "Optional; an empty body takes every default. An empty string counts as absent.",
});

export const traceForkLineageSchema = z.object({
  group_id: z.string(),
  thread_id: z.string(),
  run_id: z.string(),
  parent_checkpoint_id: z.string(),
  checkpoint_seq: z.int().positive(),
}).meta({ id: "TraceForkLineage", description: "The lineage of the branch's next call." });

/** The header names as src/proxy/correlation.ts reads them (case-insensitively). */
export const forkHeaderNames = {
  group_id: "X-OngoingAI-Trace-Group-ID",
  thread_id: "X-OngoingAI-Thread-ID",
  run_id: "X-OngoingAI-Run-ID",
  parent_checkpoint_id: "X-OngoingAI-Parent-Checkpoint-ID",
  checkpoint_seq: "X-OngoingAI-Checkpoint-Seq",
} as const;

export const traceForkResponseSchema = z.object({
  fork_id: z.string().regex(/^fork_[0-9a-f]{16}$/),
  source_trace_id: z.string(),
  source_checkpoint_id: z.string(),
  lineage: traceForkLineageSchema,
  headers: z.object({
    "X-OngoingAI-Trace-Group-ID": z.string(),
    "X-OngoingAI-Thread-ID": z.string(),
    "X-OngoingAI-Run-ID": z.string(),
    "X-OngoingAI-Parent-Checkpoint-ID": z.string(),
    "X-OngoingAI-Checkpoint-Seq": z.string().regex(/^\d+$/),
  }).describe("Send these on the next proxied call."),
}).meta({
  id: "TraceForkResponse",
  description: "Lineage headers for a branch; nothing is stored until the client's next call.",
});

export type TraceForkRequest = z.output<typeof traceForkRequestSchema>;
export type TraceForkResponse = z.output<typeof traceForkResponseSchema>;

const invalid = (why: string) =>
  new GatewayError(
    "invalid_json",
    `invalid fork request body: ${why}; send nothing, or one JSON object with any of ` +
      "checkpoint_id, thread_id, run_id (strings)",
  );

const tooLarge = () =>
  new GatewayError(
    "request_too_large",
    `fork request body too large: over ${forkBodyLimit} bytes; the body holds at most three ids`,
  );

/** The body's bytes, never holding more than the limit + 1. */
export async function readForkBody(req: Request): Promise<Uint8Array> {
  if (req.body === null) return new Uint8Array();
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > forkBodyLimit) {
    await req.body.cancel().catch(() => {});
    throw tooLarge();
  }
  const held = new Uint8Array(forkBodyLimit + 1);
  let n = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const take = Math.min(value.byteLength, held.length - n);
    held.set(value.subarray(0, take), n);
    n += take;
    if (n > forkBodyLimit) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
  }
  return held.subarray(0, n);
}

/** Parses the body: empty means `{}`; absent fields and empty strings are left out. */
export function parseForkBody(bytes: Uint8Array): TraceForkRequest {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalid("not UTF-8");
  }
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("not one JSON document");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalid("not a JSON object");
  }
  const parsed = traceForkRequestSchema.safeParse(value);
  if (!parsed.success) throw invalid(z.prettifyError(parsed.error).replaceAll("\n", " "));
  const out: TraceForkRequest = {};
  for (const [k, v] of Object.entries(parsed.data) as [keyof TraceForkRequest, string][]) {
    if (v !== "") out[k] = v;
  }
  return out;
}

/** Eight random bytes as 16 hex digits. */
export function randomHex16(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)))
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The branch, by the original's rules: group = checkpoint's, else source's (its group header,
 * else its trace_group_id), else the checkpoint id; thread = asked, else checkpoint's, else
 * source's, else `thread_<checkpoint id>`; run = asked, else new; seq = checkpoint's + 1, or 1.
 * Null when both have a group and they differ.
 */
export function deriveFork(
  source: Trace,
  checkpoint: Trace,
  body: TraceForkRequest,
  random: () => string = randomHex16,
): TraceForkResponse | null {
  const s = lineageOf(source);
  const cp = lineageOf(checkpoint);
  if (s.group_id !== null && cp.group_id !== null && s.group_id !== cp.group_id) return null;
  const lineage = {
    group_id: cp.group_id ?? s.group_id ?? checkpoint.id,
    thread_id: body.thread_id ?? cp.thread_id ?? s.thread_id ?? `thread_${checkpoint.id}`,
    run_id: body.run_id ?? `run_${random()}`,
    parent_checkpoint_id: cp.checkpoint_id,
    checkpoint_seq: cp.checkpoint_seq === null ? 1 : cp.checkpoint_seq + 1,
  };
  return {
    fork_id: `fork_${random()}`,
    source_trace_id: source.id,
    source_checkpoint_id: checkpoint.id,
    lineage,
    headers: {
      [forkHeaderNames.group_id]: lineage.group_id,
      [forkHeaderNames.thread_id]: lineage.thread_id,
      [forkHeaderNames.run_id]: lineage.run_id,
      [forkHeaderNames.parent_checkpoint_id]: lineage.parent_checkpoint_id,
      [forkHeaderNames.checkpoint_seq]: String(lineage.checkpoint_seq),
    },
  };
}

const shownId = (id: string) => (id.length > 128 ? `${id.slice(0, 128)}...` : id);

export function registerLineageForkRoute(app: Hono, store: Pick<TraceStore, "getTrace">): void {
  app.post("/api/traces/:id/fork", async (c) => {
    const id = c.req.param("id");
    const scope = c.get("scope");
    const body = parseForkBody(await readForkBody(c.req.raw));
    const source = await store.getTrace(id, scope);
    if (source === null) throw new GatewayError("not_found", `trace ${shownId(id)} not found`);
    const cpId = body.checkpoint_id ?? id;
    const checkpoint = cpId === source.id ? source : await store.getTrace(cpId, scope);
    if (checkpoint === null) {
      throw new GatewayError(
        "not_found",
        `checkpoint not found: no trace ${shownId(cpId)} in your tenant; checkpoint_id takes a ` +
          "trace id of the same lineage (GET /api/traces/{id}/lineage lists them)",
      );
    }
    const fork = deriveFork(source, checkpoint, body);
    if (fork === null) {
      throw new GatewayError(
        "bad_request",
        `checkpoint must belong to the same trace lineage group: ${shownId(cpId)} is in group ` +
          `${lineageOf(checkpoint).group_id}, trace ${shownId(id)} in ${
            lineageOf(source).group_id
          }`,
      );
    }
    return c.json(fork);
  });
  // The registry's 405 table (routes.ts) covers POST, PUT, PATCH and DELETE only; a GET (or
  // HEAD) here is a client mistaking the fork for a read, told so rather than a 404.
  app.get("/api/traces/:id/fork", () =>
    errorResponse(
      new GatewayError(
        "method_not_allowed",
        "GET is not allowed on /api/traces/:id/fork; use POST (the body is optional)",
      ),
      { Allow: "POST" },
    ));
}
