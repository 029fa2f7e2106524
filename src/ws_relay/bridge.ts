/**
 * A `response.create` on a socket naming a route this socket's upstream cannot serve (its targets
 * are on other providers, or speak another protocol): instead of an error event, the create is
 * sent through the gateway's own HTTP path (`POST <prefix>/v1/responses`, streamed), where the
 * route fails over and translates as for any HTTPS request, is traced, limited and
 * policy-checked there, and each event of its stream comes back to the client as a frame.
 *
 * The socket keeps what OpenAI's WebSocket mode keeps per connection: Codex continues a turn with
 * `previous_response_id` and only the new input, `store: false`, so the conversation of a bridged
 * response lives here, in the socket's memory (bounded, gone with the socket), and the next
 * create is sent with the whole input. A prewarm (`generate: false`) asks nothing of a model: it
 * is answered here with an empty response, as OpenAI answers it.
 */
import { SseParser } from "../providers/mod.ts";

/** The gateway's own request handler, as the bridge calls it. */
export type Bridge = (req: Request) => Promise<Response>;

/** Bounds of a socket's remembered conversations. */
const maxConversations = 4;
const maxConversationChars = 16 * 1024 * 1024;

/** The conversations of bridged responses on one socket, by response id (most recent kept). */
export class SocketConversations {
  readonly #items = new Map<string, { items: unknown[]; chars: number }>();

  /** The create's body as the HTTP path gets it, or why it cannot be sent. */
  body(create: Record<string, unknown>): Record<string, unknown> | string {
    const { type: _type, generate: _generate, previous_response_id: previous, ...rest } = create;
    const input = inputItems(rest["input"]);
    if (typeof previous !== "string") return { ...rest, input, stream: true };
    const before = this.#items.get(previous);
    if (before === undefined) {
      return `previous_response_id: no response ${
        previous.slice(0, 100)
      } was answered on this WebSocket (a bridged route keeps a conversation only on its own socket); send the whole input`;
    }
    return { ...rest, input: [...before.items, ...input], stream: true };
  }

  /** A bridged response completed: its whole conversation is kept under its id. */
  remember(sent: Record<string, unknown>, completed: Record<string, unknown>): void {
    const id = completed["id"];
    const output = completed["output"];
    if (typeof id !== "string" || !Array.isArray(output)) return;
    const items = [...inputItems(sent["input"]), ...output];
    const chars = JSON.stringify(items).length;
    if (chars > maxConversationChars) return;
    this.#items.set(id, { items, chars });
    while (this.#items.size > maxConversations) {
      this.#items.delete(this.#items.keys().next().value!);
    }
  }
}

/** The Responses API's `input`: a string is one user message. */
function inputItems(input: unknown): unknown[] {
  if (Array.isArray(input)) return input;
  if (typeof input === "string") return [{ role: "user", content: input }];
  return [];
}

/** Headers of the socket's handshake that do not belong to the HTTP request. */
const handshakeOnly = /^(upgrade|connection|sec-websocket-.*|content-length|host)$/;

/** The bridged create as an HTTP request to the gateway itself, at the socket's own path. */
export function bridgedRequest(
  handshake: Request,
  body: Record<string, unknown>,
  signal: AbortSignal,
): Request {
  const headers = new Headers();
  handshake.headers.forEach((value, name) => {
    if (!handshakeOnly.test(name)) headers.set(name, value);
  });
  const host = handshake.headers.get("host");
  if (host !== null) headers.set("host", host);
  headers.set("content-type", "application/json");
  headers.set("accept", "text/event-stream");
  const url = new URL(handshake.url);
  url.protocol = url.protocol === "wss:"
    ? "https:"
    : url.protocol === "ws:"
    ? "http:"
    : url.protocol;
  return new Request(url, { method: "POST", headers, body: JSON.stringify(body), signal });
}

/** A prewarm's answer: the lifecycle of an empty response, no model asked. */
export function prewarmEvents(create: Record<string, unknown>, now: number): string[] {
  const response = {
    id: `resp_og_prewarm_${crypto.randomUUID().replaceAll("-", "")}`,
    object: "response",
    created_at: Math.floor(now / 1000),
    status: "completed",
    model: typeof create["model"] === "string" ? create["model"] : null,
    output: [],
    usage: null,
  };
  return [
    JSON.stringify({
      type: "response.created",
      sequence_number: 0,
      response: { ...response, status: "in_progress" },
    }),
    JSON.stringify({ type: "response.completed", sequence_number: 1, response }),
  ];
}

