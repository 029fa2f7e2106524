/**
 * Bad input against the real `serve` process, over raw sockets where `fetch` would fix the
 * framing: bodies over the limit (declared, chunked, lying), oversized heads (the gateway's 431
 * and the runtime's own 400 beyond 64 KiB), and invalid JSON on provider and API routes.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { assertLedger } from "../support/ledger.ts";

const bodyLimit = 1024;
const adminKey = "gw_limits_admin_token_0123456789";
const keyHeader = { "x-ongoingai-gateway-key": adminKey };
const chat = "/openai/v1/chat/completions";
const enc = new TextEncoder();

interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
  /** From the last byte written to the status line. */
  ms: number;
}

/**
 * Writes `parts` (head first) on one connection, then reads one response: its head, then the
 * body by Content-Length, or to the end of the connection.
 */
async function raw(origin: string, parts: (string | Uint8Array)[]): Promise<RawResponse | null> {
  const { hostname, port } = new URL(origin);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    for (const part of parts) {
      await conn.write(typeof part === "string" ? enc.encode(part) : part);
    }
    const started = performance.now();
    let text = "";
    let ms = 0;
    const buf = new Uint8Array(16 * 1024);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      if (ms === 0) ms = performance.now() - started;
      text += new TextDecoder().decode(buf.subarray(0, n));
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) continue;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
      if (length !== undefined && text.length >= end + 4 + Number(length)) break;
    }
    if (text === "") return null;
    const [head = "", body = ""] = text.split(/\r\n\r\n([\s\S]*)/);
    const [statusLine, ...lines] = head.split("\r\n");
    const headers = new Headers();
    for (const line of lines) {
      const i = line.indexOf(":");
      headers.append(line.slice(0, i), line.slice(i + 1).trim());
    }
    return { status: Number(statusLine!.split(" ")[1]), headers, body, ms };
  } finally {
    conn.close();
  }
}

