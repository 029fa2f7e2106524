/**
 * A loopback Anthropic Messages API (a route target of an OpenAI client, issue 21) speaking the
 * wire format exactly: `POST /v1/messages`, answered as a tool loop. A request whose messages hold
 * no `tool_result` block yet gets one `tool_use` (the test's `call`); a request holding the
 * result gets the final text. With thinking on, each answer starts with a signed thinking block,
 * and a later request must give it back before its tool call, as the API demands (400 with the
 * API's message otherwise). Streamed answers are the documented event sequence: `message_start`
 * (usage with one output token so far), a `ping`, per block `content_block_start`, its deltas
 * (`thinking_delta` then `signature_delta`, `input_json_delta` pieces for the call, `text_delta`
 * for text) and `content_block_stop`, `message_delta` (stop reason and the output total),
 * `message_stop`; one event per read. Also
 * `HEAD /api/hello` (Claude Code's probe) with 200. The model `claude-busy` gets the 529
 * `overloaded_error`; adaptive thinking to a 4.5 model gets Anthropic's 400. Every request is recorded with its parsed body.
 */
import { framedStream, type SeenRequest } from "./translate_chat_stub.ts";
import { sseFrame } from "./wire_events.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

export interface AnthropicToolCall {
  id: string;
  name: string;
  /** The input as JSON text, streamed in `pieces` parts. */
  input: string;
  pieces: number;
}

