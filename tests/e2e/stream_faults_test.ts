/**
 * Stream and timeout faults (reliability.md F1, F3-F7, F13) against the real `serve` process and
 * an upstream scripted byte by byte. Each test checks what the client saw, what the upstream saw
 * (and how fast the gateway let go of it), the trace, and the trace ledger.
 *
 * Timing: nothing here passes or fails on speed. Where the target names a bound ("upstream
 * aborted within 100 ms"), the figure is measured and logged, and only a generous bound is
 * asserted so that a slow shared CI machine cannot flake.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { concatBytes } from "../../src/bytes.ts";
import { assertLedger } from "../support/ledger.ts";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import {
  anthropicEvent,
  chatEvent,
  type RawConnection,
  type RawScript,
  type RawUpstream,
  sendWhole,
  sseHead,
  startRawUpstream,
  streamStart,
} from "../support/raw_upstream.ts";

const enc = new TextEncoder();
const generousMs = 2000;

interface Timeouts {
  headers_timeout_ms?: number;
  idle_timeout_ms?: number;
  total_timeout_ms?: number;
}

async function withGateway(
  script: RawScript,
  fn: (origin: string, upstream: RawUpstream, server: ServerProcess) => Promise<void>,
  timeouts: Timeouts = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-faults-" });
  const upstream = startRawUpstream(script);
  const port = freePort();
  const proxy = Object.entries(timeouts).map(([k, v]) => `${k}: ${v}`).join(", ");
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 300 }
storage: { path: ./data/gw.db }
proxy: { ${proxy} }
providers:
  openai: { upstream: "${upstream.url}" }
  anthropic: { upstream: "${upstream.url}" }
tracing: { flush_interval_ms: 10 }
`,
  );
  let server: ServerProcess | null = null;
  try {
    server = await startServer([], { cwd: dir, port });
    await fn(server.origin, upstream, server);
    await assertLedger(server.origin);
  } finally {
    await server?.kill();
    await upstream.close();
    await Deno.remove(dir, { recursive: true });
  }
}

// deno-lint-ignore no-explicit-any
type Trace = Record<string, any>;

/** The stored trace (detail view, metadata included) of the request with this correlation id. */
function traceOf(origin: string, correlationId: string | null): Promise<Trace> {
  return poll(`the trace of ${correlationId}`, async () => {
    const page = await (await fetch(`${origin}/api/traces?limit=200`)).json();
    const item = page.items.find((t: Trace) =>
      correlationId === null || t.correlation_id === correlationId
    );
    if (item === undefined) return undefined;
    return await (await fetch(`${origin}/api/traces/${item.id}`)).json();
  });
}

const chat = (stream: boolean) =>
  JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "hi" }] });
const messages = JSON.stringify({
  model: "claude-3-5-haiku-latest",
  stream: true,
  max_tokens: 64,
  messages: [{ role: "user", content: "hi" }],
});
const openaiHeaders = { "content-type": "application/json", authorization: "Bearer sk-test-0000" };
const anthropicHeaders = {
  "content-type": "application/json",
  "x-api-key": "sk-ant-test-0000",
  "anthropic-version": "2023-06-01",
};

/** A streamed (unless `stream: false`) chat completion or Anthropic message through the gateway. */
function ask(
  origin: string,
  api: "chat" | "messages",
  opts: { stream?: boolean; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  const chatApi = api === "chat";
  return fetch(`${origin}${chatApi ? "/openai/v1/chat/completions" : "/anthropic/v1/messages"}`, {
    method: "POST",
    headers: { ...(chatApi ? openaiHeaders : anthropicHeaders), ...opts.headers },
    body: chatApi ? chat(opts.stream ?? true) : messages,
    ...(opts.signal && { signal: opts.signal }),
  });
}

/** Reads a body to its end or its error; returns what arrived and how it ended. */
async function drain(res: Response): Promise<{ text: string; bytes: Uint8Array; error: unknown }> {
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  let error: unknown = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
    }
  } catch (err) {
    error = err;
  }
  const bytes = concatBytes(parts);
  return { text: new TextDecoder().decode(bytes), bytes, error };
}

