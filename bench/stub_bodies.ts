/**
 * Wire-format bodies of the benchmark upstream, built once per shape and size so that serving a
 * request costs the stub almost nothing: the stub must never be what limits a measurement.
 */

export type Api = "openai" | "anthropic";

const enc = new TextEncoder();
const usage = { prompt: 31, completion: 12 };

function openaiDocument(content: string): unknown {
  return {
    id: "chatcmpl-bench",
    object: "chat.completion",
    created: 1700000000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{
      index: 0,
      message: { role: "assistant", content, refusal: null },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: {
      prompt_tokens: usage.prompt,
      completion_tokens: usage.completion,
      total_tokens: usage.prompt + usage.completion,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    system_fingerprint: "fp_bench",
  };
}

function anthropicDocument(content: string): unknown {
  return {
    id: "msg_bench",
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5",
    content: [{ type: "text", text: content }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: usage.prompt, output_tokens: usage.completion },
  };
}

/** A complete JSON response of about `bytes` bytes (never less than the bare document). */
export function jsonBody(api: Api, bytes: number): Uint8Array<ArrayBuffer> {
  const doc = api === "openai" ? openaiDocument : anthropicDocument;
  const bare = JSON.stringify(doc("")).length;
  return enc.encode(JSON.stringify(doc("x".repeat(Math.max(0, bytes - bare)))));
}

const sse = (event: string | null, data: string) =>
  `${event === null ? "" : `event: ${event}\n`}data: ${data}\n\n`;

/** Streamed events of one response, split so that content events can be stamped and paced. */
export interface StreamShape {
  /** Sent first, before any pacing. */
  head: string[];
  /** One content event; `{STAMP}` is replaced with the stub's emit time in the paced mode. */
  delta(text: string, stamped: boolean): string;
  /** Sent together after the last content event. */
  tail: string;
}

const stampField = (stamped: boolean) => stamped ? `,"x_emit_ms":{STAMP}` : "";

export function streamShape(api: Api): StreamShape {
  if (api === "openai") {
    const chunk = (delta: string, finish: string, extra = "") =>
      `{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,` +
      `"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_bench","choices":[{"index":0,` +
      `"delta":${delta},"logprobs":null,"finish_reason":${finish}}],"usage":null${extra}}`;
    const usageChunk = `{"id":"chatcmpl-bench","object":"chat.completion.chunk",` +
      `"created":1700000000,"model":"gpt-4o-mini-2024-07-18","system_fingerprint":"fp_bench",` +
      `"choices":[],"usage":{"prompt_tokens":${usage.prompt},"completion_tokens":` +
      `${usage.completion},"total_tokens":${usage.prompt + usage.completion}}}`;
    return {
      head: [sse(null, chunk(`{"role":"assistant","content":""}`, "null"))],
      delta: (text, stamped) =>
        sse(null, chunk(`{"content":${JSON.stringify(text)}}`, "null", stampField(stamped))),
      tail: sse(null, chunk("{}", `"stop"`)) + sse(null, usageChunk) + "data: [DONE]\n\n",
    };
  }
  const start = {
    type: "message_start",
    message: {
      id: "msg_bench",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.prompt, output_tokens: 1 },
    },
  };
  return {
    head: [
      sse("message_start", JSON.stringify(start)),
      sse(
        "content_block_start",
        `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
      ),
    ],
    delta: (text, stamped) =>
      sse(
        "content_block_delta",
        `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":` +
          `${JSON.stringify(text)}}${stampField(stamped)}}`,
      ),
    tail: sse("content_block_stop", `{"type":"content_block_stop","index":0}`) +
      sse(
        "message_delta",
        `{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},` +
          `"usage":{"output_tokens":${usage.completion}}}`,
      ) +
      sse("message_stop", `{"type":"message_stop"}`),
  };
}

/** Precomputed bytes of a bulk stream: head, one repeated content event, tail. */
export interface BulkStream {
  head: Uint8Array<ArrayBuffer>;
  event: Uint8Array<ArrayBuffer>;
  count: number;
  tail: Uint8Array<ArrayBuffer>;
}

/** About `bytes` of SSE in content events of about `eventBytes` each. */
export function bulkStream(api: Api, bytes: number, eventBytes: number): BulkStream {
  const shape = streamShape(api);
  const bare = shape.delta("", false).length;
  const event = enc.encode(shape.delta("y".repeat(Math.max(1, eventBytes - bare)), false));
  return {
    head: enc.encode(shape.head.join("")),
    event,
    count: Math.max(1, Math.round(bytes / event.byteLength)),
    tail: enc.encode(shape.tail),
  };
}
