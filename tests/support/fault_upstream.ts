/**
 * A byte-scripted upstream for failover tests and the fault-matrix benchmark: every request is
 * answered by a script chosen for it (by the body's `model`, so each route target gets its own
 * queue), which says exactly what goes on the wire and when: status and headers, delays before
 * the headers, before the first body byte and between chunks, a cut at a byte offset, a stall, or
 * no answer at all. It listens on a raw `Deno.listen` socket, because an HTTP server library
 * refuses to close a connection before the headers or to break its own framing.
 *
 * One exchange per connection (`connection: close`), so every attempt of the gateway is its own
 * connection and script. Every request is recorded (path, model, the provider key it carried), so
 * a benchmark reads attempts per target from here even when the gateway records none.
 *
 * Bounded: a request head is at most 64 KiB and a body 4 MiB (else 413); a stall or a silent
 * script holds its connection at most `maxHoldMs`; `close()` ends every connection.
 *
 * A script's `before: "close"` ends the connection with a FIN before any byte (Deno.Conn cannot
 * send a reset). For a real TCP reset, point a provider at `resetUrl`: a second listener
 * (tests/support/fault_reset.ts, node:net) that resets every connection once its request arrived,
 * recording the request here with the script name `reset`.
 */
import { openaiError } from "./fault_bodies.ts";
import { startResetListener } from "./fault_reset.ts";
import { parseHead, type RawHttpRequest, readRequest } from "./fault_http.ts";

const enc = new TextEncoder();

export interface FaultScript {
  /** A name for records and tables. */
  name: string;
  /** Before any response byte: `close` ends the connection, `silent` keeps it open, mute. */
  before?: "close" | "silent";
  /** Wait before sending the status line and headers. */
  headersDelayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  /** The body as pieces (SSE events), one HTTP chunk each when chunked. */
  chunks: string[];
  /** `chunked` (default for event streams) or `length` (a Content-Length for the whole body). */
  framing?: "chunked" | "length";
  /** Wait between the headers and the first body byte. */
  firstByteDelayMs?: number;
  /** Wait between two chunks. */
  betweenMs?: number;
  /** Wait before chunk i (overrides `betweenMs` for that chunk). */
  delayBefore?: Record<number, number>;
  /** Close the connection once this many body bytes were sent (possibly mid-event). */
  cutAtByte?: number;
  /** After the last chunk: end the body (default), close without ending it, or hold it open. */
  end?: "clean" | "cut" | "stall";
}

export interface FaultRequest {
  n: number;
  /** ms since the upstream started. */
  at: number;
  method: string;
  path: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
  /** The body's `model`, or null. */
  model: string | null;
  /** The provider key the request carried (Bearer token or x-api-key), or null. */
  key: string | null;
  /** The script that answered it (`rate_limited` when the per-key limiter refused it). */
  script: string;
}

/** Picks the script of a request; null answers 404 with an OpenAI-shaped error. */
export type ScriptChooser = (req: FaultRequest) => FaultScript | null;

export interface FaultUpstreamOptions {
  choose: ScriptChooser;
  /** Per provider key: at most `limit` requests in any `windowMs`; over it a 429 with headers. */
  rateLimit?: { limit: number; windowMs: number };
  maxHoldMs?: number;
}

export interface FaultUpstream {
  url: string;
  /** Every request sent here is answered by a TCP reset, no byte (await `ready` first). */
  resetUrl: string;
  /** Resolves once both listeners are bound. */
  ready: Promise<void>;
  requests: FaultRequest[];
  /** Requests whose model is `model`. */
  requestsFor(model: string): FaultRequest[];
  close(): Promise<void>;
}

/**
 * A chooser from queues per model: each request of a model takes the next script of its queue
 * and the last one repeats (a persistent fault, or "up from now on"). A function in place of a
 * queue decides from the request itself.
 */
export function queues(
  byModel: Map<string, FaultScript[] | ((req: FaultRequest) => FaultScript)>,
  /** What names a queue: the body's model (default), or e.g. `(r) => r.path` for a queue per path. */
  keyOf: (req: FaultRequest) => string | null = (r) => r.model,
): ScriptChooser {
  const used = new Map<string, number>();
  return (req) => {
    const key = keyOf(req);
    const q = key === null ? undefined : byModel.get(key);
    if (q === undefined || key === null) return null;
    if (typeof q === "function") return q(req);
    const i = used.get(key) ?? 0;
    used.set(key, i + 1);
    return q[Math.min(i, q.length - 1)] ?? null;
  };
}