/** What a bridged stream came to, for the socket's memory. */
export interface Pumped {
  /** The `response` of `response.completed`, when the stream ended with one. */
  completed: Record<string, unknown> | null;
}

/**
 * Sends each event of the HTTP answer's stream to the client as a frame (its `data`, the same
 * JSON the WebSocket mode carries). An error answer becomes the protocol's error event.
 */
export async function pumpBridged(
  res: Response,
  send: (frame: string) => void,
  errorEvent: (
    status: number,
    code: string,
    message: string,
    headers?: Record<string, string>,
  ) => string,
): Promise<Pumped> {
  if (res.status < 200 || res.status >= 300 || res.body === null) {
    const { code, message } = await errorOf(res);
    const retry = res.headers.get("retry-after");
    send(
      errorEvent(res.status, code, message, retry === null ? undefined : { "retry-after": retry }),
    );
    return { completed: null };
  }
  const parser = new SseParser();
  const text = new TextDecoder();
  let completed: Record<string, unknown> | null = null;
  const each = (data: string) => {
    if (data === "[DONE]") return;
    send(data);
    if (data.includes('"response.completed"')) completed = completedOf(data) ?? completed;
  };
  for await (const chunk of res.body) {
    for (const m of parser.push(text.decode(chunk, { stream: true }))) each(m.data);
  }
  for (const m of parser.push(text.decode())) each(m.data);
  const last = parser.end();
  if (last !== null) each(last.data);
  return { completed };
}

function completedOf(data: string): Record<string, unknown> | null {
  try {
    const e = JSON.parse(data) as { type?: unknown; response?: unknown };
    if (e.type !== "response.completed" || typeof e.response !== "object") return null;
    return e.response as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** The code and message of an HTTP error answer (the gateway's or the translated upstream's). */
async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  const fallback = { code: "upstream_error", message: `the route answered ${res.status}` };
  try {
    const text = (await res.text()).slice(0, 64 * 1024);
    const e =
      (JSON.parse(text) as { error?: { code?: unknown; type?: unknown; message?: unknown } })
        .error;
    if (e === undefined) return fallback;
    const code = typeof e.code === "string"
      ? e.code
      : typeof e.type === "string"
      ? e.type
      : fallback.code;
    const message = typeof e.message === "string" ? e.message.slice(0, 1000) : fallback.message;
    return { code, message };
  } catch {
    return fallback;
  }
}

type ErrorEvent = (
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
) => string;

const bridgeFailed = "the route's answer broke off before it completed; send the create again";

/** One socket's bridge: its handshake, the gateway's handler, and its conversations. */
export class SocketBridge {
  readonly #conversations = new SocketConversations();

  constructor(
    private readonly bridge: Bridge,
    private readonly handshake: Request,
    private readonly errorEvent: ErrorEvent,
  ) {}

  /**
   * Answers one create through the HTTP path, each frame given to `send`; never throws (a
   * failure is the protocol's error event, unless `stopped` says nobody is left to tell).
   */
  async answer(
    text: string,
    send: (frame: string) => void,
    signal: AbortSignal,
    now: number,
    stopped: () => boolean,
  ): Promise<void> {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      if (parsed["generate"] === false) {
        const events = prewarmEvents(parsed, now);
        for (const e of events) send(e);
        // A client may chain from the warmup's id, as OpenAI's guide says.
        this.#conversations.remember(parsed, JSON.parse(events.at(-1)!).response);
        return;
      }
      const body = this.#conversations.body(parsed);
      if (typeof body === "string") {
        return send(this.errorEvent(400, "previous_response_not_found", body));
      }
      const res = await this.bridge(bridgedRequest(this.handshake, body, signal));
      const pumped = await pumpBridged(res, send, this.errorEvent);
      if (pumped.completed !== null) this.#conversations.remember(body, pumped.completed);
    } catch {
      if (!stopped()) send(this.errorEvent(502, "upstream_error", bridgeFailed));
    }
  }
}
