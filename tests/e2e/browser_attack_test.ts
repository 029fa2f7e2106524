/**
 * What a web page can do to a gateway on this machine, against the real `serve` process in
 * default mode (no keys) bound to 127.0.0.1: DNS rebinding (a page whose name re-resolves to
 * 127.0.0.1 sends its own name as `Host`), cross-site "simple" requests (`text/plain` POSTs,
 * no preflight) to the API and to provider prefixes, and the fetch-metadata shape of a no-cors
 * request. The official SDKs as they run in Node (no `Origin`) and a browser SDK from an origin
 * listed in `server.cors.allowed_origins` must keep working.
 *
 * `node:http` is used where a browser's headers are imitated: `fetch` replaces `Host`.
 */
import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { freePort, poll, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const prompt = "rebinding-canary-prompt-4f1e9a";
const openaiKey = "sk-proj-BROWSERATTACK0123456789abcdefWXYZ";
const anthropicKey = "sk-ant-api03-BROWSERATTACK0123456789-abcdQRST";

interface Answer {
  status: number;
  body: string;
}

/** One request with exactly these headers (Host included), to 127.0.0.1:`port`. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const errorOf = (a: Answer) => JSON.parse(a.body).error as { code: string; message: string };

Deno.test("e2e: DNS rebinding and cross-site requests against a default-mode loopback gateway", async (t) => {
  const stub = await startUpstreamStub();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-browser-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server:
  host: 127.0.0.1
  port: ${port}
  shutdown_grace_ms: 500
  cors:
    allowed_origins: ["http://app.example"]
storage: { driver: sqlite, path: ./traces.db }
providers:
  openai: { upstream: "${stub.url}" }
  anthropic: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10, capture_bodies: true }
`,
  );
  const server = await startServer([], {
    cwd: dir,
    port,
    env: { ONGOINGAI_SERVER_ALLOWED_HOSTS: "gateway.internal, *.corp.example" },
  });
  const local = `127.0.0.1:${port}`;
  const traceCount = async () =>
    (await (await fetch(`${server.origin}/api/traces?limit=200`)).json()).items.length as number;
  try {
    // What the page is after: a captured prompt, sent the way the Node SDK sends it (no Origin).
    const openai = new OpenAI({ apiKey: openaiKey, baseURL: `${server.origin}/openai/v1` });
    await openai.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: prompt }],
    });
    await poll("the SDK request traced", async () => (await traceCount()) === 1 || undefined);

    await t.step("a rebound name cannot read the traces export or create keys (421)", async () => {
      for (
        const host of [`rebind.attacker.example:${port}`, "attacker.example", `x.localhost:${port}`]
      ) {
        const read = await send(port, "GET", "/api/traces/export", { host });
        assert.equal(read.status, 421, `${host}: ${read.body}`);
        assert.ok(!read.body.includes(prompt), "the prompt leaked");
        const err = errorOf(read);
        assert.equal(err.code, "misdirected_request");
        assert.match(err.message, new RegExp(host.split(":")[0]!.replaceAll(".", "\\.")));
        assert.match(err.message, /server\.allowed_hosts/);
        const create = await send(port, "POST", "/api/gateway-keys", {
          host,
          "content-type": "application/json",
        }, JSON.stringify({ role: "owner" }));
        assert.equal(create.status, 421, create.body);
        const chat = await send(port, "POST", "/openai/v1/chat/completions", {
          host,
          "content-type": "application/json",
          authorization: `Bearer ${openaiKey}`,
        }, JSON.stringify({ model: "gpt-4o-mini", messages: [] }));
        assert.equal(chat.status, 421, chat.body);
      }
      assert.equal(stub.requests.length, 1, "a misdirected request was forwarded");
    });

    await t.step("loopback names, IP literals and server.allowed_hosts are answered", async () => {
      for (
        const host of [
          local,
          `localhost:${port}`,
          `LOCALHOST:${port}`,
          `localhost.:${port}`,
          `127.0.0.2:${port}`,
          `[::1]:${port}`,
          "192.168.1.20",
          `gateway.internal:${port}`,
          `api.corp.example:${port}`,
          "gateway.internal:9999",
        ]
      ) {
        const res = await send(port, "GET", "/api/traces/export", { host });
        assert.equal(res.status, 200, `${host}: ${res.body}`);
      }
    });

    await t.step(
      "a cross-site text/plain POST to a provider prefix is neither forwarded nor traced",
      async () => {
        const before = await traceCount();
        const simple = await send(port, "POST", "/openai/v1/chat/completions", {
          host: local,
          origin: "http://attacker.example",
          "content-type": "text/plain",
          "sec-fetch-site": "cross-site",
          "sec-fetch-mode": "no-cors",
        }, JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "x" }] }));
        assert.equal(simple.status, 403, simple.body);
        assert.equal(errorOf(simple).code, "forbidden");
        assert.match(errorOf(simple).message, /server\.cors\.allowed_origins/);
        // No Origin (a no-cors GET from an <img> or <script>): fetch metadata still says cross-site.
        const noOrigin = await send(port, "GET", "/anthropic/v1/models", {
          host: local,
          "sec-fetch-site": "cross-site",
          "sec-fetch-mode": "no-cors",
        });
        assert.equal(noOrigin.status, 403, noOrigin.body);
        const opaque = await send(port, "POST", "/openai/v1/chat/completions", {
          host: local,
          origin: "null",
          "content-type": "text/plain",
        }, "{}");
        assert.equal(opaque.status, 403, opaque.body);
        assert.equal(stub.requests.length, 1, "a cross-site request reached the upstream");
        assert.equal(await traceCount(), before, "a cross-site request was traced");
      },
    );

    await t.step("cross-site API calls: foreign Origin 403, non-JSON body 415", async () => {
      for (
        const [path, method] of [
          ["/api/traces/export", "GET"],
          ["/api/traces", "GET"],
          ["/api/gateway-keys", "POST"],
        ] as const
      ) {
        const res = await send(port, method, path, {
          host: local,
          origin: "http://attacker.example",
          "content-type": "text/plain",
        }, method === "POST" ? JSON.stringify({ role: "owner" }) : undefined);
        assert.equal(res.status, 403, `${method} ${path}: ${res.body}`);
        assert.ok(!res.body.includes(prompt));
      }
      for (
        const type of [
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
        ]
      ) {
        const res = await send(port, "POST", "/api/gateway-keys", {
          host: local,
          "content-type": type,
        }, JSON.stringify({ role: "owner" }));
        assert.equal(res.status, 415, `${type}: ${res.body}`);
        assert.equal(errorOf(res).code, "unsupported_media_type");
        assert.match(errorOf(res).message, /application\/json/);
      }
      const untyped = await send(port, "POST", "/api/gateway-keys", { host: local }, "{}");
      assert.equal(untyped.status, 415, untyped.body);
    });

    await t.step(
      "SDKs keep working: Node shape (no Origin) and a browser SDK from an allowed origin",
      async () => {
        const node = new Anthropic({ apiKey: anthropicKey, baseURL: `${server.origin}/anthropic` });
        await node.messages.create({
          model: "claude-opus-4-5",
          max_tokens: 16,
          messages: [{ role: "user", content: "hi" }],
        });
        const browser = new Anthropic({
          apiKey: anthropicKey,
          baseURL: `${server.origin}/anthropic`,
          dangerouslyAllowBrowser: true,
          defaultHeaders: { origin: "http://app.example", "sec-fetch-site": "cross-site" },
        });
        await browser.messages.create({
          model: "claude-opus-4-5",
          max_tokens: 16,
          messages: [{ role: "user", content: "hi" }],
        });
        assert.equal(stub.requests.length, 3);
        // A top-level navigation is the user's own read, not a page's.
        const nav = await send(port, "GET", "/api/health", {
          host: local,
          "sec-fetch-site": "cross-site",
          "sec-fetch-mode": "navigate",
        });
        assert.equal(nav.status, 200, nav.body);
      },
    );
  } finally {
    const { code, logs } = await server.stop();
    await stub.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    assert.equal(code, 0, logs);
    assert.match(logs, /421/, "refused Host names are counted in the log");
  }
});