export function startFaultUpstream(opts: FaultUpstreamOptions): FaultUpstream {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const started = performance.now();
  const requests: FaultRequest[] = [];
  const conns = new Set<Deno.Conn>();
  const running = new Set<Promise<void>>();
  const holds = new Set<() => void>();
  const byKey = new Map<string, number[]>();
  let closed = false;
  const hold = (ms: number, until?: Promise<void>) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        holds.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      holds.add(done);
      void until?.then(done);
    });
  const ctx: ServeCtx = {
    opts,
    requests,
    started,
    byKey,
    hold,
    maxHoldMs: opts.maxHoldMs ?? 60_000,
    isClosed: () => closed,
  };
  const resetPort = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = resetPort.addr.port;
  resetPort.close();
  const reset = startResetListener(port, (headText, body) => {
    const req = toFaultRequest({ ...parseHead(headText), body: enc.encode(body) }, ctx);
    req.script = "reset";
    requests.push(req);
  });
  const accepting = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      conns.add(conn);
      const p = serveConn(conn, ctx).catch(() => {}).finally(() => {
        safeClose(conn);
        conns.delete(conn);
        running.delete(p);
      });
      running.add(p);
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    resetUrl: reset.url,
    ready: reset.ready,
    requests,
    requestsFor: (model) => requests.filter((r) => r.model === model),
    async close() {
      closed = true;
      listener.close();
      await accepting;
      for (const wake of [...holds]) wake();
      for (const c of conns) safeClose(c);
      await Promise.all([...running, reset.close()]);
    },
  };
}

interface ServeCtx {
  opts: FaultUpstreamOptions;
  requests: FaultRequest[];
  started: number;
  byKey: Map<string, number[]>;
  /** Waits `ms`, or less when `until` settles first or the upstream closes. */
  hold: (ms: number, until?: Promise<void>) => Promise<void>;
  maxHoldMs: number;
  isClosed: () => boolean;
}

function safeClose(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch { /* already closed */ }
}

const sleep = (ctx: ServeCtx, ms: number | undefined) =>
  ms && ms > 0 && !ctx.isClosed() ? ctx.hold(ms) : Promise.resolve();

async function serveConn(conn: Deno.Conn, ctx: ServeCtx): Promise<void> {
  const raw = await readRequest(conn);
  if (raw === null) return;
  if (typeof raw === "string") {
    await writeAll(conn, wholeResponse(413, {}, openaiError("invalid_request_error", raw)));
    return;
  }
  const req = toFaultRequest(raw, ctx);
  const limited = rateLimited(req, ctx);
  const script = limited ?? ctx.opts.choose(req) ?? {
    name: "no_script",
    status: 404,
    headers: { "content-type": "application/json" },
    chunks: [openaiError("invalid_request_error", `fault upstream: no script for ${req.model}`)],
  };
  req.script = script.name;
  ctx.requests.push(req);
  await play(conn, script, ctx);
}

function toFaultRequest(raw: RawHttpRequest, ctx: ServeCtx): FaultRequest {
  const body = new TextDecoder().decode(raw.body);
  let model: string | null = null;
  try {
    const m = (JSON.parse(body) as { model?: unknown }).model;
    if (typeof m === "string") model = m;
  } catch { /* not JSON: no model */ }
  const auth = raw.headers["authorization"];
  const key = auth?.startsWith("Bearer ") ? auth.slice(7) : raw.headers["x-api-key"] ?? null;
  return {
    n: ctx.requests.length + 1,
    at: Math.round(performance.now() - ctx.started),
    method: raw.method,
    path: raw.path,
    headers: raw.headers,
    body,
    model,
    key: key === "" ? null : key,
    script: "",
  };
}

