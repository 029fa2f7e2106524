/**
 * A loopback upstream for the coding agents' end-to-end tests: OpenAI's Responses API for Codex
 * and Anthropic's Messages API for Claude Code, answering with the complete documented event
 * sequences (wire_events.ts) and the token figures the test chose, so a test knows every number
 * a trace and the agent's own report must show. It also answers what the agents send besides
 * (Claude Code's `HEAD /api/hello` probe, model lists) as the providers do, and records every
 * request as `upstream_stub.ts` does.
 *
 * HTTP only: a WebSocket handshake on `/v1/responses` (the Responses API's WebSocket mode, which
 * Codex tries first when its provider allows it) is refused with 404, as by an upstream without
 * that mode (the WebSocket relay's own tests have a stub that speaks it).
 *
 * One knob, carried by the credential because the agents send no custom headers of ours: a key
 * equal to `rejectedKey` gets the provider's 401 answer, for a run that must fail.
 */
import type { RecordedRequest } from "./upstream_stub.ts";
import {
  type Answer,
  messageObject,
  messagesEvents,
  type MessagesUsage,
  responseObject,
  responsesEvents,
  type ResponsesUsage,
} from "./wire_events.ts";

/** The credential that makes the stub answer 401, as a revoked key would. */
export const rejectedKey = "sk-rejected-by-the-agent-stub-0000";

export interface AgentScript {
  /** The assistant's answer, streamed in these pieces (their concatenation is the text). */
  pieces: readonly string[];
  responses: ResponsesUsage;
  messages: MessagesUsage;
}

export interface AgentUpstream {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const sseHeaders = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
};

function json(data: unknown, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(data), {
    status,
    headers: { "content-type": "application/json", ...extra },
  });
}

function sse(frames: string[], extra: Record<string, string>): Response {
  const enc = new TextEncoder();
  let i = 0;
  // One event per read, as a provider flushes them, so a client sees the stream arrive in parts.
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      const frame = frames[i++];
      if (frame === undefined) c.close();
      else c.enqueue(enc.encode(frame));
    },
  });
  return new Response(body, { headers: { ...sseHeaders, ...extra } });
}

/** The key the request carries, in either provider's header. */
function credential(h: Headers): string {
  return h.get("x-api-key") ?? h.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "";
}

function unauthorized(anthropic: boolean): Response {
  return anthropic
    ? json(
      {
        type: "error",
        error: { type: "authentication_error", message: "invalid x-api-key" },
        request_id: "req_stub_rejected",
      },
      401,
      { "request-id": "req_stub_rejected" },
    )
    : json(
      {
        error: {
          message: "Incorrect API key provided. You can find your API key at " +
            "https://platform.openai.com/account/api-keys.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
      401,
      { "x-request-id": "req_stub_rejected" },
    );
}

function notFound(anthropic: boolean, path: string): Response {
  return anthropic
    ? json({ type: "error", error: { type: "not_found_error", message: `no route ${path}` } }, 404)
    : json({
      error: { message: `Invalid URL (${path})`, type: "invalid_request_error", code: null },
    }, 404);
}

function answer(script: AgentScript, body: Record<string, unknown>, n: number): Answer {
  const model = typeof body.model === "string" ? body.model : "unnamed-model";
  return { id: `stub${n}`, model, pieces: script.pieces };
}

async function respond(req: Request, script: AgentScript, n: number): Promise<Response> {
  const url = new URL(req.url);
  const path = url.pathname;
  const anthropic = req.headers.has("anthropic-version") || path.startsWith("/v1/messages");
  if (path === "/api/hello") return new Response(null, { status: 200 });
  if (req.headers.get("upgrade")?.toLowerCase() === "websocket") {
    return json({
      error: {
        message: "this upstream serves the Responses API over HTTP only",
        type: "invalid_request_error",
        code: null,
      },
    }, 404);
  }
  if (req.method === "GET" && path === "/v1/models") {
    return json({ object: "list", data: [], has_more: false, first_id: null, last_id: null });
  }
  if (req.method !== "POST" || (path !== "/v1/responses" && path !== "/v1/messages")) {
    return notFound(anthropic, path);
  }
  if (credential(req.headers) === rejectedKey) return unauthorized(anthropic);
  const body = JSON.parse(await req.text()) as Record<string, unknown>;
  const a = answer(script, body, n);
  if (path === "/v1/responses") {
    const extra = { "x-request-id": `req_stub${n}`, "openai-model": a.model };
    return body.stream === true
      ? sse(responsesEvents(a, script.responses), extra)
      : json(responseObject(a, script.responses, "completed"), 200, extra);
  }
  const extra = { "request-id": `req_stub${n}` };
  return body.stream === true
    ? sse(messagesEvents(a, script.messages), extra)
    : json(messageObject(a, script.messages), 200, extra);
}

export function startAgentUpstream(script: AgentScript): Promise<AgentUpstream> {
  const requests: RecordedRequest[] = [];
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: ({ port }) =>
        resolve({
          url: `http://127.0.0.1:${port}`,
          requests,
          close: () => server.shutdown(),
        }),
    }, async (req) => {
      const url = new URL(req.url);
      const body = await req.clone().text();
      requests.push({
        method: req.method,
        path: url.pathname,
        search: url.search,
        headers: Object.fromEntries(req.headers),
        body,
      });
      return await respond(req, script, requests.length);
    });
  });
}
