/**
 * A local upstream speaking the OpenAI Responses API's WebSocket mode as measured with Codex
 * 0.171.0 (research/issue18_agents.md section 3), and the same API over HTTP (SSE) for clients
 * that fall back. The handshake is `GET /v1/responses` with `Upgrade: websocket`; a missing
 * `Authorization` is refused with 401, as OpenAI does. Client frames are `response.create`
 * objects; each gets one response's events, exactly the `data:` payloads of the HTTP stream,
 * ending with `response.completed` and its usage (`wsStubUsage`). A prewarm (`generate: false`)
 * gets an empty completed response with a usage of its own (traced as kind `prewarm`).
 *
 * Knobs, by the create frame's `model` (the gateway relays frames unchanged):
 * - `stub-error-429`: `{"type":"error","status":429,...}` instead of a response;
 * - `stub-failed`: `response.failed` with partial usage;
 * - `stub-abrupt`: `response.created` and one delta, then the socket closes (1011);
 * - `stub-silent`: `response.created`, then nothing;
 * - `stub-oversize-N`: one frame of N bytes (a delta), then the response completes;
 * - `stub-flood-N`: N deltas of 64 KiB at once (a slow client falls behind).
 * And a create's `stub_say` member, when a string, is the answer instead of `wsStubAnswer`; a
 * create whose input asks to "use the tool" (and holds no tool output yet) gets a `function_call`
 * of Codex's `shell_command` instead of a message, as a model calling a tool would.
 * And by the stub's options: `refuseUpgrade` (answer the upgrade with that status), `hang`
 * (never answer an upgrade).
 */

export const wsStubUsage = {
  input: 1200,
  cached: 1000,
  output: 300,
  reasoning: 200,
} as const;

/** The usage the stub reports for a prewarm (never mixed into the turn's). */
export const prewarmUsage = { input: 77, cached: 0, output: 0, reasoning: 0 } as const;

export const wsStubAnswer = "Hi there from the stub";

export interface WsStubOptions {
  refuseUpgrade?: number;
  hang?: boolean;
}

export interface WsHandshake {
  path: string;
  search: string;
  headers: Record<string, string>;
}

