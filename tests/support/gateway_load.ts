/**
 * Load for end-to-end tests against a real `serve` process: a mix of OpenAI chat (plain and
 * streamed) and Anthropic messages (plain and streamed) over plain fetch, so that every response's
 * status and correlation id are seen; and readers for what the gateway kept (trace pages, queue).
 */
import { poll } from "./process.ts";
import { readLedger } from "./ledger.ts";
import type { TraceDiagnostics } from "../../src/api/diagnostics.ts";

export const loadKeys = {
  openai: "sk-proj-LOADOPENAIKEY0123456789abcdefWXYZ",
  anthropic: "sk-ant-api03-LOADANTHROPICKEY0123456789-abcdQRST",
} as const;

export interface Sent {
  /** 0 when the request failed without a response. */
  status: number;
  correlationId: string | null;
  /** From sending the request to the end of the response body. */
  ms: number;
  error?: string;
}

/** Request number `i` of a mix: OpenAI chat, streamed OpenAI chat, Anthropic, streamed Anthropic. */
export async function sendOne(origin: string, i: number): Promise<Sent> {
  const stream = i % 2 === 1;
  const openai = i % 4 < 2;
  const started = performance.now();
  const res = openai
    ? await fetch(`${origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${loadKeys.openai}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: `hi ${i}` }],
        stream,
      }),
    })
    : await fetch(`${origin}/anthropic/v1/messages`, {
      method: "POST",
      headers: {
        "x-api-key": loadKeys.anthropic,
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
      },
      body: JSON.stringify({
        model: "claude-3-5-haiku-20241022",
        max_tokens: 64,
        messages: [{ role: "user", content: `hi ${i}` }],
        stream,
      }),
    });
  // Read to the end: a streamed trace is complete only once its stream is.
  const body = await res.text();
  if (res.status === 200 && stream && !body.includes("data:")) {
    throw new Error(`request ${i}: a streamed answer without events: ${body.slice(0, 200)}`);
  }
  return {
    status: res.status,
    correlationId: res.headers.get("x-ongoingai-correlation-id"),
    ms: performance.now() - started,
  };
}

/** `total` requests to `origin`, `concurrency` in flight at once, numbered from `first`. */
export async function sendMany(
  origin: string,
  opts: { total: number; concurrency: number; first?: number },
): Promise<Sent[]> {
  const results: Sent[] = new Array(opts.total);
  let next = 0;
  const worker = async () => {
    while (next < opts.total) {
      const i = next++;
      results[i] = await sendOne(origin, (opts.first ?? 0) + i);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return results;
}

/**
 * Clients sending one request after another until `stop()`; then every result, failures
 * included (status 0).
 */
export function continuousLoad(
  origin: string,
  concurrency: number,
): { sent(): number; stop(): Promise<Sent[]> } {
  const results: Sent[] = [];
  let stopped = false;
  let n = 0;
  const clients = Array.from({ length: concurrency }, async () => {
    while (!stopped) {
      const started = performance.now();
      results.push(
        await sendOne(origin, n++).catch((err) => ({
          status: 0,
          correlationId: null,
          ms: performance.now() - started,
          error: String(err),
        })),
      );
    }
  });
  return {
    sent: () => results.length,
    async stop() {
      stopped = true;
      await Promise.all(clients);
      return results;
    },
  };
}

export interface TraceQueue {
  accepted: number;
  written: number;
  /** Every loss: refused on arrival (`refused`) plus accepted and then dropped. */
  dropped: number;
  /** Refused by `enqueue` (queue full, shutting down): never accepted, so never written. */
  refused: number;
  depth: number;
  capacity: number;
}

/** The writer's figures from `/api/diagnostics/trace-pipeline` (health lumps losses together). */
export async function traceQueue(origin: string): Promise<TraceQueue> {
  const l = await readLedger(origin);
  const num = (k: string) => Number(l.raw[k] ?? 0);
  return {
    accepted: l.accepted,
    written: l.written,
    dropped: num("total_dropped_total"),
    refused: num("enqueue_dropped_total"),
    depth: l.queued,
    capacity: num("queue_capacity"),
  };
}

/**
 * Waits until every trace the gateway accepted is written or dropped after acceptance (the
 * ledger with nothing queued), and, with `expectOffered`, until at least that many traces reached
 * the writer: accepted, or refused on arrival with a counted reason. Refusals never enter the
 * ledger (they were not accepted), so a full queue no longer keeps this waiting forever.
 */
export function waitDrained(origin: string, expectOffered?: number): Promise<TraceQueue> {
  return poll(`the trace queue of ${origin} drained`, async () => {
    const q = await traceQueue(origin);
    if (expectOffered !== undefined && q.accepted + q.refused < expectOffered) return undefined;
    const droppedAfterAccept = q.dropped - q.refused;
    return q.depth === 0 && q.written + droppedAfterAccept === q.accepted ? q : undefined;
  });
}

/** The whole `/api/diagnostics/trace-pipeline` document's figures. */
export async function pipelineDiagnostics(origin: string): Promise<TraceDiagnostics> {
  return ((await getJson(origin, "/api/diagnostics/trace-pipeline")) as {
    diagnostics: TraceDiagnostics;
  }).diagnostics;
}

export interface TraceSummary {
  id: string;
  correlation_id: string;
  provider: string;
  streaming: boolean;
  response_status: number;
}

/** Every trace `origin` lists, following `next_cursor` to the last page. */
export async function allTraces(origin: string): Promise<TraceSummary[]> {
  const out: TraceSummary[] = [];
  let cursor: string | null = null;
  for (;;) {
    const url = new URL(`${origin}/api/traces`);
    url.searchParams.set("limit", "200");
    if (cursor !== null) url.searchParams.set("cursor", cursor);
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    const page: { items: TraceSummary[]; next_cursor: string | null } = await res.json();
    out.push(...page.items);
    if (page.next_cursor === null) return out;
    cursor = page.next_cursor;
  }
}

export async function getJson(origin: string, path: string): Promise<unknown> {
  const res = await fetch(`${origin}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return await res.json();
}
