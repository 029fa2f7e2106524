/**
 * The benchmark upstream: OpenAI chat completions and Anthropic messages, plain JSON or SSE,
 * tuned per request by headers (which every proxy under test forwards unchanged):
 * - `x-bench-bytes: N`: size of a JSON response (default 1024), or of a bulk stream;
 * - `x-bench-stream: paced`: `x-bench-chunks` content events `x-bench-interval-ms` apart, each
 *   stamped with the stub's emit time (`x_emit_ms`, this process's clock) so that a client can
 *   tell how late every event arrived relative to the others of its stream;
 * - `x-bench-stream: bulk`: `x-bench-bytes` of content events as fast as the reader takes them.
 *
 * The same knobs may come from a path prefix, `/x-bench/stream=paced,chunks=20/v1/messages`: a
 * provider's `upstream` with that base path sets them for requests that carry no header of the
 * client, such as a translated one (the gateway sends another protocol only its own headers).
 *
 * Bodies are built once per shape and cached, and the request body is never parsed, so the
 * stub stays far faster than anything in front of it (the harness checks this).
 *
 * Usage: deno run -A bench/stub.ts --port PORT
 */
import { parseArgs } from "node:util";
import { type Api, type BulkStream, bulkStream, jsonBody, streamShape } from "./stub_bodies.ts";

const enc = new TextEncoder();
const jsonCache = new Map<string, Uint8Array<ArrayBuffer>>();
const bulkCache = new Map<string, BulkStream>();
const bulkEventBytes = 16 * 1024;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let v = cache.get(key);
  if (v === undefined) cache.set(key, v = make());
  return v;
}

const jsonHeaders = { "content-type": "application/json", "x-request-id": "req_bench" };
const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

function intHeader(h: Headers, name: string, fallback: number): number {
  const n = Number(h.get(name) ?? fallback);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

function paced(api: Api, chunks: number, intervalMs: number): Response {
  const shape = streamShape(api);
  let i = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(enc.encode(shape.head.join("")));
    },
    async pull(c) {
      if (i > 0) await new Promise((r) => (timer = setTimeout(r, intervalMs)));
      const stamp = (performance.now()).toFixed(3);
      c.enqueue(enc.encode(shape.delta(`t${i}`, true).replace("{STAMP}", stamp)));
      if (++i >= chunks) {
        c.enqueue(enc.encode(shape.tail));
        c.close();
      }
    },
    cancel() {
      clearTimeout(timer);
    },
  }, { highWaterMark: 0 });
  return new Response(stream, { headers: sseHeaders });
}

function bulk(b: BulkStream): Response {
  let i = -1;
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (i < 0) c.enqueue(b.head.slice());
      else if (i < b.count) c.enqueue(b.event.slice());
      else {
        c.enqueue(b.tail.slice());
        c.close();
      }
      i++;
    },
  }, { highWaterMark: 0 });
  return new Response(stream, { headers: sseHeaders });
}

/** Knobs from a `/x-bench/<name>=<value>,...` path prefix over the request's headers. */
function knobs(pathname: string, headers: Headers): { path: string; h: Headers } {
  const m = /^\/x-bench\/([^/]{1,200})(\/.*)$/.exec(pathname);
  if (m === null) return { path: pathname, h: headers };
  const h = new Headers(headers);
  for (const pair of m[1]!.split(",")) {
    const [name, value] = pair.split("=");
    if (name && value !== undefined) h.set(`x-bench-${name}`, value);
  }
  return { path: m[2]!, h };
}

export function handle(req: Request): Response {
  const url = new URL(req.url);
  if (url.pathname === "/health") return new Response("ok");
  const { path, h } = knobs(url.pathname, req.headers);
  const api: Api | null = path === "/v1/chat/completions"
    ? "openai"
    : path === "/v1/messages"
    ? "anthropic"
    : null;
  if (api === null) return new Response(`{"error":"no such path"}`, { status: 404 });
  const mode = h.get("x-bench-stream");
  if (mode === "paced") {
    return paced(
      api,
      Math.max(1, intHeader(h, "x-bench-chunks", 10)),
      intHeader(h, "x-bench-interval-ms", 20),
    );
  }
  const bytes = intHeader(h, "x-bench-bytes", 1024);
  if (mode === "bulk") {
    return bulk(cached(bulkCache, `${api}:${bytes}`, () => bulkStream(api, bytes, bulkEventBytes)));
  }
  return new Response(cached(jsonCache, `${api}:${bytes}`, () => jsonBody(api, bytes)), {
    headers: jsonHeaders,
  });
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
  Deno.serve({ hostname: "127.0.0.1", port: Number(values.port ?? 0), onListen() {} }, handle);
}
