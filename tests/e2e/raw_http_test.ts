/**
 * What only a real socket can show: raw request targets (`..`, absolute-form) that `new Request`
 * would normalise away, and a client hanging up mid-stream on a real connection.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub, type UpstreamStub } from "../support/upstream_stub.ts";

async function withGateway(
  fn: (s: ServerProcess, stub: UpstreamStub, dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-raw-" });
  const stub = await startUpstreamStub();
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 300 }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
`,
  );
  const server = await startServer([], { cwd: dir, port });
  try {
    await fn(server, stub, dir);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Sends one raw HTTP/1.1 request and returns the status line. */
async function rawStatus(origin: string, requestLine: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(
      new TextEncoder().encode(
        `${requestLine}\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const buf = new Uint8Array(4096);
    let text = "";
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
      if (text.includes("\r\n")) break;
    }
    return text.split("\r\n")[0]!;
  } finally {
    conn.close();
  }
}

Deno.test("e2e: raw traversal and absolute-form targets are refused and never forwarded", async () => {
  await withGateway(async (server, stub) => {
    const targets = [
      "GET /openai/../anthropic/v1/messages HTTP/1.1",
      "GET /openai/%2e%2e/anthropic/v1/models HTTP/1.1",
      "GET /openai/..%2fanthropic/v1 HTTP/1.1",
      "GET /openai/v1/..  HTTP/1.1",
      "GET http://other.host/openai/v1/models HTTP/1.1",
    ];
    for (const line of targets) {
      const status = await rawStatus(server.origin, line);
      assert.match(status, /^HTTP\/1\.1 400/, line);
    }
    assert.equal(stub.requests.length, 0);
    const page = await (await fetch(`${server.origin}/api/traces`)).json();
    assert.equal(page.items.length, 0);
  });
});

Deno.test("e2e: a WebSocket handshake the upstream cannot take is answered 426, never forwarded as a plain GET nor traced", async () => {
  await withGateway(async (server, stub) => {
    // What Codex sends first for the Responses API (Sec-WebSocket-Version 13, OpenAI-Beta).
    const { hostname, port } = new URL(server.origin);
    const conn = await Deno.connect({ hostname, port: Number(port) });
    let answer = "";
    try {
      await conn.write(new TextEncoder().encode(
        "GET /openai/v1/responses HTTP/1.1\r\n" +
          `Host: ${hostname}:${port}\r\n` +
          "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
          "OpenAI-Beta: responses_websockets=2026-02-06\r\n" +
          "Authorization: Bearer sk-proj-RAWWSKEY0123456789abcdefWXYZ\r\n\r\n",
      ));
      const buf = new Uint8Array(4096);
      for (;;) {
        const n = await conn.read(buf);
        if (n === null) break;
        answer += new TextDecoder().decode(buf.subarray(0, n));
        if (/\r\n\r\n[\s\S]*\}\}/.test(answer)) break;
      }
    } finally {
      conn.close();
    }
    assert.match(answer, /^HTTP\/1\.1 426 /);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    // The relay (ws_relay/) dials the upstream first; this HTTP-only stub does not upgrade.
    assert.equal(body.error.code, "websocket_upstream_refused");
    assert.match(body.error.message, /use HTTPS/);
    // A plain request on the same route still goes through.
    const res = await fetch(`${server.origin}/openai/v1/models`);
    await res.body?.cancel();
    assert.equal(res.status, 200);
    assert.deepEqual(
      stub.requests.map((r) => [r.path, r.headers.upgrade ?? null]),
      [["/v1/responses", "websocket"], ["/v1/models", null]],
      "the handshake went upstream as an upgrade only, never as a plain GET",
    );
    // The models request's trace is written after the handshake was refused: once it is there,
    // the handshake would be too, had it been traced.
    const items = await poll("the models trace", async () => {
      const page = await (await fetch(`${server.origin}/api/traces`)).json();
      return page.items.length > 0 ? page.items as { request_path: string }[] : undefined;
    });
    assert.deepEqual(items.map((t) => t.request_path), ["/openai/v1/models"]);
  });
});

Deno.test("e2e: a client hanging up mid-stream aborts the upstream and is traced", async () => {
  await withGateway(async (server, stub) => {
    const ac = new AbortController();
    const res = await fetch(`${server.origin}/openai/v1/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer sk-test-abort-0000000000",
        "x-stub-delay-ms": "100",
      },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await reader.closed.catch(() => {});
    assert.equal(await stub.cancelled, "/v1/chat/completions");
    let trace;
    for (let i = 0; i < 200 && !trace; i++) {
      trace = (await (await fetch(`${server.origin}/api/traces`)).json()).items[0];
      if (!trace) await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(trace.error_code, "client_aborted");
    assert.equal(trace.client_aborted, true);
    assert.equal(trace.usage_status, "unknown");
  });
});

Deno.test("e2e: SIGTERM with a request body still uploading: bounded drain, trace kept, exit 0", async () => {
  await withGateway(async (server, _stub, dir) => {
    const { hostname, port } = new URL(server.origin);
    const conn = await Deno.connect({ hostname, port: Number(port) });
    try {
      await conn.write(new TextEncoder().encode(
        `POST /openai/v1/chat/completions HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":',
      ));
      // The gateway is now reading a body that will never be complete.
      await new Promise((r) => setTimeout(r, 200));
      const stopped = await server.stop("SIGTERM");
      assert.equal(stopped.code, 0, stopped.logs);
      assert.match(stopped.logs, /trace queue flushed written=1/);
    } finally {
      conn.close();
    }
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(join(dir, "data", "gw.db"), { readOnly: true });
    try {
      const row = db.prepare("SELECT error_code, response_status FROM traces").get();
      assert.deepEqual({ ...row }, { error_code: "shutdown", response_status: 503 });
    } finally {
      db.close();
    }
  });
});
