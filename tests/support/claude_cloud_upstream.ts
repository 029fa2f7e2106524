/**
 * A loopback Amazon Bedrock Runtime and Vertex AI for Claude Code in its Bedrock and Vertex modes
 * (`wrap --via bedrock|vertex`), answering what Claude Code 2.1.332 sends there (measured against
 * a recording stub) in the services' wire shapes:
 *
 * - Bedrock: `POST /model/{id}/invoke-with-response-stream` answers
 *   `application/vnd.amazon.eventstream`, one `chunk` event message per Anthropic event with the
 *   event's JSON base64 in `bytes` (and `p` padding), `amazon-bedrock-invocationMetrics` on
 *   `message_stop` (tests/testdata/bedrock/invoke_stream_anthropic.json's shape), encoded with
 *   the codec's own encoder (CRCs included); `POST /model/{id}/invoke` the message as JSON with
 *   the token-count headers; `GET /inference-profiles` (the control plane, which Claude Code asks
 *   at start) an empty list.
 * - Vertex: `POST /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:streamRawPredict`
 *   the Messages API's SSE stream as is; `:rawPredict` the message as JSON.
 *
 * Every request is recorded (`upstream_stub.ts`'s shape).
 */
import { encodeEventStreamMessage, stringHeaders } from "../../src/providers/aws_eventstream.ts";
import type { RecordedRequest } from "./upstream_stub.ts";
import { type Answer, messageObject, messagesEvents, type MessagesUsage } from "./wire_events.ts";

export interface CloudScript {
  pieces: readonly string[];
  usage: MessagesUsage;
}

export interface CloudUpstream {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const bedrockPath = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;
const vertexPath =
  /^\/v1\/projects\/[^/]+\/locations\/[^/]+\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;

function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The events of `messagesEvents`, as objects (each SSE frame's `data:` line). */
function anthropicEvents(a: Answer, usage: MessagesUsage): Record<string, unknown>[] {
  return messagesEvents(a, usage).map((frame) => {
    const data = frame.split("\n").find((line) => line.startsWith("data: "))!;
    return JSON.parse(data.slice(6));
  });
}

function bedrockStream(a: Answer, u: MessagesUsage): Response {
  const events = anthropicEvents(a, u).filter((e) => e.type !== "ping");
  const last = events[events.length - 1]!;
  last["amazon-bedrock-invocationMetrics"] = {
    inputTokenCount: u.input,
    outputTokenCount: u.output,
    invocationLatency: 812,
    firstByteLatency: 301,
    cacheReadInputTokenCount: u.cacheRead,
    cacheWriteInputTokenCount: u.cacheWrite5m + u.cacheWrite1h,
  };
  const enc = new TextEncoder();
  const messages = events.map((event, i) => {
    const bytes = btoa(String.fromCharCode(...enc.encode(JSON.stringify(event))));
    const payload = JSON.stringify({ bytes, p: "abcdefghijklmnopqrstuvwxyz".slice(0, 3 + i) });
    return encodeEventStreamMessage({
      headers: stringHeaders({
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
      }),
      payload: enc.encode(payload),
    });
  });
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const m = messages[i++];
      if (m === undefined) c.close();
      else c.enqueue(m);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-bedrock-content-type": "application/json",
      "x-amzn-requestid": "stub-bedrock-request",
    },
  });
}

function sse(frames: string[]): Response {
  const enc = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const frame = frames[i++];
      if (frame === undefined) c.close();
      else c.enqueue(enc.encode(frame));
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

function respond(req: Request, script: CloudScript, n: number): Response {
  const path = decodeURIComponent(new URL(req.url).pathname);
  if (req.method === "GET" && path === "/inference-profiles") {
    return json({ inferenceProfileSummaries: [] });
  }
  const u = script.usage;
  const b = req.method === "POST" ? bedrockPath.exec(path) : null;
  if (b !== null) {
    // Anthropic on Bedrock names the model without the region prefix in its answer.
    const a: Answer = {
      id: `bdrk${n}`,
      model: b[1]!.replace(/^.*anthropic\./, ""),
      pieces: script.pieces,
    };
    if (b[2] === "invoke-with-response-stream") return bedrockStream(a, u);
    return json(messageObject(a, u), 200, {
      "x-amzn-bedrock-input-token-count": String(u.input),
      "x-amzn-bedrock-output-token-count": String(u.output),
      "x-amzn-bedrock-cache-read-input-token-count": String(u.cacheRead),
      "x-amzn-bedrock-cache-write-input-token-count": String(u.cacheWrite5m + u.cacheWrite1h),
    });
  }
  const v = req.method === "POST" ? vertexPath.exec(path) : null;
  if (v !== null) {
    const a: Answer = { id: `vrtx${n}`, model: v[1]!, pieces: script.pieces };
    return v[2] === "streamRawPredict" ? sse(messagesEvents(a, u)) : json(messageObject(a, u));
  }
  return json({ message: `no route ${req.method} ${path}` }, 404, {
    "x-amzn-errortype": "UnknownOperationException",
  });
}

export function startCloudUpstream(script: CloudScript): Promise<CloudUpstream> {
  const requests: RecordedRequest[] = [];
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ url: `http://127.0.0.1:${port}`, requests, close: () => server.shutdown() }),
    }, async (req) => {
      const url = new URL(req.url);
      requests.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: Object.fromEntries(req.headers),
        body: await req.text(),
      });
      return respond(req, script, requests.length);
    });
  });
}
