/**
 * A loopback upstream for route tests that speaks the OpenAI Chat Completions and the Anthropic
 * Messages wire formats exactly (by path), with a script per model: each request for a model takes the next scripted answer
 * (an error status with the provider's error body, a stream cut before or after its first
 * content, a silence), or a normal answer once the script is used up. Every request is recorded
 * (path, headers, body) so tests can tell which target and key each attempt went to.
 */

export interface SeenRequest {
  path: string;
  headers: Headers;
  body: Record<string, unknown>;
  /** Monotonic ms of arrival. */
  at: number;
}

export type Scripted =
  | { kind: "status"; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: "cut_before_content" }
  | { kind: "cut_after_content"; text: string }
  | { kind: "silent" }
  /** Content, then half an event, then the body breaks off. */
  | { kind: "cut_mid_event"; text: string }
  /** A 200 JSON answer whose body breaks off halfway. */
  | { kind: "cut_json" }
  /** The preamble, then nothing until the gateway gives up on it. */
  | { kind: "stall_before_content" }
  | { kind: "stall_after_content"; text: string }
  /** The normal (non-streamed) answer, its headers sent only after `delayMs`. */
  | { kind: "slow"; delayMs: number }
  /** A clean stream whose preamble comes at once and its first content after `delayMs`. */
  | { kind: "slow_first_token"; delayMs: number };

export interface ScriptedUpstream {
  url: string;
  seen: SeenRequest[];
  /** Answers queued per model (the body's `model`), taken in order. */
  script(model: string, ...answers: Scripted[]): void;
  /** Answers by the request's key instead (`authorization` value), used before the model's. */
  byKey(authorization: string, answer: Scripted): void;
  close(): Promise<void>;
}

const enc = new TextEncoder();
const sse = (data: unknown) => enc.encode(`data: ${JSON.stringify(data)}\n\n`);

function chunk(model: string, delta: Record<string, unknown>, finish: string | null = null) {
  return {
    id: "chatcmpl-route",
    object: "chat.completion.chunk",
    created: 1,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  };
}

export function completion(model: string, text: string) {
  return {
    id: "chatcmpl-route",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{
      index: 0,
      message: { role: "assistant", content: text, refusal: null },
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** A whole, clean stream answering `text` (with a usage chunk when asked). */
function cleanStream(model: string, text: string, usage: boolean): ReadableStream<Uint8Array> {
  const events = cleanEvents(model, text, usage);
  return new ReadableStream({
    start(c) {
      for (const p of events) c.enqueue(p);
      c.close();
    },
  });
}

function cleanEvents(model: string, text: string, usage: boolean): Uint8Array[] {
  return [
    sse(chunk(model, { role: "assistant", content: "" })),
    sse(chunk(model, { content: text })),
    sse(chunk(model, {}, "stop")),
    ...(usage
      ? [sse({ ...chunk(model, {}), choices: [], usage: completion(model, "").usage })]
      : []),
    enc.encode("data: [DONE]\n\n"),
  ];
}

/** Sends `parts`, then breaks the body off (the client sees a cut, not an end). */
function cutStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(c) {
      const p = parts.shift();
      if (p !== undefined) return c.enqueue(p);
      await new Promise((r) => setTimeout(r, 20));
      c.error(new Error("scripted cut"));
    },
  });
}

const anthropicEvent = (type: string, data: Record<string, unknown>) =>
  enc.encode(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);

function anthropicEvents(model: string, text: string, whole: boolean): Uint8Array[] {
  const start = [
    anthropicEvent("message_start", {
      message: {
        id: "msg_route",
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 1 },
      },
    }),
    anthropicEvent("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    anthropicEvent("ping", {}),
  ];
  if (text === "") return start;
  const delta = anthropicEvent("content_block_delta", {
    index: 0,
    delta: { type: "text_delta", text },
  });
  if (!whole) return [...start, delta];
  return [
    ...start,
    delta,
    anthropicEvent("content_block_stop", { index: 0 }),
    anthropicEvent("message_delta", {
      delta: { stop_reason: "end_turn", stop_sequence: null },
      usage: { output_tokens: 5 },
    }),
    anthropicEvent("message_stop", {}),
  ];
}

export function anthropicMessage(model: string, text: string) {
  return {
    id: "msg_route",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5 },
  };
}

function anthropicAnswer(s: Scripted, model: string): Response | null {
  const head = { "content-type": "text/event-stream" };
  if (s.kind === "cut_before_content") {
    return new Response(cutStream(anthropicEvents(model, "", false)), { headers: head });
  }
  if (s.kind === "cut_after_content") {
    return new Response(cutStream(anthropicEvents(model, s.text, false)), { headers: head });
  }
  return null;
}

