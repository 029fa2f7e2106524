/**
 * A local upstream that speaks the OpenAI and Anthropic wire formats exactly (SSE framing,
 * event names, usage objects), so end-to-end tests run the official SDKs with no network.
 * Token counts are fixed per endpoint (`stubUsage`) so tests know what every trace must say.
 *
 * Test knobs travel as request headers (the gateway forwards them like any client header):
 * - `x-stub-status: 429` answers with that status and a provider-shaped error body;
 * - `x-stub-cut: N` sends N stream events, then breaks the connection;
 * - `x-stub-hang: headers|body` never answers, or stops after the first event;
 * - `x-stub-gzip: 1` compresses the response body;
 * - `x-stub-say: TEXT` makes TEXT (percent-decoded) the model's answer (chat, responses,
 *   messages); streamed, it comes in pieces of `x-stub-piece` characters (default 4), so values
 *   split across events.
 */

export const stubUsage = {
  chat: { prompt: 31, completion: 12, cached: 8, reasoning: 4 },
  completions: { prompt: 5, completion: 7 },
  responses: { input: 40, output: 22, cached: 16, reasoning: 6 },
  embeddings: { prompt: 9 },
  messages: { input: 25, output: 14, cacheRead: 100, cacheWrite: 50 },
} as const;

export interface RecordedRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: string;
}

export interface UpstreamStub {
  url: string;
  requests: RecordedRequest[];
  /** Resolves when the stub saw the client (the gateway) cancel a response body. */
  cancelled: Promise<string>;
  close(): Promise<void>;
}

const enc = new TextEncoder();
const sse = (event: string | null, data: unknown) =>
  `${event ? `event: ${event}\n` : ""}data: ${
    typeof data === "string" ? data : JSON.stringify(data)
  }\n\n`;

export interface StubHandler {
  handler(req: Request): Promise<Response>;
  requests: RecordedRequest[];
  cancelled: Promise<string>;
}

/** The stub as a plain handler: pass `handler` as the gateway's `fetch` for socket-free tests. */
export function createStubHandler(): StubHandler {
  const requests: RecordedRequest[] = [];
  let onCancel: (path: string) => void = () => {};
  const cancelled = new Promise<string>((r) => (onCancel = r));
  return {
    requests,
    cancelled,
    async handler(req) {
      const url = new URL(req.url);
      const body = await req.text();
      requests.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: Object.fromEntries(req.headers),
        body,
      });
      return respond(req, url.pathname, body, (p) => onCancel(p));
    },
  };
}

/** A fetch that serves every request from the stub, with the redirect option honoured. */
export function stubFetch(stub: StubHandler): typeof fetch {
  return async (input, init) => {
    const req = new Request(input, init);
    const res = await stub.handler(req);
    if (init?.signal?.aborted) throw new DOMException("aborted", "AbortError");
    return res;
  };
}

export function startUpstreamStub(): Promise<UpstreamStub> {
  const stub = createStubHandler();
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({
          url: `http://127.0.0.1:${port}`,
          requests: stub.requests,
          cancelled: stub.cancelled,
          close: () => server.shutdown(),
        }),
    }, stub.handler);
  });
}

function json(data: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", "x-request-id": "req_stub_1", ...extra },
  });
}

async function respond(
  req: Request,
  path: string,
  body: string,
  onCancel: (path: string) => void,
): Promise<Response> {
  const h = req.headers;
  const status = Number(h.get("x-stub-status") ?? 0);
  const anthropic = h.has("anthropic-version") || path.startsWith("/v1/messages");
  if (status >= 400) {
    return json(
      anthropic
        ? { type: "error", error: { type: "rate_limit_error", message: "stub limit" } }
        : { error: { message: "stub limit", type: "rate_limit_exceeded", code: null } },
      status,
      { "retry-after": "7" },
    );
  }
  if (h.get("x-stub-hang") === "headers") {
    // Hang until the caller gives up, so that the stub can still shut down.
    await new Promise((r) => req.signal.addEventListener("abort", r, { once: true }));
    return new Response(null, { status: 499 });
  }
  if (h.get("x-stub-redirect")) {
    return new Response(null, { status: 307, headers: { location: h.get("x-stub-redirect")! } });
  }
  const parsed = body ? JSON.parse(body) : {};
  const say = decodedSay(h.get("x-stub-say"));
  const answer: Answer = say === null
    ? { text: defaultAnswer, pieces: ["Hello", " from the stub."] }
    : { text: say, pieces: piecesOf(say, Number(h.get("x-stub-piece") ?? 4)) };
  const events = eventsFor(path, parsed, answer);
  let res: Response;
  if (events === null) {
    res = json(documentFor(path, parsed, answer.text), 200);
  } else {
    res = streamEvents(events, h, path, onCancel);
  }
  if (h.get("x-stub-gzip") === "1" && res.body) {
    const headers = new Headers(res.headers);
    headers.set("content-encoding", "gzip");
    return new Response(res.body.pipeThrough(new CompressionStream("gzip")), { headers });
  }
  return res;
}

