/**
 * A loopback OpenAI-compatible server (a local vLLM, as a route target of another protocol's
 * client, issue 21) speaking Chat Completions exactly: `POST /v1/chat/completions`, answered as a
 * scripted tool loop. The turn answered is chosen by how many `tool` messages the conversation
 * holds: the first turn while there are none, the next once the first turn's calls all have
 * results, and so on; a turn either calls tools (one or several in parallel) or answers text.
 * Streamed answers are what OpenAI sends with `stream_options.include_usage`: a role chunk, per
 * call a chunk with its `index`, id, name and empty arguments followed by its argument pieces
 * (calls one after the other, as OpenAI streams parallel calls), the finish chunk, the usage chunk
 * with no choices, `data: [DONE]`; every chunk carries `usage: null` until the last. One chunk
 * per read, as a server flushes them. The model `busy-model` gets OpenAI's 503 overloaded error
 * (`server_is_overloaded`). Every request is recorded with its parsed body.
 */

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

export interface ChatToolCall {
  id: string;
  name: string;
  /** The arguments as the model writes them (JSON text), sent in `pieces` parts. */
  arguments: string;
  pieces: number;
}

export interface ChatTurnUsage {
  prompt: number;
  completion: number;
  cached: number;
}

export type ChatTurn =
  | { calls: readonly ChatToolCall[]; usage: ChatTurnUsage }
  /** The answer, streamed in these pieces. */
  | { text: readonly string[]; usage: ChatTurnUsage };

export interface ChatScript {
  turns: readonly ChatTurn[];
}

export interface SeenRequest {
  method: string;
  path: string;
  search: string;
  headers: Headers;
  body: Json;
}

export interface ChatStub {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

const enc = new TextEncoder();

/** Hands one frame per pull, so the client sees the stream arrive in parts. */
export function framedStream(frames: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(c) {
      const frame = frames[i++];
      if (frame === undefined) c.close();
      else c.enqueue(frame);
    },
  });
}

function usageOf(u: ChatTurnUsage): Json {
  return {
    prompt_tokens: u.prompt,
    completion_tokens: u.completion,
    total_tokens: u.prompt + u.completion,
    prompt_tokens_details: { cached_tokens: u.cached },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function toolResults(body: Json): number {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.filter((m: Json) => m?.role === "tool").length;
}

/** The turn a request gets: the one whose earlier turns' calls all have results. */
export function turnOf(script: ChatScript, body: Json): ChatTurn {
  let answered = toolResults(body);
  for (const turn of script.turns) {
    if (answered === 0 || !("calls" in turn)) return turn;
    answered -= turn.calls.length;
  }
  return script.turns[script.turns.length - 1]!;
}

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function streamFrames(turn: ChatTurn, body: Json, n: number): Uint8Array[] {
  const base = { id: `chatcmpl-stub${n}`, object: "chat.completion.chunk", created: 1_765_000_000 };
  const model = String(body.model);
  const withUsage = body.stream_options?.include_usage === true;
  const chunk = (delta: Json, finish: string | null) => ({
    ...base,
    model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    ...(withUsage ? { usage: null } : {}),
  });
  const chunks: Json[] = [];
  if ("text" in turn) {
    chunks.push(chunk({ role: "assistant", content: "", refusal: null }, null));
    for (const p of turn.text) chunks.push(chunk({ content: p }, null));
    chunks.push(chunk({}, "stop"));
  } else {
    turn.calls.forEach((c, index) => {
      const start = {
        index,
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: "" },
      };
      chunks.push(chunk(
        index === 0
          ? { role: "assistant", content: null, tool_calls: [start] }
          : { tool_calls: [start] },
        null,
      ));
      for (const p of split(c.arguments, c.pieces)) {
        chunks.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }, null));
      }
    });
    chunks.push(chunk({}, "tool_calls"));
  }
  if (withUsage) {
    chunks.push({
      ...base,
      model,
      system_fingerprint: null,
      choices: [],
      usage: usageOf(turn.usage),
    });
  }
  return [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), "data: [DONE]\n\n"].map((s) =>
    enc.encode(s)
  );
}

function document(turn: ChatTurn, body: Json, n: number): Json {
  const message = "text" in turn
    ? { role: "assistant", content: turn.text.join(""), refusal: null }
    : {
      role: "assistant",
      content: null,
      refusal: null,
      tool_calls: turn.calls.map((c) => ({
        id: c.id,
        type: "function",
        function: { name: c.name, arguments: c.arguments },
      })),
    };
  return {
    id: `chatcmpl-stub${n}`,
    object: "chat.completion",
    created: 1_765_000_000,
    model: String(body.model),
    choices: [{
      index: 0,
      message,
      logprobs: null,
      finish_reason: "text" in turn ? "stop" : "tool_calls",
    }],
    usage: usageOf(turn.usage),
    system_fingerprint: null,
  };
}

/** The model this stub refuses with OpenAI's 503 overloaded error. */
export const chatBusyModel = "busy-model";
export const chatBusyMessage = "The server is overloaded. Please try again later.";

function chatOverloaded(): Response {
  return Response.json({
    error: {
      message: chatBusyMessage,
      type: "server_error",
      param: null,
      code: "server_is_overloaded",
    },
  }, { status: 503, headers: { "x-request-id": "req_stub_busy" } });
}

export function startChatStub(script: ChatScript): Promise<ChatStub> {
  const seen: SeenRequest[] = [];
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({ url: `http://127.0.0.1:${port}`, seen, close: () => server.shutdown() }),
    }, async (req) => {
      const url = new URL(req.url);
      const text = await req.text();
      let body: Json = {};
      try {
        body = JSON.parse(text);
      } catch {
        // Recorded as empty; the path check below answers.
      }
      seen.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: req.headers,
        body,
      });
      if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
        return Response.json({
          error: {
            message: `Invalid URL (${req.method} ${url.pathname})`,
            type: "invalid_request_error",
            code: null,
          },
        }, { status: 404 });
      }
      const n = seen.length;
      if (body.model === chatBusyModel) return chatOverloaded();
      if (body.stream === true) {
        return new Response(framedStream(streamFrames(turnOf(script, body), body, n)), {
          headers: {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
          },
        });
      }
      return Response.json(document(turnOf(script, body), body, n));
    });
  });
}