/** Reads until `text` has arrived; the body stays open. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, text: string) {
  let seen = "";
  const dec = new TextDecoder();
  while (!seen.includes(text)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the stream ended before ${JSON.stringify(text)}: ${seen}`);
    seen += dec.decode(value, { stream: true });
  }
  return seen;
}

Deno.test("F1: an upstream that closes mid-stream is an error for the client and upstream_truncated in the trace", async () => {
  const sent: string[] = [];
  await withGateway(async (c) => {
    const req = await c.request();
    await c.send(sseHead());
    const events = streamStart(req.path);
    for (const e of events) await c.sendChunk(e);
    sent.push(events.join(""));
    c.close(); // no terminating chunk: a cut body
  }, async (origin) => {
    for (const [path, noEnd] of [["chat", "[DONE]"], ["messages", "message_stop"]] as const) {
      const res = await ask(origin, path);
      assert.equal(res.status, 200, path);
      const got = await drain(res);
      assert.ok(got.error !== null, `${path}: the client saw a clean end: ${got.text}`);
      assert.ok(!got.text.includes(noEnd), `${path}: a synthesized ${noEnd}: ${got.text}`);
      const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
      assert.equal(t.error_code, "upstream_truncated", path);
      assert.equal(t.usage_status, "unknown", path);
      assert.equal(t.input_tokens, null, `${path}: a partial count is not usage`);
      assert.equal(t.response_bytes, enc.encode(sent.at(-1)).byteLength, path);
      assert.ok(t.metadata.stream_chunks >= 1, path);
    }
  });
});

Deno.test("F4: an upstream that accepts and never answers gets a 504 after the headers timeout", async () => {
  await withGateway(async (c) => {
    await c.request();
    await c.peerClosed;
  }, async (origin, upstream) => {
    const res = await ask(origin, "chat", { stream: false });
    assert.equal(res.status, 504);
    assert.equal((await res.json()).error.code, "upstream_timeout");
    const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
    assert.equal(t.error_code, "upstream_timeout");
    assert.equal(t.metadata.timeout_phase, "headers");
    assert.equal(t.usage_status, "unknown", "the request was sent: it may be billed");
    const c = await upstream.connection();
    assert.ok(await c.peerClosed > 0, "the gateway let go of the upstream connection");
  }, { headers_timeout_ms: 500 });
});

Deno.test("F4: an upstream silent between chunks ends the stream after the idle timeout", async () => {
  await withGateway(async (c) => {
    await c.request();
    await c.send(sseHead());
    await c.sendChunk(chatEvent(1));
    await c.peerClosed;
  }, async (origin, upstream) => {
    const res = await ask(origin, "chat");
    assert.equal(res.status, 200);
    const got = await drain(res);
    assert.ok(got.error !== null, `a stalled stream must not end cleanly: ${got.text}`);
    assert.ok(got.text.includes("piece 1"));
    const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
    assert.equal(t.error_code, "upstream_idle_timeout");
    assert.equal(t.metadata.timeout_phase, "idle");
    assert.equal(t.usage_status, "unknown");
    assert.ok(await (await upstream.connection()).peerClosed > 0);
  }, { headers_timeout_ms: 5000, idle_timeout_ms: 500 });
});

Deno.test("F5: a trickle that keeps the idle timer happy still meets the total deadline", async () => {
  await withGateway(async (c) => {
    await c.request();
    await c.send(sseHead());
    // A byte every 20 ms: far inside the idle limit, for ever (until the gateway hangs up).
    const bytes = enc.encode(": keep-alive\n");
    for (let i = 0; c.peerClosedAt === null; i++) {
      await c.sendChunk(bytes.subarray(i % bytes.byteLength, i % bytes.byteLength + 1));
      await new Promise((r) => setTimeout(r, 20));
    }
  }, async (origin) => {
    const started = performance.now();
    const res = await ask(origin, "chat");
    const got = await drain(res);
    console.log(`trickle ended after ${Math.round(performance.now() - started)} ms (total 1500)`);
    assert.ok(got.error !== null, "a stream cut by the deadline must not end cleanly");
    const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
    assert.equal(t.error_code, "upstream_timeout");
    assert.equal(t.metadata.timeout_phase, "total");
  }, { headers_timeout_ms: 1500, idle_timeout_ms: 1500, total_timeout_ms: 1500 });
});

/** An Anthropic stream with every framing oddity F3 lists, in chunks cut at awkward places. */
function malformedStream(): Uint8Array[] {
  const huge = `data: ${"x".repeat(1024 * 1024)}\n\n`;
  const euro = enc.encode(
    anthropicEvent("content_block_delta", { index: 0, delta: { type: "text_delta", text: "€€" } }),
  );
  const splitAt = euro.indexOf(0xe2) + 1; // inside the first three-byte character
  return [
    enc.encode("\uFEFF"),
    enc.encode(
      anthropicEvent("message_start", {
        message: { id: "m1", model: "claude-3-5-haiku-latest", usage: { input_tokens: 9 } },
      }).replaceAll("\n", "\r\n"),
    ),
    enc.encode(": OPENROUTER PROCESSING\r"),
    enc.encode('\revent: ping\rdata: {"type": "ping"}\r\r'),
    euro.subarray(0, splitAt),
    euro.subarray(splitAt),
    enc.encode("event: content_block_delta\ndata: {not json\n\n"),
    enc.encode(huge),
    enc.encode(
      anthropicEvent("message_delta", {
        delta: { stop_reason: "end_turn" },
        usage: { output_tokens: 3 },
      }),
    ),
    enc.encode(anthropicEvent("message_stop", {}).slice(0, -1)), // no final blank line
  ];
}