function streamEvents(
  events: string[],
  h: Headers,
  path: string,
  onCancel: (path: string) => void,
): Response {
  const cut = h.has("x-stub-cut") ? Number(h.get("x-stub-cut")) : null;
  const hangBody = h.get("x-stub-hang") === "body";
  const delayMs = Number(h.get("x-stub-delay-ms") ?? 0);
  let i = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let release = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (delayMs > 0) await new Promise((r) => (timer = setTimeout(r, delayMs)));
      if (cut !== null && i >= cut) {
        c.error(new Error("stub cut the stream"));
        return;
      }
      if (hangBody && i >= 1) return await new Promise<void>((r) => (release = r));
      const ev = events[i++];
      if (ev === undefined) c.close();
      else c.enqueue(enc.encode(ev));
    },
    cancel() {
      clearTimeout(timer);
      release();
      onCancel(path);
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}

type Json = Record<string, unknown>;

const defaultAnswer = "Hello from the stub.";

interface Answer {
  text: string;
  /** The text as streamed deltas. */
  pieces: string[];
}

/** Header values are ASCII: non-ASCII answers travel percent-encoded. */
function decodedSay(value: string | null): string | null {
  if (value === null) return null;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function piecesOf(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function documentFor(path: string, req: Json, text: string): unknown {
  const model = (req.model as string | undefined) ?? "gpt-4o-mini";
  const u = stubUsage;
  switch (path) {
    case "/v1/chat/completions":
      return {
        id: "chatcmpl-stub",
        object: "chat.completion",
        created: 1700000000,
        model: `${model}-2024-07-18`,
        choices: [{
          index: 0,
          message: { role: "assistant", content: text, refusal: null },
          logprobs: null,
          finish_reason: "stop",
        }],
        usage: {
          prompt_tokens: u.chat.prompt,
          completion_tokens: u.chat.completion,
          total_tokens: u.chat.prompt + u.chat.completion,
          prompt_tokens_details: { cached_tokens: u.chat.cached, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: u.chat.reasoning, audio_tokens: 0 },
        },
        system_fingerprint: "fp_stub",
      };
    case "/v1/completions":
      return {
        id: "cmpl-stub",
        object: "text_completion",
        created: 1700000000,
        model,
        choices: [{ text: " world", index: 0, logprobs: null, finish_reason: "stop" }],
        usage: {
          prompt_tokens: u.completions.prompt,
          completion_tokens: u.completions.completion,
          total_tokens: u.completions.prompt + u.completions.completion,
        },
      };
    case "/v1/responses":
      return responseObject(model, "completed", text);
    case "/v1/embeddings":
      return {
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, -0.2, 0.3] }],
        model,
        usage: { prompt_tokens: u.embeddings.prompt, total_tokens: u.embeddings.prompt },
      };
    case "/v1/models":
      return {
        object: "list",
        data: [{ id: "gpt-4o-mini", object: "model", created: 1700000000, owned_by: "system" }],
        // The Anthropic list shape, for the same path under the other provider.
        has_more: false,
        first_id: "gpt-4o-mini",
        last_id: "gpt-4o-mini",
      };
    case "/v1/messages":
      return {
        id: "msg_stub",
        type: "message",
        role: "assistant",
        model,
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        stop_sequence: null,
        usage: {
          input_tokens: u.messages.input,
          output_tokens: u.messages.output,
          cache_read_input_tokens: u.messages.cacheRead,
          cache_creation_input_tokens: u.messages.cacheWrite,
          ...anthropicBillingFacts(u.messages.cacheWrite),
        },
      };
    case "/v1/messages/count_tokens":
      return { input_tokens: 42 };
    default:
      return { ok: true, path };
  }
}

function responseObject(model: string, status: string, text = defaultAnswer): Json {
  const u = stubUsage.responses;
  return {
    id: "resp_stub",
    object: "response",
    created_at: 1700000000,
    status,
    model: `${model}-2024-07-18`,
    output: [{
      type: "message",
      id: "msg_stub",
      status: "completed",
      role: "assistant",
      content: [{ type: "output_text", text, annotations: [] }],
    }],
    usage: {
      input_tokens: u.input,
      input_tokens_details: { cached_tokens: u.cached },
      output_tokens: u.output,
      output_tokens_details: { reasoning_tokens: u.reasoning },
      total_tokens: u.input + u.output,
    },
  };
}

