/**
 * The benchmark upstream of the `routing` and `native` scenarios: `stub.ts` (OpenAI, Anthropic)
 * plus what it lacks, in their exact wire formats:
 * - a status knob, `x-bench-status: 503` or the path prefix `/x-bench/status=503/...` (a route
 *   target's `upstream` sets it): the protocol's own error document with that status, so a
 *   route's primary can fail retryably on every request;
 * - the Gemini API: `POST /v1beta/models/{model}:generateContent` (`/v1/` too; one JSON
 *   document) and `:streamGenerateContent?alt=sse` (`data:` chunks, no end marker,
 *   `usageMetadata` totals and `finishReason` on the last);
 * - Bedrock Runtime: `POST /model/{modelId}/converse` (restJson1 document) and `/converse-stream`
 *   (AWS event-stream messages encoded by `@smithy/eventstream-codec`, the AWS SDK's own, with
 *   Bedrock's `p` padding): `messageStart`, text `contentBlockDelta`s, `contentBlockStop`,
 *   `messageStop`, `metadata` with the usage.
 *
 * Native streams are paced as the translate scenario's: `x-bench-chunks` text events (default 20)
 * `x-bench-interval-ms` apart (default 2), text `t0`, `t1`, ... Bodies are built once per shape.
 *
 * Usage: deno run -A bench/stub_native.ts --port PORT
 */
import { parseArgs } from "node:util";
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { handle } from "./stub.ts";

const enc = new TextEncoder();
const codec = new EventStreamCodec(
  (b: Uint8Array) => new TextDecoder().decode(b),
  (t: string) => enc.encode(t),
);
/** The stub's usage (as stub_bodies.ts): 31 tokens in, 12 out. */
export const nativeUsage = { prompt: 31, completion: 12 };
export const nativeStream = { chunks: 20, intervalMs: 2 };
const maxChunks = 10_000;

/** The text of the 1 KB JSON answers: `x` repeated to fill the document. */
function filled(doc: (text: string) => unknown, bytes: number): string {
  const bare = JSON.stringify(doc("")).length;
  return JSON.stringify(doc("x".repeat(Math.max(0, bytes - bare))));
}

const geminiUsage = {
  promptTokenCount: nativeUsage.prompt,
  candidatesTokenCount: nativeUsage.completion,
  totalTokenCount: nativeUsage.prompt + nativeUsage.completion,
  promptTokensDetails: [{ modality: "TEXT", tokenCount: nativeUsage.prompt }],
};

function geminiDocument(text: string, finish: boolean): Record<string, unknown> {
  return {
    candidates: [{
      content: { parts: [{ text }], role: "model" },
      ...(finish ? { finishReason: "STOP" } : {}),
      index: 0,
    }],
    usageMetadata: finish
      ? geminiUsage
      : { promptTokenCount: nativeUsage.prompt, totalTokenCount: nativeUsage.prompt },
    modelVersion: "gemini-2.5-flash",
    responseId: "benchResponse",
  };
}

function converseDocument(text: string): Record<string, unknown> {
  return {
    output: { message: { role: "assistant", content: [{ text }] } },
    stopReason: "end_turn",
    usage: {
      inputTokens: nativeUsage.prompt,
      outputTokens: nativeUsage.completion,
      totalTokens: nativeUsage.prompt + nativeUsage.completion,
    },
    metrics: { latencyMs: 120 },
  };
}

/** The 1 KB JSON answers, as sent (the checks read their text from here). */
export const nativeJson = {
  gemini: filled((t) => geminiDocument(t, true), 1024),
  bedrock: filled(converseDocument, 1024),
};

/** One event-stream message as Bedrock frames it (padding of a length that varies). */
export function eventMessage(type: string, payload: Record<string, unknown>, i: number) {
  const p = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456".slice(
    0,
    5 + (i * 13) % 45,
  );
  return new Uint8Array(codec.encode({
    headers: {
      ":event-type": { type: "string", value: type },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    },
    body: enc.encode(JSON.stringify({ ...payload, p })),
  }));
}

/** Head, one event per text piece, tail: the frames of a paced stream. */
interface Shape {
  head: Uint8Array;
  delta(i: number): Uint8Array;
  tail(chunks: number): Uint8Array;
}

const geminiShape: Shape = {
  head: new Uint8Array(0),
  delta: (i) => enc.encode(`data: ${JSON.stringify(geminiDocument(`t${i}`, false))}\r\n\r\n`),
  // The last chunk holds the last text with the finish reason and the totals.
  tail: () => new Uint8Array(0),
};

const converseShape: Shape = {
  head: eventMessage("messageStart", { role: "assistant" }, 0),
  delta: (i) =>
    eventMessage("contentBlockDelta", { delta: { text: `t${i}` }, contentBlockIndex: 0 }, i + 1),
  tail: (n) => {
    const parts = [
      eventMessage("contentBlockStop", { contentBlockIndex: 0 }, n + 1),
      eventMessage("messageStop", { stopReason: "end_turn" }, n + 2),
      eventMessage("metadata", {
        usage: converseDocument("").usage,
        metrics: { latencyMs: 120 },
      }, n + 3),
    ];
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of parts) out.set(p, (at += p.length) - p.length);
    return out;
  },
};