Deno.test("F3: malformed SSE reaches the client byte for byte; the trace counts the parse problems", async () => {
  const chunks = malformedStream();
  await withGateway(async (c) => {
    await c.request();
    await c.send(sseHead());
    for (const chunk of chunks) await c.sendChunk(chunk);
    await c.endChunks();
  }, async (origin) => {
    const res = await ask(origin, "messages");
    assert.equal(res.status, 200);
    const got = await drain(res);
    assert.equal(got.error, null);
    assert.deepEqual(got.bytes, concatBytes(chunks), "the gateway must not reframe the stream");
    const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
    assert.equal(t.error_code, null);
    assert.equal(t.response_status, 200);
    assert.ok(t.metadata.usage_parse_errors >= 2, JSON.stringify(t.metadata));
    assert.equal(t.response_bytes, got.bytes.byteLength);
    assert.equal(t.usage_status, "exact", "usage is still recovered around the bad events");
    assert.equal(t.output_tokens, 3);
  });
});

/** Sends events every 20 ms until the gateway hangs up (at most 10 s). */
const endlessStream: RawScript = async (c) => {
  await c.request();
  await c.send(sseHead());
  for (let i = 0; c.peerClosedAt === null && i < 500; i++) {
    await c.sendChunk(chatEvent(i));
    await new Promise((r) => setTimeout(r, 20));
  }
};

Deno.test("F6: a client leaving mid-stream closes the upstream connection promptly; trace client_aborted", async () => {
  await withGateway(endlessStream, async (origin, upstream) => {
    const ac = new AbortController();
    const res = await ask(origin, "chat", { signal: ac.signal });
    const correlationId = res.headers.get("x-ongoingai-correlation-id");
    const reader = res.body!.getReader();
    await readUntil(reader, "piece 2 ");
    const leftAt = performance.now();
    ac.abort();
    await reader.closed.catch(() => {});
    const closedAt = await (await upstream.connection()).peerClosed;
    const ms = closedAt - leftAt;
    console.log(`upstream closed ${ms.toFixed(1)} ms after the client left mid-stream`);
    assert.ok(ms >= 0 && ms < generousMs, `${ms} ms`);
    const t = await traceOf(origin, correlationId);
    assert.equal(t.error_code, "client_aborted");
    assert.equal(t.client_aborted, true);
    assert.equal(t.usage_status, "unknown");
    assert.ok(t.response_bytes > 0 && t.metadata.stream_chunks >= 3, JSON.stringify(t));
  });
});

Deno.test("F6: a client leaving before the upstream headers closes the upstream connection", async () => {
  await withGateway(async (c) => {
    await c.request();
    await c.peerClosed;
  }, async (origin, upstream) => {
    const ac = new AbortController();
    const answered = ask(origin, "chat", { signal: ac.signal }).catch((err) => err);
    const c: RawConnection = await upstream.connection();
    await c.request();
    const leftAt = performance.now();
    ac.abort();
    assert.ok(await answered instanceof Error);
    const ms = await c.peerClosed - leftAt;
    console.log(`upstream closed ${ms.toFixed(1)} ms after the client left before headers`);
    assert.ok(ms >= 0 && ms < generousMs, `${ms} ms`);
    const t = await traceOf(origin, null);
    assert.equal(t.error_code, "client_aborted");
    assert.equal(t.response_status, 499);
    assert.equal(t.usage_status, "unknown", "the request was sent: it may be billed");
  });
});