/**
 * What Anthropic's usage says beside the counts (a message's and `message_start`'s): the cache
 * writes by lifetime and the tier that served it. The trace keeps them (`metadata.usage_billing`).
 */
export function anthropicBillingFacts(cacheWrite: number) {
  return {
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite, ephemeral_1h_input_tokens: 0 },
    service_tier: "standard",
  };
}

/** Event list for a streamed request, or null when the request is not streamed. */
function eventsFor(path: string, req: Json, answer: Answer): string[] | null {
  if (req.stream !== true) return null;
  const model = (req.model as string | undefined) ?? "gpt-4o-mini";
  if (path === "/v1/chat/completions") {
    const u = stubUsage.chat;
    const includeUsage = (req.stream_options as Json | undefined)?.include_usage === true;
    const chunk = (delta: Json, finish: string | null) => ({
      id: "chatcmpl-stub",
      object: "chat.completion.chunk",
      created: 1700000000,
      model: `${model}-2024-07-18`,
      system_fingerprint: "fp_stub",
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
    const out = [
      sse(null, chunk({ role: "assistant", content: "", refusal: null }, null)),
      ...answer.pieces.map((content) => sse(null, chunk({ content }, null))),
      sse(null, chunk({}, "stop")),
    ];
    if (includeUsage) {
      out.push(sse(null, {
        id: "chatcmpl-stub",
        object: "chat.completion.chunk",
        created: 1700000000,
        model: `${model}-2024-07-18`,
        system_fingerprint: "fp_stub",
        choices: [],
        usage: {
          prompt_tokens: u.prompt,
          completion_tokens: u.completion,
          total_tokens: u.prompt + u.completion,
          prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: u.reasoning, audio_tokens: 0 },
        },
      }));
    }
    out.push("data: [DONE]\n\n");
    return out;
  }
  if (path === "/v1/completions") {
    const u = stubUsage.completions;
    const includeUsage = (req.stream_options as Json | undefined)?.include_usage === true;
    const base = { id: "cmpl-stub", object: "text_completion", created: 1700000000, model };
    const out = [
      sse(null, {
        ...base,
        choices: [{ text: " world", index: 0, logprobs: null, finish_reason: null }],
      }),
      sse(null, {
        ...base,
        choices: [{ text: "", index: 0, logprobs: null, finish_reason: "stop" }],
      }),
    ];
    if (includeUsage) {
      out.push(sse(null, {
        ...base,
        choices: [],
        usage: {
          prompt_tokens: u.prompt,
          completion_tokens: u.completion,
          total_tokens: u.prompt + u.completion,
        },
      }));
    }
    out.push("data: [DONE]\n\n");
    return out;
  }
  if (path === "/v1/responses") {
    const inProgress = { ...responseObject(model, "in_progress"), usage: null, output: [] };
    return [
      sse("response.created", {
        type: "response.created",
        sequence_number: 0,
        response: inProgress,
      }),
      sse("response.in_progress", {
        type: "response.in_progress",
        sequence_number: 1,
        response: inProgress,
      }),
      ...answer.pieces.map((delta, i) =>
        sse("response.output_text.delta", {
          type: "response.output_text.delta",
          sequence_number: 2 + i,
          item_id: "msg_stub",
          output_index: 0,
          content_index: 0,
          delta,
          logprobs: [],
        })
      ),
      sse("response.completed", {
        type: "response.completed",
        sequence_number: 2 + answer.pieces.length,
        response: responseObject(model, "completed", answer.text),
      }),
    ];
  }
  if (path === "/v1/messages") {
    const u = stubUsage.messages;
    return [
      sse("message_start", {
        type: "message_start",
        message: {
          id: "msg_stub",
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: u.input,
            cache_creation_input_tokens: u.cacheWrite,
            cache_read_input_tokens: u.cacheRead,
            output_tokens: 1,
            ...anthropicBillingFacts(u.cacheWrite),
          },
        },
      }),
      sse("content_block_start", {
        type: "content_block_start",
        index: 0,
        content_block: { type: "text", text: "" },
      }),
      sse("ping", { type: "ping" }),
      ...answer.pieces.map((text) =>
        sse("content_block_delta", {
          type: "content_block_delta",
          index: 0,
          delta: { type: "text_delta", text },
        })
      ),
      sse("content_block_stop", { type: "content_block_stop", index: 0 }),
      sse("message_delta", {
        type: "message_delta",
        delta: { stop_reason: "end_turn", stop_sequence: null },
        usage: { output_tokens: u.output },
      }),
      sse("message_stop", { type: "message_stop" }),
    ];
  }
  return null;
}