export interface ResponsesWsStub {
  url: string;
  port: number;
  handshakes: WsHandshake[];
  /** Client frames, as received (text). */
  frames: string[];
  /** Close codes the stub's sockets saw from the client (the gateway). */
  closes: { code: number; reason: string }[];
  /** HTTP requests (the HTTPS fallback). */
  posts: { path: string; body: string; headers: Record<string, string> }[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function usageOf(u: { input: number; cached: number; output: number; reasoning: number }) {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

/** A function call's events, as the Responses API streams one (Codex then runs the tool). */
export function toolCallEvents(model: string, id: string): Json[] {
  const base = { id, object: "response", created_at: 1700000000, model, usage: null };
  const args = JSON.stringify({ command: "echo hi-from-tool" });
  const item = {
    id: `fc_${id}`,
    type: "function_call",
    status: "completed",
    call_id: `call_${id}`,
    name: "shell_command",
    arguments: args,
  };
  let seq = 0;
  const ev = (type: string, rest: Json): Json => ({ type, sequence_number: seq++, ...rest });
  return [
    ev("response.created", { response: { ...base, status: "in_progress", output: [] } }),
    ev("response.output_item.added", {
      output_index: 0,
      item: { ...item, status: "in_progress", arguments: "" },
    }),
    ev("response.function_call_arguments.delta", {
      item_id: item.id,
      output_index: 0,
      delta: args,
    }),
    ev("response.function_call_arguments.done", {
      item_id: item.id,
      output_index: 0,
      arguments: args,
    }),
    ev("response.output_item.done", { output_index: 0, item }),
    ev("response.completed", {
      response: { ...base, status: "completed", output: [item], usage: usageOf(wsStubUsage) },
    }),
  ];
}

/** The create asks for a tool and has no tool output yet (see the knobs above). */
function wantsTool(create: Json): boolean {
  const text = JSON.stringify(create.input ?? []);
  return text.includes("use the tool") && !text.includes('"function_call_output"');
}

/** One response's events, as the Responses API streams them. */
export function responseEvents(
  model: string,
  id: string,
  prewarm = false,
  answer = wsStubAnswer,
): Json[] {
  const base = {
    id,
    object: "response",
    created_at: 1700000000,
    status: "in_progress",
    model,
    output: [] as Json[],
    usage: null,
  };
  const item = {
    id: `msg_${id}`,
    type: "message",
    status: "completed",
    role: "assistant",
    content: prewarm ? [] : [{ type: "output_text", text: answer, annotations: [] }],
  };
  const pieces = prewarm ? [] : answer.match(/.{1,4}/gs)!;
  let seq = 0;
  const ev = (type: string, rest: Json): Json => ({ type, sequence_number: seq++, ...rest });
  return [
    ev("response.created", { response: base }),
    ev("response.in_progress", { response: base }),
    ev("response.output_item.added", {
      output_index: 0,
      item: { ...item, status: "in_progress", content: [] },
    }),
    ...pieces.map((delta) =>
      ev("response.output_text.delta", {
        item_id: item.id,
        output_index: 0,
        content_index: 0,
        delta,
        logprobs: [],
      })
    ),
    ev("response.output_item.done", { output_index: 0, item }),
    ev("response.completed", {
      response: {
        ...base,
        status: "completed",
        output: [item],
        usage: usageOf(prewarm ? prewarmUsage : wsStubUsage),
      },
    }),
  ];
}

const sse = (e: Json) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;

export function startResponsesWsStub(opts: WsStubOptions = {}): Promise<ResponsesWsStub> {
  const handshakes: WsHandshake[] = [];
  const frames: string[] = [];
  const closes: { code: number; reason: string }[] = [];
  const posts: ResponsesWsStub["posts"] = [];
  let n = 0;
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
      handshakes.push({
        path: url.pathname,
        search: url.search,
        headers: Object.fromEntries(req.headers),
      });
      if (opts.hang) {
        // Never answers; released when the gateway gives up (so the stub can shut down).
        return await new Promise<Response>((r) =>
          req.signal.addEventListener("abort", () => r(new Response(null, { status: 499 })))
        );
      }
      if (opts.refuseUpgrade !== undefined) {
        return new Response("no websockets here", { status: opts.refuseUpgrade });
      }
      if (!req.headers.get("authorization")) {
        return Response.json({ error: { message: "missing key" } }, { status: 401 });
      }
      if (url.pathname !== "/v1/responses") return new Response("not found", { status: 404 });
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onmessage = (e) => {
        frames.push(String(e.data));
        respond(socket, JSON.parse(String(e.data)), `resp_${++n}`);
      };
      socket.onclose = (e) => closes.push({ code: e.code, reason: e.reason });
      return response;
    }
    if (req.method === "POST" && url.pathname === "/v1/responses") {
      const body = await req.text();
      posts.push({ path: url.pathname, body, headers: Object.fromEntries(req.headers) });
      const create = JSON.parse(body) as Json;
      const events = responseEvents(String(create.model), `resp_http_${++n}`);
      return new Response(events.map(sse).join(""), {
        headers: { "content-type": "text/event-stream" },
      });
    }
    return new Response("not found", { status: 404 });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    handshakes,
    frames,
    closes,
    posts,
    async close() {
      await server.shutdown();
    },
  });
}

function respond(socket: WebSocket, create: Json, id: string): void {
  if (create.type !== "response.create") return;
  const model = String(create.model);
  const send = (e: Json) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(e));
  if (model === "stub-error-429") {
    return void send({
      type: "error",
      status: 429,
      error: { type: "rate_limit_error", code: "rate_limit_exceeded", message: "slow down" },
    });
  }
  if (create.generate !== false && wantsTool(create)) {
    return toolCallEvents(model, id).forEach(send);
  }
  const say = typeof create.stub_say === "string" ? create.stub_say : undefined;
  const events = responseEvents(model, id, create.generate === false, say);
  if (model === "stub-abrupt") {
    events.slice(0, 4).forEach(send);
    return socket.close(1011, "stub: abrupt close");
  }
  if (model === "stub-silent") return void send(events[0]!);
  if (model === "stub-failed") {
    const last = events.at(-1)!;
    const response = last.response as Json;
    events[events.length - 1] = {
      ...last,
      type: "response.failed",
      response: { ...response, status: "failed", error: { code: "server_error", message: "x" } },
    };
  }
  const oversize = /^stub-oversize-(\d+)$/.exec(model)?.[1];
  if (oversize !== undefined) {
    socket.send(
      JSON.stringify({ type: "response.output_text.delta", delta: "" }).padEnd(
        Number(oversize),
        " ",
      ),
    );
  }
  const flood = /^stub-flood-(\d+)$/.exec(model)?.[1];
  if (flood !== undefined) {
    const delta = JSON.stringify({ type: "response.output_text.delta", delta: "x".repeat(65536) });
    for (let i = 0; i < Number(flood) && socket.readyState === WebSocket.OPEN; i++) {
      socket.send(delta);
    }
  }
  events.forEach(send);
}