Deno.test("F6: a client leaving while its body uploads is traced and never reaches the upstream", async () => {
  await withGateway(async (c) => {
    await c.request();
  }, async (origin, upstream) => {
    const { hostname, port } = new URL(origin);
    const conn = await Deno.connect({ hostname, port: Number(port) });
    await conn.write(enc.encode(
      `POST /openai/v1/chat/completions HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
        "Authorization: Bearer sk-test-0000\r\n" +
        'Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"model":"gpt',
    ));
    // The gateway is reading a body that will never be complete; its client now leaves.
    await new Promise((r) => setTimeout(r, 100));
    conn.close();
    const t = await traceOf(origin, null);
    assert.equal(t.error_code, "client_aborted");
    assert.equal(t.response_status, 499);
    assert.equal(t.usage_status, "none", "nothing was sent, so nothing can be billed");
    assert.equal(upstream.connections.length, 0, "a half-read request is never forwarded");
  });
});

const rateLimited = {
  "content-type": "application/json",
  "retry-after": "7",
  "x-ratelimit-remaining-requests": "0",
  "x-ratelimit-reset-requests": "7s",
  "anthropic-ratelimit-requests-remaining": "0",
  "request-id": "req_upstream_1",
};
const errorAnswers: Record<string, [number, string]> = {
  "429": [429, '{"error":{"type":"rate_limit_error","message":"slow down"}}'],
  "500": [500, '{"error":{"type":"server_error","message":"boom"}}'],
  "529": [529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'],
};
const inBandError = [
  anthropicEvent("message_start", {
    message: { id: "m1", model: "claude-3-5-haiku-latest", usage: { input_tokens: 9 } },
  }),
  anthropicEvent("error", { error: { type: "overloaded_error", message: "Overloaded" } }),
].join("");

Deno.test("F7: upstream 429/500/529 pass through with status, body and rate-limit headers; an in-band error is flagged", async () => {
  await withGateway(async (c) => {
    const req = await c.request();
    const fault = req.headers["x-fault"] ?? "";
    const answer = errorAnswers[fault];
    if (answer !== undefined) return await sendWhole(c, answer[0], rateLimited, answer[1]);
    await c.send(sseHead());
    await c.sendChunk(inBandError);
    await c.endChunks();
  }, async (origin) => {
    for (const [fault, [status, body]] of Object.entries(errorAnswers)) {
      const res = await ask(origin, "messages", { headers: { "x-fault": fault } });
      assert.equal(res.status, status, fault);
      assert.equal(await res.text(), body, fault);
      for (const name of Object.keys(rateLimited)) {
        assert.equal(res.headers.get(name), rateLimited[name as keyof typeof rateLimited], name);
      }
      const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
      assert.equal(t.response_status, status, fault);
      assert.equal(t.usage_status, "none", `${fault}: an error answer is not billed`);
    }

    const res = await ask(origin, "messages");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), inBandError);
    const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
    assert.equal(t.response_status, 200, "the HTTP status is what the client got");
    assert.equal(t.metadata.upstream_stream_error, true, JSON.stringify(t.metadata));
  });
});

Deno.test("F13: an upstream redirect is not followed: 502, and the target never contacted", async () => {
  const target = startRawUpstream(async (c) => {
    await c.request();
    await sendWhole(c, 200, { "content-type": "application/json" }, "{}");
  });
  try {
    await withGateway(async (c) => {
      await c.request();
      await sendWhole(c, 307, { location: `${target.url}/v1/messages` }, "");
    }, async (origin) => {
      const res = await ask(origin, "messages");
      assert.equal(res.status, 502);
      assert.equal((await res.json()).error.code, "upstream_redirect");
      const t = await traceOf(origin, res.headers.get("x-ongoingai-correlation-id"));
      assert.equal(t.error_code, "upstream_redirect");
      assert.equal(target.connections.length, 0, "the redirect target was contacted");
    });
  } finally {
    await target.close();
  }
});