const frames = new Map<string, Uint8Array>();
function frame(key: string, make: () => Uint8Array): Uint8Array {
  let f = frames.get(key);
  if (f === undefined) frames.set(key, f = make());
  return f;
}

function paced(kind: "gemini" | "bedrock", h: Headers): Response {
  const chunks = Math.min(maxChunks, Math.max(1, intOf(h, "x-bench-chunks", nativeStream.chunks)));
  const intervalMs = intOf(h, "x-bench-interval-ms", nativeStream.intervalMs);
  let i = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const shape = kind === "gemini" ? geminiShape : converseShape;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      if (shape.head.length > 0) c.enqueue(shape.head);
    },
    async pull(c) {
      if (i > 0 && intervalMs > 0) await new Promise((r) => (timer = setTimeout(r, intervalMs)));
      const last = i === chunks - 1;
      c.enqueue(
        kind === "gemini" && last
          ? frame(
            `g-last-${i}`,
            () => enc.encode(`data: ${JSON.stringify(geminiDocument(`t${i}`, true))}\r\n\r\n`),
          )
          : frame(`${kind}-${i}`, () => shape.delta(i)),
      );
      if (++i >= chunks) {
        const tail = frame(`${kind}-tail-${chunks}`, () => shape.tail(chunks));
        if (tail.length > 0) c.enqueue(tail);
        c.close();
      }
    },
    cancel() {
      clearTimeout(timer);
    },
  }, { highWaterMark: 0 });
  const type = kind === "gemini" ? "text/event-stream" : "application/vnd.amazon.eventstream";
  return new Response(body, { headers: { "content-type": type, ...requestId(kind) } });
}

function intOf(h: Headers, name: string, fallback: number): number {
  const n = Number(h.get(name) ?? fallback);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

function requestId(kind: "gemini" | "bedrock"): Record<string, string> {
  return kind === "bedrock" ? { "x-amzn-requestid": "3c0d2a77-bench" } : {};
}

/** `x-bench-status` from the header or the `/x-bench/...` path prefix; null: none. */
function statusKnob(pathname: string, h: Headers): { status: number; path: string } | null {
  const m = /^\/x-bench\/([^/]{1,200})(\/.*)$/.exec(pathname);
  const fromPath = m?.[1]?.split(",").find((p) => p.startsWith("status="))?.slice(7);
  const s = Number(fromPath ?? h.get("x-bench-status") ?? NaN);
  if (!Number.isInteger(s) || s < 400 || s > 599) return null;
  return { status: s, path: m?.[2] ?? pathname };
}

/** The protocol's own error document for `status` (the classifier reads these). */
function errorAnswer(status: number, path: string): Response {
  const message = `The bench stub answers ${status} here (x-bench-status).`;
  if (path.startsWith("/model/")) {
    return Response.json({ message }, {
      status,
      headers: { "x-amzn-errortype": "ServiceUnavailableException:http://internal.amazon.com/" },
    });
  }
  if (/^\/v1(?:beta)?\/models\//.test(path)) {
    return Response.json({ error: { code: status, message, status: "UNAVAILABLE" } }, { status });
  }
  if (path === "/v1/messages") {
    return Response.json({
      type: "error",
      error: { type: "overloaded_error", message },
    }, { status });
  }
  return Response.json({
    error: { message, type: "server_error", param: null, code: null },
  }, { status });
}

const jsonHeaders = { "content-type": "application/json" };

export function handleNative(req: Request): Response | Promise<Response> {
  const url = new URL(req.url);
  const knob = statusKnob(url.pathname, req.headers);
  if (knob !== null) return errorAnswer(knob.status, knob.path);
  const g = /^\/v1(?:beta)?\/models\/[A-Za-z0-9._-]{1,100}:(generateContent|streamGenerateContent)$/
    .exec(url.pathname);
  if (g !== null) {
    if (g[1] === "generateContent") {
      return new Response(nativeJson.gemini, { headers: jsonHeaders });
    }
    if (url.searchParams.get("alt") === "sse") return paced("gemini", req.headers);
  }
  const b = /^\/model\/[^/]{1,200}\/(converse|converse-stream)$/.exec(url.pathname);
  if (b !== null) {
    if (b[1] === "converse") {
      return new Response(nativeJson.bedrock, {
        headers: { ...jsonHeaders, ...requestId("bedrock") },
      });
    }
    return paced("bedrock", req.headers);
  }
  return handle(req);
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });
  Deno.serve(
    { hostname: "127.0.0.1", port: Number(values.port ?? 0), onListen() {} },
    handleNative,
  );
}