/** A 429 with OpenAI's and Anthropic's reset headers when the request's key is over its limit. */
function rateLimited(req: FaultRequest, ctx: ServeCtx): FaultScript | null {
  const rl = ctx.opts.rateLimit;
  if (!rl) return null;
  const now = performance.now();
  const k = req.key ?? "(none)";
  const times = (ctx.byKey.get(k) ?? []).filter((t) => t > now - rl.windowMs);
  ctx.byKey.set(k, times);
  if (times.length < rl.limit) {
    times.push(now);
    return null;
  }
  const waitS = Math.max(1, Math.ceil((times[0]! + rl.windowMs - now) / 1000));
  return {
    name: "rate_limited",
    status: 429,
    headers: {
      "content-type": "application/json",
      "retry-after": String(waitS),
      "x-ratelimit-limit-requests": String(rl.limit),
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": `${waitS}s`,
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": new Date(Date.now() + waitS * 1000).toISOString(),
    },
    chunks: [
      openaiError(
        "requests",
        "Rate limit reached on requests per min (RPM)",
        "rate_limit_exceeded",
      ),
    ],
    framing: "length",
  };
}

/** Sends what `script` says on `conn`. */
async function play(conn: Deno.Conn, s: FaultScript, ctx: ServeCtx): Promise<void> {
  if (s.before === "close") return;
  if (s.before === "silent") return await holdOpen(conn, ctx);
  await sleep(ctx, s.headersDelayMs);
  const headers = { ...(s.headers ?? {}) };
  const isSse = (headers["content-type"] ?? "").includes("event-stream");
  const chunked = (s.framing ?? (isSse ? "chunked" : "length")) === "chunked";
  const bodyBytes = enc.encode(s.chunks.join(""));
  if (chunked) headers["transfer-encoding"] = "chunked";
  else headers["content-length"] = String(bodyBytes.byteLength);
  headers["connection"] = "close";
  await writeAll(conn, head(s.status ?? 200, headers));
  await sleep(ctx, s.firstByteDelayMs);
  let sent = 0;
  for (let i = 0; i < s.chunks.length; i++) {
    if (i > 0) await sleep(ctx, s.delayBefore?.[i] ?? s.betweenMs);
    else await sleep(ctx, s.delayBefore?.[0]);
    if (ctx.isClosed()) return;
    const piece = enc.encode(s.chunks[i]!);
    const room = s.cutAtByte === undefined ? piece.byteLength : s.cutAtByte - sent;
    const part = piece.subarray(0, Math.max(0, Math.min(room, piece.byteLength)));
    if (chunked) {
      // The chunk header announces the whole piece: a cut inside it is a broken body.
      await writeAll(conn, enc.encode(`${piece.byteLength.toString(16)}\r\n`));
      await writeAll(conn, part);
      if (part.byteLength === piece.byteLength) await writeAll(conn, enc.encode("\r\n"));
    } else {
      await writeAll(conn, part);
    }
    sent += part.byteLength;
    if (s.cutAtByte !== undefined && sent >= s.cutAtByte) return;
  }
  if (s.end === "cut") return;
  if (s.end === "stall") return await holdOpen(conn, ctx);
  if (chunked) await writeAll(conn, enc.encode("0\r\n\r\n"));
}

/** Keeps the connection open and mute until the peer leaves, `close()`, or `maxHoldMs`. */
async function holdOpen(conn: Deno.Conn, ctx: ServeCtx): Promise<void> {
  const peerGone = (async () => {
    const sink = new Uint8Array(1024);
    try {
      while ((await conn.read(sink)) !== null) { /* discard */ }
    } catch { /* reset by the peer */ }
  })();
  await ctx.hold(ctx.maxHoldMs, peerGone);
}

/** A JSON answer (Content-Length framing). */
export function jsonScript(
  name: string,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): FaultScript {
  return {
    name,
    status,
    headers: { "content-type": "application/json", ...headers },
    chunks: [body],
  };
}

/** An event stream, one HTTP chunk per event; `more` sets delays, cuts and the end. */
export function sseScript(
  name: string,
  events: string[],
  more: Partial<FaultScript> = {},
): FaultScript {
  return {
    name,
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    chunks: events,
    ...more,
  };
}

export function head(status: number, headers: Record<string, string>): Uint8Array {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return enc.encode(`HTTP/1.1 ${status} ${reasonOf(status)}\r\n${lines}\r\n`);
}

function reasonOf(status: number): string {
  const reasons: Record<number, string> = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    529: "Site Overloaded",
  };
  return reasons[status] ?? "Status";
}

function wholeResponse(status: number, headers: Record<string, string>, body: string): Uint8Array {
  const b = enc.encode(body);
  const h = head(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": String(b.byteLength),
    connection: "close",
  });
  const out = new Uint8Array(h.byteLength + b.byteLength);
  out.set(h);
  out.set(b, h.byteLength);
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.byteLength) off += await conn.write(bytes.subarray(off));
}
