/**
 * A local Amazon Bedrock Runtime that speaks the wire format exactly (issue 20 plan section 6,
 * `@aws-sdk/client-bedrock-runtime` 3.1178.0 `dist-es/schemas/schemas_0.js`): restJson1 paths
 * `/model/{modelId}/{converse,converse-stream,invoke,invoke-with-response-stream}` with the id
 * percent-encoded as the SDK sends it; Converse JSON with `usage` (cache read and write);
 * ConverseStream as AWS event-stream messages (`:event-type` = the `ConverseStreamOutput` member,
 * JSON payload plus the random-length `p` padding Bedrock adds), `metadata` last; InvokeModel's
 * Anthropic Messages body plus the `X-Amzn-Bedrock-*-Token-Count` headers; and
 * InvokeModelWithResponseStream as `chunk` messages whose `bytes` hold base64 Anthropic stream
 * events, the last one carrying `amazon-bedrock-invocationMetrics`. Messages are encoded with
 * the gateway's own event-stream encoder (both CRCs; the codec's tests pin it to smithy's) and
 * sent one read each, one of them split across two reads.
 *
 * Scripted by the model id: an id holding `cut` answers a ConverseStream that breaks off inside
 * a message after its first text (the body ends there); `pii` a ConverseStream whose text holds
 * an e-mail address split across two deltas (`piiPieces`); `missing` answers 404
 * `ResourceNotFoundException` as restJson1 does (`x-amzn-errortype` and `{"message"}`).
 */
import {
  encodeEventStreamMessage,
  type EventStreamMessage,
  stringHeaders,
} from "../../src/providers/aws_eventstream.ts";

/** The figures every answer reports, so that stream and non-stream agree. */
export const converseUsage = {
  inputTokens: 12,
  outputTokens: 5,
  totalTokens: 1817,
  cacheReadInputTokens: 1500,
  cacheWriteInputTokens: 300,
};
export const invokeUsage = {
  input_tokens: 680,
  cache_creation_input_tokens: 200,
  cache_read_input_tokens: 1000,
  output_tokens: 38,
};
export const answerText = "Hello there";
export const piiPieces = ["Write to john.do", "e@example.com today."];

export interface BedrockSeen {
  method: string;
  /** The path as sent, still percent-encoded. */
  path: string;
  authorization: string | null;
  accept: string | null;
  body: Record<string, unknown> | null;
}

export interface BedrockStub {
  url: string;
  seen: BedrockSeen[];
  close(): Promise<void>;
}

const enc = new TextEncoder();
const requestId = "3c0d2a77-6c4e-4b1a-9a53-1f4b6a0c2e91";
const ns = ":http://internal.amazon.com/coral/com.amazon.bedrock/";

export function startBedrockStub(): BedrockStub {
  const seen: BedrockSeen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      const text = await req.text();
      seen.push({
        method: req.method,
        path,
        authorization: req.headers.get("authorization"),
        accept: req.headers.get("accept"),
        body: text === "" ? null : JSON.parse(text) as Record<string, unknown>,
      });
      const m = /^\/model\/([^/]+)\/([a-z-]+)$/.exec(path);
      if (req.method !== "POST" || m === null) {
        return awsError(404, "UnknownOperationException", "");
      }
      const id = decodeURIComponent(m[1]!);
      if (id.includes("missing")) {
        return awsError(404, "ResourceNotFoundException", "Model not found: " + id);
      }
      switch (m[2]) {
        case "converse":
          return json(converseDocument());
        case "converse-stream":
          return eventStream(
            converseEvents(id.includes("pii") ? piiPieces : null),
            id.includes("cut"),
          );
        case "invoke":
          return json(anthropicDocument(), invokeHeaders());
        case "invoke-with-response-stream":
          return eventStream(invokeChunks(), false);
      }
      return awsError(400, "ValidationException", `unknown operation ${m[2]}`);
    },
  );
  return { url: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

function json(body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    headers: { "content-type": "application/json", "x-amzn-requestid": requestId, ...headers },
  });
}

function awsError(status: number, type: string, message: string): Response {
  return new Response(JSON.stringify({ message }), {
    status,
    headers: {
      "content-type": "application/json",
      "x-amzn-errortype": type + ns,
      "x-amzn-requestid": requestId,
    },
  });
}