export interface AnthropicTurnUsage {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

export interface AnthropicScript {
  call: AnthropicToolCall;
  /** With thinking on (`thinking.type` enabled or adaptive), each answer starts with this
   *  thinking, signed; the API's rule on the signed block coming back is then enforced. */
  thinking: string;
  answer: readonly string[];
  usage: { tool: AnthropicTurnUsage; final: AnthropicTurnUsage };
}

export interface AnthropicStub {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

const enc = new TextEncoder();

/** The conversation already holds a tool result. */
export function hasToolResultBlock(body: Json): boolean {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  return messages.some((m: Json) =>
    Array.isArray(m?.content) && m.content.some((b: Json) => b?.type === "tool_result")
  );
}

function usageObject(u: AnthropicTurnUsage, output: number): Json {
  return {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: output,
    service_tier: "standard",
  };
}

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Thinking is on for this request. */
function thinkingOn(body: Json): boolean {
  return body.thinking?.type === "enabled" || body.thinking?.type === "adaptive";
}

/** What a signature this stub issued looks like (opaque base64 to a client, as Anthropic's). */
function signatureOf(n: number): string {
  return btoa(`stub-thinking-signature-${n}`);
}

function message(script: AnthropicScript, body: Json, n: number): Json {
  const final = hasToolResultBlock(body);
  const u = final ? script.usage.final : script.usage.tool;
  const c = script.call;
  const thinking = thinkingOn(body)
    ? [{ type: "thinking", thinking: script.thinking, signature: signatureOf(n) }]
    : [];
  return {
    id: `msg_stub${n}`,
    type: "message",
    role: "assistant",
    model: String(body.model),
    content: [
      ...thinking,
      ...(final
        ? [{ type: "text", text: script.answer.join("") }]
        : [{ type: "tool_use", id: c.id, name: c.name, input: JSON.parse(c.input) }]),
    ],
    stop_reason: final ? "end_turn" : "tool_use",
    stop_sequence: null,
    usage: usageObject(u, u.output),
  };
}

/** One content block's events at `index`: start, deltas, stop. */
function blockEvents(index: number, block: Json, deltas: Json[]): string[] {
  return [
    sseFrame("content_block_start", { type: "content_block_start", index, content_block: block }),
    ...deltas.map((delta) =>
      sseFrame("content_block_delta", { type: "content_block_delta", index, delta })
    ),
    sseFrame("content_block_stop", { type: "content_block_stop", index }),
  ];
}

function events(script: AnthropicScript, body: Json, n: number): string[] {
  const final = hasToolResultBlock(body);
  const whole = message(script, body, n);
  const u = final ? script.usage.final : script.usage.tool;
  const start = { ...whole, content: [], stop_reason: null, usage: usageObject(u, 1) };
  const c = script.call;
  const thinking = thinkingOn(body)
    ? blockEvents(0, { type: "thinking", thinking: "", signature: "" }, [
      ...split(script.thinking, 2).map((thinking) => ({ type: "thinking_delta", thinking })),
      { type: "signature_delta", signature: signatureOf(n) },
    ])
    : [];
  const at = thinkingOn(body) ? 1 : 0;
  const answer = final
    ? blockEvents(
      at,
      { type: "text", text: "" },
      script.answer.map((text) => ({ type: "text_delta", text })),
    )
    : blockEvents(
      at,
      { type: "tool_use", id: c.id, name: c.name, input: {} },
      split(c.input, c.pieces).map((partial_json) => ({ type: "input_json_delta", partial_json })),
    );
  return [
    sseFrame("message_start", { type: "message_start", message: start }),
    sseFrame("ping", { type: "ping" }),
    ...thinking,
    ...answer,
    sseFrame("message_delta", {
      type: "message_delta",
      delta: { stop_reason: whole.stop_reason, stop_sequence: null },
      usage: { output_tokens: u.output },
    }),
    sseFrame("message_stop", { type: "message_stop" }),
  ];
}

/**
 * The API's rule with thinking on: the last assistant message, when it holds tool calls, starts
 * with a thinking block, and its signature is one the API issued (the message quoted in
 * anomalyco/opencode#3077, Kilo-Org/kilocode#5219). Null: the request passes.
 */
function thinkingRefusal(body: Json, issued: ReadonlySet<string>): string | null {
  if (!thinkingOn(body)) return null;
  const messages = Array.isArray(body.messages) ? body.messages as Json[] : [];
  const i = messages.findLastIndex((m) => m.role === "assistant");
  const content = i < 0 || !Array.isArray(messages[i]!.content) ? [] : messages[i]!.content;
  if (!content.some((b: Json) => b?.type === "tool_use")) return null;
  const first = content[0] as Json;
  if (first?.type !== "thinking" && first?.type !== "redacted_thinking") {
    return `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but ` +
      `found \`${first?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message ` +
      "must start with a thinking block (preceeding the lastmost set of `tool_use` and " +
      "`tool_result` blocks). We recommend you include thinking blocks from previous turns. To " +
      "avoid this requirement, disable `thinking`. Please consult our documentation at " +
      "https://docs.claude.com/en/docs/build-with-claude/extended-thinking";
  }
  if (first.type === "thinking" && !issued.has(first.signature)) {
    return `messages.${i}.content.0: Invalid \`signature\` in \`thinking\` block`;
  }
  return null;
}

/**
 * Models that refuse `thinking: {type: "adaptive"}` with a 400 (Anthropic's message, as quoted in
 * docker/docker-agent#3362 and mnfst/llm-gateway#1908): the 4.5 generation; they take a budget.
 */
const adaptiveUnsupported = /^claude-(haiku|sonnet|opus)-4-5/;

/** The model this stub answers with Anthropic's 529 `overloaded_error`. */
export const anthropicBusyModel = "claude-busy";
export const anthropicBusyMessage = "Overloaded";

export function startAnthropicStub(script: AnthropicScript): Promise<AnthropicStub> {
  const seen: SeenRequest[] = [];
  const issued = new Set<string>();
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
        // Recorded as empty.
      }
      seen.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: req.headers,
        body,
      });
      if (url.pathname === "/api/hello") return new Response(null, { status: 200 });
      if (req.method !== "POST" || url.pathname !== "/v1/messages") {
        return Response.json({
          type: "error",
          error: { type: "not_found_error", message: `no route ${url.pathname}` },
        }, { status: 404 });
      }
      const n = seen.length;
      const headers = { "request-id": `req_stub${n}` };
      if (body.thinking?.type === "adaptive" && adaptiveUnsupported.test(String(body.model))) {
        return Response.json({
          type: "error",
          error: {
            type: "invalid_request_error",
            message: "adaptive thinking is not supported on this model",
          },
          request_id: `req_stub${n}`,
        }, { status: 400, headers });
      }
      const refused = thinkingRefusal(body, issued);
      if (refused !== null) {
        return Response.json({
          type: "error",
          error: { type: "invalid_request_error", message: refused },
          request_id: `req_stub${n}`,
        }, { status: 400, headers });
      }
      if (thinkingOn(body)) issued.add(signatureOf(n));
      if (body.model === anthropicBusyModel) {
        return Response.json({
          type: "error",
          error: { type: "overloaded_error", message: anthropicBusyMessage },
          request_id: `req_stub${n}`,
        }, { status: 529, headers });
      }
      if (body.stream === true) {
        const frames = events(script, body, n).map((f) => enc.encode(f));
        return new Response(framedStream(frames), {
          headers: { ...headers, "content-type": "text/event-stream; charset=utf-8" },
        });
      }
      return Response.json(message(script, body, n), { headers });
    });
  });
}