const head = (port: number, lines: string[], path = chat) =>
  [`POST ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, ...lines, "Connection: close", "", ""]
    .join("\r\n");

Deno.test("e2e limits: bodies, heads and bad JSON are refused or passed as the issue says", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-limits-" });
  const stub = await startUpstreamStub();
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 300 }
proxy: { max_request_body_bytes: ${bodyLimit} }
storage: { path: ./data/gw.db }
providers:
  openai: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10 }
auth:
  enabled: true
  keys: [{ id: admin, token: "${adminKey}", role: admin, permissions: [diagnostics:read] }]
`,
  );
  const server = await startServer([], { cwd: dir, port });
  const auth = `X-OngoingAI-Gateway-Key: ${adminKey}`;
  const traces = async (): Promise<Record<string, unknown>[]> =>
    (await (await fetch(`${server.origin}/api/traces?limit=100`, { headers: keyHeader })).json())
      .items;
  const traceWith = (what: string, match: (t: Record<string, unknown>) => boolean) =>
    poll(what, async () => (await traces()).find(match));

  try {
    await t.step(
      "Content-Length of limit+1: 413 at once, body unsent, upstream untouched",
      async () => {
        const res = await raw(server.origin, [
          head(port, [auth, "Content-Type: application/json", `Content-Length: ${bodyLimit + 1}`]),
        ]);
        assert.equal(res?.status, 413);
        assert.equal(JSON.parse(res!.body).error.code, "request_too_large");
        assert.equal(res!.headers.get("x-content-type-options"), "nosniff");
        console.log(`413 for a declared limit+1 body, no body sent: ${res!.ms.toFixed(1)} ms`);
        assert.ok(res!.ms < 2000, `413 took ${res!.ms} ms`);
        const trace = await traceWith("a 413 trace", (t) => t.error_code === "request_too_large");
        assert.equal(trace.response_status, 413);
        assert.equal(stub.requests.length, 0);
      },
    );

    await t.step("chunked body crossing the limit: 413 before the body ends", async () => {
      const chunk = (n: number) => `${n.toString(16)}\r\n${"a".repeat(n)}\r\n`;
      // Three chunks of 512 bytes cross 1024; the terminating chunk is never sent.
      const res = await raw(server.origin, [
        head(port, [auth, "Content-Type: application/json", "Transfer-Encoding: chunked"]),
        chunk(512),
        chunk(512),
        chunk(512),
      ]);
      assert.equal(res?.status, 413);
      assert.equal(JSON.parse(res!.body).error.code, "request_too_large");
      console.log(`413 for a chunked body crossing the limit: ${res!.ms.toFixed(1)} ms`);
      assert.equal(stub.requests.length, 0);
    });

    await t.step(
      "a Content-Length smaller than the body: only the declared bytes go on",
      async () => {
        const declared = '{"model":1}';
        const res = await raw(server.origin, [
          head(port, [auth, "x-stub-status: 400", `Content-Length: ${declared.length}`]),
          declared + "b".repeat(bodyLimit * 4),
        ]);
        // Whatever the runtime makes of the bytes after the body, none of them is forwarded.
        assert.ok(res !== null);
        await poll(
          "the upstream seeing the request",
          () => Promise.resolve(stub.requests.length === 1 ? true : undefined),
        );
        assert.equal(stub.requests[0]!.body, declared);
        assert.equal(stub.requests.length, 1);
      },
    );

    await t.step(
      "a Content-Length larger than the body: nothing forwarded when it ends",
      async () => {
        const { hostname } = new URL(server.origin);
        const conn = await Deno.connect({ hostname, port });
        await conn.write(enc.encode(head(port, [auth, `Content-Length: ${bodyLimit}`]) + "{"));
        await conn.closeWrite();
        await conn.read(new Uint8Array(1024)).catch(() => null);
        conn.close();
        const trace = await traceWith("a trace of the cut body", (t) => t.response_status === 499);
        assert.equal(trace.error_code, "client_aborted");
        assert.equal(stub.requests.length, 1, "only the previous step's request");
      },
    );

    await t.step("headers between max_header_bytes (60 KiB) and 64 KiB: 431", async () => {
      const filler = `X-Filler: ${"f".repeat(62 * 1024)}`;
      for (const path of [chat, "/api/health"]) {
        const res = await raw(server.origin, [
          head(port, [auth, filler, "Content-Length: 2"], path) + "{}",
        ]);
        assert.equal(res?.status, 431, path);
        const err = JSON.parse(res!.body).error;
        assert.equal(err.code, "headers_too_large");
        assert.match(err.message, /server\.max_header_bytes/);
        assert.equal(res!.headers.get("x-frame-options"), "DENY");
      }
      assert.equal(stub.requests.length, 1);
    });

    await t.step("a head of 64 KiB or more: the runtime's own 400", async () => {
      const filler = `X-Filler: ${"f".repeat(65 * 1024)}`;
      const res = await raw(server.origin, [head(port, [auth, filler, "Content-Length: 0"])]);
      assert.equal(res?.status, 400);
      assert.equal(stub.requests.length, 1);
    });

    await t.step(
      "invalid JSON to a provider route: forwarded, traced with model unknown",
      async () => {
        const res = await fetch(`${server.origin}${chat}`, {
          method: "POST",
          headers: { ...keyHeader, "content-type": "application/json", "x-stub-status": "400" },
          body: '{"model": "gpt-4o-mini", "messages": [',
        });
        assert.equal(res.status, 400, "the provider's answer");
        await res.body?.cancel();
        assert.equal(stub.requests.length, 2);
        assert.equal(stub.requests[1]!.body, '{"model": "gpt-4o-mini", "messages": [');
        const trace = await traceWith(
          "the invalid JSON trace",
          (t) => t.correlation_id === res.headers.get("x-ongoingai-correlation-id"),
        );
        assert.equal(trace.model, "unknown");
        assert.equal(trace.response_status, 400);
      },
    );

    await t.step("invalid JSON to /api/gateway-keys: 400 invalid_json", async () => {
      const res = await fetch(`${server.origin}/api/gateway-keys`, {
        method: "POST",
        headers: { ...keyHeader, "content-type": "application/json" },
        body: '{"name": "ci", ',
      });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error.code, "invalid_json");
      assert.equal(
        res.headers.get("content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'",
      );
    });

    await assertLedger(server.origin, keyHeader);
  } finally {
    await server.kill();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});