/** Sends `parts`, then nothing more (the body stays open until the client leaves). */
function stallStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(c) {
      const p = parts.shift();
      if (p !== undefined) c.enqueue(p);
      else return new Promise(() => {});
    },
  });
}

function answer(
  s: Scripted,
  model: string,
  signal: AbortSignal,
  anthropic: boolean,
): Response | Promise<Response> {
  const head = { "content-type": "text/event-stream" };
  if (anthropic) {
    const a = anthropicAnswer(s, model);
    if (a !== null) return a;
  }
  switch (s.kind) {
    case "status":
      return Response.json(s.body, { status: s.status, headers: s.headers ?? {} });
    case "cut_before_content":
      return new Response(cutStream([sse(chunk(model, { role: "assistant", content: "" }))]), {
        headers: head,
      });
    case "cut_after_content":
      return new Response(
        cutStream([
          sse(chunk(model, { role: "assistant", content: "" })),
          sse(chunk(model, { content: s.text })),
        ]),
        { headers: head },
      );
    case "stall_before_content":
      return new Response(stallStream([sse(chunk(model, { role: "assistant", content: "" }))]), {
        headers: head,
      });
    case "stall_after_content":
      return new Response(
        stallStream([
          sse(chunk(model, { role: "assistant", content: "" })),
          sse(chunk(model, { content: s.text })),
        ]),
        { headers: head },
      );
    case "cut_mid_event":
      return new Response(
        cutStream([
          sse(chunk(model, { role: "assistant", content: "" })),
          sse(chunk(model, { content: s.text })),
          enc.encode(`data: {"id":"chatcmpl-route","object":"chat.compl`),
        ]),
        { headers: head },
      );
    case "cut_json":
      return new Response(cutStream([enc.encode(`{"id":"chatcmpl-route","object":"chat.compl`)]), {
        headers: { "content-type": "application/json" },
      });
    case "silent":
      return new Promise((resolve) =>
        signal.addEventListener("abort", () => resolve(new Response(null, { status: 599 })))
      );
    case "slow_first_token": {
      const [preamble, ...rest] = cleanEvents(model, `answer from ${model}`, false);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const body = new ReadableStream<Uint8Array>({
        async start(c) {
          c.enqueue(preamble!);
          await new Promise((r) => (timer = setTimeout(r, s.delayMs)));
          for (const p of rest) c.enqueue(p);
          c.close();
        },
        cancel: () => clearTimeout(timer),
      });
      return new Response(body, { headers: head });
    }
    case "slow":
      return new Promise((resolve) => {
        const timer = setTimeout(
          () => resolve(Response.json(completion(model, `answer from ${model}`))),
          s.delayMs,
        );
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve(new Response(null, { status: 599 }));
        });
      });
  }
}

function anthropicClean(model: string, stream: boolean): Response {
  const text = `answer from ${model}`;
  if (!stream) return Response.json(anthropicMessage(model, text));
  const parts = anthropicEvents(model, text, true);
  return new Response(
    new ReadableStream({
      start(c) {
        for (const p of parts) c.enqueue(p);
        c.close();
      },
    }),
    { headers: { "content-type": "text/event-stream" } },
  );
}

export function startScriptedUpstream(): ScriptedUpstream {
  const seen: SeenRequest[] = [];
  const scripts = new Map<string, Scripted[]>();
  const keyed = new Map<string, Scripted>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
    onError: () => new Response(null, { status: 500 }),
  }, async (req) => {
    const body = await req.json().catch(() => ({})) as Record<string, unknown>;
    const path = new URL(req.url).pathname;
    seen.push({ path, headers: req.headers, body, at: performance.now() });
    const model = String(body.model ?? "");
    const auth = req.headers.get("authorization") ?? "";
    const scripted = keyed.get(auth) ?? scripts.get(model)?.shift();
    const anthropic = path.endsWith("/v1/messages");
    if (scripted !== undefined) return answer(scripted, model, req.signal, anthropic);
    if (anthropic) return anthropicClean(model, body.stream === true);
    if (body.stream === true) {
      const usage = (body.stream_options as { include_usage?: boolean } | undefined)
        ?.include_usage === true;
      return new Response(cleanStream(model, `answer from ${model}`, usage), {
        headers: { "content-type": "text/event-stream" },
      });
    }
    return Response.json(completion(model, `answer from ${model}`));
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    script: (model, ...answers) => scripts.set(model, [...(scripts.get(model) ?? []), ...answers]),
    byKey: (authorization, a) => keyed.set(authorization, a),
    close: () => server.shutdown(),
  };
}