function converseDocument() {
  return {
    output: { message: { role: "assistant", content: [{ text: answerText }] } },
    stopReason: "end_turn",
    usage: converseUsage,
    metrics: { latencyMs: 412 },
  };
}

/** Padding of a length that varies per message, as Bedrock's does. */
function padding(i: number): string {
  return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456".slice(0, 5 + (i * 13) % 45);
}

function event(type: string, payload: Record<string, unknown>, i: number): EventStreamMessage {
  return {
    headers: stringHeaders({
      ":event-type": type,
      ":content-type": "application/json",
      ":message-type": "event",
    }),
    payload: enc.encode(JSON.stringify({ ...payload, p: padding(i) })),
  };
}

function converseEvents(pieces: string[] | null): EventStreamMessage[] {
  const [a, b] = pieces ?? [answerText.slice(0, 5), answerText.slice(5)];
  const events: [string, Record<string, unknown>][] = [
    ["messageStart", { role: "assistant" }],
    ["contentBlockDelta", { delta: { text: a }, contentBlockIndex: 0 }],
    ["contentBlockDelta", { delta: { text: b }, contentBlockIndex: 0 }],
    ["contentBlockStop", { contentBlockIndex: 0 }],
    ["messageStop", { stopReason: "end_turn" }],
    ["metadata", { usage: converseUsage, metrics: { latencyMs: 380 } }],
  ];
  return events.map(([type, payload], i) => event(type, payload, i));
}

function anthropicDocument() {
  return {
    id: "msg_bdrk_01XkVq1p3Ffz8yP2Q6rT9wZb",
    type: "message",
    role: "assistant",
    model: "claude-haiku-4-5-20251001",
    content: [{ type: "text", text: answerText }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: invokeUsage,
  };
}

/** InvokeModel's token-count headers: input without the cached parts, as Converse's. */
function invokeHeaders(): Record<string, string> {
  return {
    "x-amzn-bedrock-input-token-count": String(invokeUsage.input_tokens),
    "x-amzn-bedrock-output-token-count": String(invokeUsage.output_tokens),
    "x-amzn-bedrock-cache-read-input-token-count": String(invokeUsage.cache_read_input_tokens),
    "x-amzn-bedrock-cache-write-input-token-count": String(
      invokeUsage.cache_creation_input_tokens,
    ),
    "x-amzn-bedrock-invocation-latency": "1307",
  };
}

function base64(text: string): string {
  let bin = "";
  for (const b of enc.encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

function invokeChunks(): EventStreamMessage[] {
  const start = { ...anthropicDocument(), content: [], stop_reason: null };
  start.usage = { ...invokeUsage, output_tokens: 1 };
  const events = [
    { type: "message_start", message: start },
    { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hello" } },
    { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " there" } },
    { type: "content_block_stop", index: 0 },
    {
      type: "message_delta",
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: invokeUsage.output_tokens },
    },
    {
      type: "message_stop",
      "amazon-bedrock-invocationMetrics": {
        inputTokenCount: invokeUsage.input_tokens,
        outputTokenCount: invokeUsage.output_tokens,
        invocationLatency: 1307,
        firstByteLatency: 1100,
        cacheReadInputTokenCount: invokeUsage.cache_read_input_tokens,
        cacheWriteInputTokenCount: invokeUsage.cache_creation_input_tokens,
      },
    },
  ];
  return events.map((e, i) => event("chunk", { bytes: base64(JSON.stringify(e)) }, i));
}

/**
 * The messages one read each (the third split across two reads); `cut`: the body ends inside
 * the message after the first text delta.
 */
function eventStream(messages: EventStreamMessage[], cut: boolean): Response {
  const parts = messages.map(encodeEventStreamMessage);
  const reads: Uint8Array[] = [];
  for (const [i, p] of parts.entries()) {
    if (cut && i === 2) {
      reads.push(p.subarray(0, Math.floor(p.length / 2)));
      break;
    }
    if (i === 2) reads.push(p.subarray(0, 7), p.subarray(7));
    else reads.push(p);
  }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = reads.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "application/vnd.amazon.eventstream",
      "x-amzn-requestid": requestId,
    },
  });
}
