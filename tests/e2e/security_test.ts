/**
 * Security cases of reliability.md section 3 against the real `serve` process in team mode:
 * hop-by-hop headers (S1), request framing (S2), the gateway key (S3) and the provider key (S4)
 * never leaving or being stored, traversal (S8), redirects (S10), Host (S11) and
 * provider-account headers (S15). Raw sockets are used wherever `fetch` would normalise what is
 * being tested. Every test ends by grepping the gateway's log, the SQLite database and its WAL
 * for the raw keys it used, and by checking the trace ledger.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { startUpstreamStub, type UpstreamStub } from "../support/upstream_stub.ts";
import { assertLedger } from "../support/ledger.ts";
import { concatBytes } from "../../src/bytes.ts";

const gatewayKey = "ogk_security_e2e_gateway_key_7f3a9c0d";
const otherTeamKey = "ogk_security_e2e_other_team_key_51bd77";
const providerKey = "sk-proj-security-e2e-provider-key-a1b2c3d4e5";
const secrets = [gatewayKey, otherTeamKey, providerKey];
const keyHeader = "x-ongoingai-gateway-key";
const asOwner = { [keyHeader]: gatewayKey };

interface Gateway {
  server: ServerProcess;
  dir: string;
  host: string;
  port: number;
}

/** Team mode, bodies captured, both providers pointed at `upstream` (or each its own). */
async function withGateway(
  upstreams: { openai: string; anthropic?: string },
  fn: (gw: Gateway) => Promise<void>,
  extra = "",
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-security-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "gateway.config.ts"),
    `import { defineConfig, env } from "ongoingai";
export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 1000 },
  storage: { driver: "sqlite", path: "./traces.db" },
  providers: {
    openai: { upstream: "${upstreams.openai}" },
    anthropic: { upstream: "${upstreams.anthropic ?? upstreams.openai}" },
  },
  tracing: { flush_interval_ms: 10, capture_bodies: true },
  auth: {
    enabled: true,
    keys: [
      { id: "team-a", token: env("GW_KEY"), workspace_id: "a", role: "developer", permissions: ["diagnostics:read"] },
      { id: "team-b", token: env("OTHER_KEY"), workspace_id: "b", role: "viewer", permissions: ["proxy:write"] },
    ],
  },
  ${extra}
});
`,
  );
  const server = await startServer([], {
    cwd: dir,
    port,
    env: { GW_KEY: gatewayKey, OTHER_KEY: otherTeamKey },
  });
  let stopped = false;
  try {
    await fn({ server, dir, host: "127.0.0.1", port });
    await assertLedger(server.origin, asOwner);
    // While running, the WAL holds the newest pages: grep it before shutdown checkpoints it.
    await assertStoreHasNoSecret(dir);
    const { code, logs } = await server.stop();
    stopped = true;
    assert.equal(code, 0, logs);
    assertNoSecret("the gateway log (stderr)", logs);
    await assertStoreHasNoSecret(dir);
  } finally {
    if (!stopped) await server.kill();
    await Deno.remove(dir, { recursive: true });
  }
}

function assertNoSecret(where: string, text: string): void {
  for (const secret of secrets) {
    assert.ok(!text.includes(secret), `${secret.slice(0, 12)}... found in ${where}`);
  }
}

/** The database file, its WAL and shared memory, as bytes (latin1 keeps every byte). */
async function assertStoreHasNoSecret(dir: string): Promise<string> {
  let files = 0;
  let all = "";
  for (const name of ["traces.db", "traces.db-wal", "traces.db-shm"]) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(join(dir, name));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    files++;
    const text = new TextDecoder("latin1").decode(bytes);
    assertNoSecret(name, text);
    all += text;
  }
  assert.ok(files > 0, "no SQLite file to grep");
  return all;
}

/** Traces written so far, read through the API as team a. */
async function traces(origin: string, n: number): Promise<Record<string, unknown>[]> {
  return await poll(`${n} traces written`, async () => {
    const page = await (await fetch(`${origin}/api/traces?limit=100`, { headers: asOwner }))
      .json();
    return page.items.length >= n ? page.items as Record<string, unknown>[] : undefined;
  });
}

interface RawResponse {
  status: number;
  /** Lower-case names, in order. */
  headers: [string, string][];
  body: string;
}

/** Sends raw bytes to the gateway and reads until it closes the connection. */
async function rawExchange(gw: Gateway, request: string): Promise<RawResponse> {
  const conn = await Deno.connect({ hostname: gw.host, port: gw.port });
  try {
    await conn.write(new TextEncoder().encode(request));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(16384);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    return parseResponse(new TextDecoder("latin1").decode(concatBytes(chunks)));
  } finally {
    conn.close();
  }
}

function parseResponse(text: string): RawResponse {
  const end = text.indexOf("\r\n\r\n");
  assert.ok(end > 0, `no response head in ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers = lines.map((l) => {
    const colon = l.indexOf(":");
    return [l.slice(0, colon).toLowerCase(), l.slice(colon + 1).trim()] as [string, string];
  });
  return { status: Number(statusLine!.split(" ")[1]), headers, body: text.slice(end + 4) };
}

/** A raw request line and headers, `Connection: close` so the answer ends with the socket. */
function rawRequest(
  gw: Gateway,
  line: string,
  headers: string[],
  body = "",
  opts: { host?: string } = {},
): string {
  return [
    line,
    `Host: ${opts.host ?? `${gw.host}:${gw.port}`}`,
    ...headers,
    "",
    body,
  ].join("\r\n");
}

const chatBody = JSON.stringify({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "hi" }],
});

interface RawUpstreamRequest {
  head: string;
  body: string;
}

/**
 * An upstream on a plain socket, so that its answer can carry hop-by-hop and provider-account
 * headers exactly as written (Deno.serve would rewrite some) and its log shows the request bytes
 * as they arrived. `x-raw-echo-401` makes it answer 401 quoting the Authorization it received,
 * as a provider rejecting a key does.
 */
function startRawUpstream() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: RawUpstreamRequest[] = [];
  const serving = (async () => {
    for await (const conn of listener) serveOne(conn, requests).catch(() => {});
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    requests,
    async close() {
      listener.close();
      await serving.catch(() => {});
    },
  };
}

async function serveOne(conn: Deno.Conn, requests: RawUpstreamRequest[]): Promise<void> {
  try {
    let text = "";
    const buf = new Uint8Array(16384);
    let end = -1;
    while (end === -1) {
      const n = await conn.read(buf);
      if (n === null) return;
      text += new TextDecoder("latin1").decode(buf.subarray(0, n));
      end = text.indexOf("\r\n\r\n");
    }
    const head = text.slice(0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    while (text.length - end - 4 < length) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder("latin1").decode(buf.subarray(0, n));
    }
    requests.push({ head, body: text.slice(end + 4) });
    const auth = /\r\nauthorization: *([^\r]*)/i.exec(head)?.[1] ?? "";
    const echo = /\r\nx-raw-echo-401:/i.test(head);
    const body = echo
      ? JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${
            auth.replace(/^Bearer /, "")
          }. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: "invalid_request_error",
          code: "invalid_api_key",
        },
      })
      : JSON.stringify({
        id: "chatcmpl-raw",
        object: "chat.completion",
        model: "gpt-4o-mini",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" } }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      });
    const response = [
      echo ? "HTTP/1.1 401 Unauthorized" : "HTTP/1.1 200 OK",
      "content-type: application/json",
      `content-length: ${new TextEncoder().encode(body).length}`,
      "connection: close, x-upstream-hop",
      "x-upstream-hop: named-in-connection",
      "keep-alive: timeout=5",
      'proxy-authenticate: Basic realm="upstream"',
      "trailer: x-checksum",
      "upgrade: h2c",
      "openai-organization: org-secret-account-123",
      "openai-project: proj_secret_account",
      "anthropic-organization-id: 0d0e-secret-org",
      "x-request-id: req_raw_1",
      "",
      body,
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(response));
  } finally {
    conn.close();
  }
}

type RawUpstream = ReturnType<typeof startRawUpstream>;

/** A gateway whose providers both point at a fresh raw upstream. */
async function withRawUpstream(
  fn: (upstream: RawUpstream, gw: Gateway) => Promise<void>,
  extra = "",
): Promise<void> {
  const upstream = startRawUpstream();
  try {
    await withGateway({ openai: upstream.url }, (gw) => fn(upstream, gw), extra);
  } finally {
    await upstream.close();
  }
}

/** A gateway whose providers both point at a fresh upstream stub. */
async function withStub(
  fn: (stub: UpstreamStub, gw: Gateway) => Promise<void>,
  extra = "",
): Promise<void> {
  const stub = await startUpstreamStub();
  try {
    await withGateway({ openai: stub.url }, (gw) => fn(stub, gw), extra);
  } finally {
    await stub.close();
  }
}

const credentials = [
  `X-OngoingAI-Gateway-Key: ${gatewayKey}`,
  `Authorization: Bearer ${providerKey}`,
];

/** A raw chat completion with both keys in their places, plus `headers`. */
function rawChat(gw: Gateway, headers: string[], body = chatBody, host?: string): string {
  return rawRequest(
    gw,
    "POST /openai/v1/chat/completions HTTP/1.1",
    [...credentials, "Content-Type: application/json", ...headers],
    body,
    host === undefined ? {} : { host },
  );
}

const hopByHopResponse = [
  "connection",
  "x-upstream-hop",
  "keep-alive",
  "proxy-authenticate",
  "trailer",
  "upgrade",
];
const providerAccount = ["openai-organization", "openai-project", "anthropic-organization-id"];

Deno.test("S1: hop-by-hop request headers, and headers Connection names, never reach upstream", async () => {
  await withRawUpstream(async (upstream, gw) => {
    const res = await rawExchange(
      gw,
      rawChat(gw, [
        `Content-Length: ${chatBody.length}`,
        "Connection: close, x-secret-thing, x-ongoingai-correlation-id",
        "X-Secret-Thing: must-not-travel",
        "Keep-Alive: timeout=5",
        "TE: trailers",
        "Trailer: x-checksum",
        "Upgrade: h2c",
        "Proxy-Authorization: Basic cHJveHk6c2VjcmV0",
        "Proxy-Connection: keep-alive",
        "X-End-To-End: kept",
      ], chatBody),
    );
    assert.equal(res.status, 200, res.body);
    assert.equal(upstream.requests.length, 1);
    const sent = upstream.requests[0]!.head.toLowerCase();
    for (
      const name of [
        "connection",
        "x-secret-thing",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
        keyHeader,
      ]
    ) {
      // The native client writes its own `connection`-free head; none of these may appear.
      assert.ok(!new RegExp(`\\r\\n${name}:`).test(sent), `${name} forwarded:\n${sent}`);
    }
    assert.match(sent, /\r\nx-end-to-end: kept/);
    assert.match(sent, new RegExp(`\\r\\nauthorization: bearer ${providerKey.toLowerCase()}`));
    // Named in Connection by the client, yet set by the gateway: it cannot be stripped.
    assert.match(sent, /\r\nx-ongoingai-correlation-id: \S+/);
    await traces(gw.server.origin, 1);
  });
});

Deno.test("S1 + S15: hop-by-hop and provider-account response headers never reach the client", async () => {
  await withRawUpstream(async (_upstream, gw) => {
    const res = await rawExchange(
      gw,
      rawChat(gw, [`Content-Length: ${chatBody.length}`, "Connection: close"]),
    );
    assert.equal(res.status, 200, res.body);
    const names = res.headers.map(([n]) => n);
    for (const name of [...hopByHopResponse, ...providerAccount]) {
      const value = res.headers.find(([n]) => n === name)?.[1];
      // The gateway's own server may close the connection it serves; it never repeats the
      // upstream's Connection list.
      if (name === "connection") assert.ok(value === undefined || value === "close", value);
      else assert.ok(!names.includes(name), `${name} reached the client: ${value}`);
    }
    assert.ok(!res.headers.some(([, v]) => v.includes("secret")), JSON.stringify(res.headers));
    assert.equal(res.headers.find(([n]) => n === "x-request-id")?.[1], "req_raw_1");
    const [trace] = await traces(gw.server.origin, 1);
    const detail = await (await fetch(`${gw.server.origin}/api/traces/${trace!.id}`, {
      headers: asOwner,
    })).text();
    assert.ok(!detail.includes("org-secret-account-123"), "account id stored in the trace");
  });
});

Deno.test("S2: ambiguous framing is refused with 400 and nothing is forwarded", async () => {
  await withRawUpstream(async (upstream, gw) => {
    const head = (extra: string[]) => rawChat(gw, ["Connection: close", ...extra], "");
    const chunked = `${chatBody.length.toString(16)}\r\n${chatBody}\r\n0\r\n\r\n`;
    const cases: [string, string][] = [
      [
        "Transfer-Encoding with Content-Length",
        head([`Content-Length: ${chatBody.length}`, "Transfer-Encoding: chunked"]) + chunked,
      ],
      [
        "two differing Content-Length",
        head([`Content-Length: ${chatBody.length}`, `Content-Length: ${chatBody.length + 1}`]) +
        chatBody,
      ],
      [
        "Transfer-Encoding not ending in chunked",
        head(["Transfer-Encoding: chunked, identity"]) + chunked,
      ],
      ["a bare CR in a header value", head(["X-Note: a\rX-Injected: b"]) + ""],
      ["obsolete line folding", head(["X-Note: a", " folded"]) + ""],
      ["a NUL in a header value", head(["X-Note: a\0b"]) + ""],
    ];
    for (const [what, request] of cases) {
      const res = await rawExchange(gw, request);
      assert.equal(res.status, 400, `${what}: ${res.status} ${res.body}`);
      assertNoSecret(`the ${what} answer`, res.body);
    }
    assert.equal(upstream.requests.length, 0, "a refused request reached the upstream");
  });
});

Deno.test("S2: the upstream gets the gateway's own framing, never the client's", async () => {
  await withRawUpstream(async (upstream, gw) => {
    const withEmail = JSON.stringify({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "write to jane.doe@example.com please" }],
    });
    const chunked = `${withEmail.length.toString(16)}\r\n${withEmail}\r\n0\r\n\r\n`;
    const sent = [
      rawChat(gw, ["Connection: close", "Transfer-Encoding: chunked"], chunked),
      rawChat(gw, ["Connection: close", `Content-Length: ${withEmail.length}`], withEmail),
    ];
    for (const request of sent) {
      const res = await rawExchange(gw, request);
      assert.equal(res.status, 200, res.body);
    }
    assert.equal(upstream.requests.length, 2);
    for (const { head, body } of upstream.requests) {
      assert.ok(!/\r\ntransfer-encoding:/i.test(head), head);
      // Redaction changed the body: the length is the one of the bytes actually sent.
      assert.ok(!body.includes("jane.doe@example.com"), "PII forwarded under redact_upstream");
      const lengths = [...head.matchAll(/\r\ncontent-length: *(\d+)/gi)].map((m) => m[1]);
      assert.deepEqual(lengths, [String(new TextEncoder().encode(body).length)], head);
      assert.notEqual(Number(lengths[0]), withEmail.length, "the client's stale length");
    }
    await traces(gw.server.origin, 2);
  }, `pii: { mode: "redact_upstream" },`);
});

Deno.test("S3: the gateway key travels only in its header and never leaves the gateway", async () => {
  await withStub(async (stub, gw) => {
    const url = (path: string) => `${gw.server.origin}${path}`;
    const send = (headers: Record<string, string>, path = "/openai/v1/chat/completions") =>
      fetch(url(path), {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: chatBody,
      });

    const ok = await send({ ...asOwner, authorization: `Bearer ${providerKey}` });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    assert.equal(stub.requests.length, 1);
    assert.equal(stub.requests[0]!.headers.authorization, `Bearer ${providerKey}`);
    assert.equal(stub.requests[0]!.headers[keyHeader], undefined);

    // A gateway key where the provider's key belongs would be sent to the provider: refused.
    const misplaced: [string, Record<string, string>, string?][] = [
      ["authorization", { ...asOwner, authorization: `Bearer ${gatewayKey}` }],
      ["x-api-key", { ...asOwner, "x-api-key": gatewayKey }, "/anthropic/v1/messages"],
      ["api-key", { ...asOwner, "api-key": gatewayKey }],
      ["x-goog-api-key", { ...asOwner, "x-goog-api-key": gatewayKey }],
      ["authorization", { ...asOwner, authorization: `Bearer ${otherTeamKey}` }],
    ];
    for (const [where, headers, path] of misplaced) {
      const res = await send(headers, path);
      const text = await res.text();
      assert.equal(res.status, 400, `${where}: ${text}`);
      assert.equal(JSON.parse(text).error.code, "bad_request");
      assert.match(text, new RegExp(`the ${where} header holds a gateway key`));
      assertNoSecret(`the ${where} refusal`, text);
    }
    // Without the gateway header, the 401 says where the key went, without repeating it.
    const lost = await send({ authorization: `Bearer ${gatewayKey}` });
    const lostText = await lost.text();
    assert.equal(lost.status, 401);
    assert.match(lostText, /the one sent in the authorization header belongs there instead/);
    assertNoSecret("the 401 answer", lostText);
    assert.equal(stub.requests.length, 1, "a refused request reached the provider");

    for (const r of stub.requests) {
      const seen = JSON.stringify(r);
      assert.ok(!seen.includes(gatewayKey) && !seen.includes(otherTeamKey), seen);
    }
    const [trace] = await traces(gw.server.origin, 1);
    const detail = await (await fetch(url(`/api/traces/${trace!.id}`), { headers: asOwner }))
      .text();
    assertNoSecret("the stored trace", detail);
    // The grep reads what the store wrote: the trace's key id is there, the key is not.
    assert.ok(
      (await assertStoreHasNoSecret(gw.dir)).includes("team-a"),
      "store grep read nothing",
    );
  });
});

Deno.test({
  name: "S3: a gateway key in ?key= is refused, not forwarded",
  fn: async () => {
    const stub = await startUpstreamStub();
    try {
      await withGateway({ openai: stub.url }, async (gw) => {
        const res = await fetch(
          `${gw.server.origin}/openai/v1/chat/completions?key=${gatewayKey}`,
          {
            method: "POST",
            headers: { ...asOwner, authorization: `Bearer ${providerKey}` },
            body: chatBody,
          },
        );
        const text = await res.text();
        assert.equal(res.status, 400, text);
        assert.match(text, /the key query parameter holds a gateway key/);
        assert.equal(stub.requests.length, 0);
      });
    } finally {
      await stub.close();
    }
  },
});

for (const pii of ["redact_storage", "off"] as const) {
  Deno.test(`S4: a provider 401 quoting the provider key is stored without it (pii ${pii})`, async () => {
    await withRawUpstream(async (_upstream, gw) => {
      const res = await fetch(`${gw.server.origin}/openai/v1/chat/completions`, {
        method: "POST",
        headers: {
          ...asOwner,
          authorization: `Bearer ${providerKey}`,
          "content-type": "application/json",
          "x-raw-echo-401": "1",
        },
        body: chatBody,
      });
      assert.equal(res.status, 401);
      // The client gets the provider's answer as it is: it is the client's own key.
      assert.match(await res.text(), /Incorrect API key provided/);
      const [trace] = await traces(gw.server.origin, 1);
      assert.equal(trace!.response_status, 401);
      const detail = await (await fetch(`${gw.server.origin}/api/traces/${trace!.id}`, {
        headers: asOwner,
      })).json();
      // With PII redaction the secret detector replaces it; without, the key scrubber does.
      const marker = pii === "off" ? /\[REDACTED\]/ : /\[TOKEN_REDACTED:[0-9a-f]+\]/;
      assert.match(detail.response_body, marker);
      assertNoSecret("the stored trace", JSON.stringify(detail));
      // Only a keyed fingerprint: not the plain SHA-256 anyone could compute from a leaked key.
      assert.match(detail.api_key_hash, /^[0-9a-f]{32,}$/);
      assert.notEqual(
        detail.api_key_hash,
        createHash("sha256").update(providerKey).digest("hex"),
      );
    }, `pii: { mode: "${pii}" },`);
  });
}

Deno.test("S8: traversal, encoded slashes, empty segments and absolute-form are refused", async () => {
  await withStub(async (stub, gw) => {
    const lines = [
      "GET /openai/../api/traces HTTP/1.1",
      "GET /openai/%2e%2e/anthropic/v1/models HTTP/1.1",
      "GET /openai/%2E%2E/api/traces HTTP/1.1",
      "GET /openai/..%2fanthropic/v1/models HTTP/1.1",
      "GET /openai/%2E%2E%2Fapi/traces HTTP/1.1",
      "GET /openai/v1%5c..%5c..%5capi/traces HTTP/1.1",
      "GET /openai//v1/models HTTP/1.1",
      "GET //evil.com/v1/models HTTP/1.1",
      "GET //evil.com/openai/v1/models HTTP/1.1",
      "GET /openai/./v1/models HTTP/1.1",
      "GET http://other.host/openai/v1/models HTTP/1.1",
      "GET http://evil.com/api/traces HTTP/1.1",
    ];
    for (const line of lines) {
      const res = await rawExchange(
        gw,
        rawRequest(gw, line, [
          `X-OngoingAI-Gateway-Key: ${gatewayKey}`,
          `Authorization: Bearer ${providerKey}`,
          "Connection: close",
        ]),
      );
      assert.equal(res.status, 400, `${line}: ${res.status} ${res.body}`);
      assert.equal(JSON.parse(res.body).error.code, "invalid_path", line);
      assertNoSecret(`the answer to ${line}`, res.body);
    }
    assert.equal(stub.requests.length, 0, JSON.stringify(stub.requests.map((r) => r.path)));
    const page = await (await fetch(`${gw.server.origin}/api/traces`, { headers: asOwner }))
      .json();
    assert.equal(page.items.length, 0, "a refused path was traced as a proxied request");
  });
});

for (const client of ["native", "fetch"] as const) {
  Deno.test(`S10: a redirect is answered 502 and never followed (${client} client)`, async () => {
    const stub = await startUpstreamStub();
    // The redirect's target: it must never see a connection, let alone a key.
    const elsewhere = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    let contacted = 0;
    const accepting = (async () => {
      for await (const conn of elsewhere) {
        contacted++;
        conn.close();
      }
    })();
    try {
      await withGateway({ openai: stub.url }, async (gw) => {
        for (const path of ["/openai/v1/chat/completions", "/anthropic/v1/messages"]) {
          const res = await fetch(`${gw.server.origin}${path}`, {
            method: "POST",
            headers: {
              ...asOwner,
              authorization: `Bearer ${providerKey}`,
              "x-api-key": providerKey,
              "content-type": "application/json",
              "x-stub-redirect": `http://127.0.0.1:${elsewhere.addr.port}/steal`,
            },
            body: chatBody,
          });
          const text = await res.text();
          assert.equal(res.status, 502, text);
          assert.equal(JSON.parse(text).error.code, "upstream_redirect");
          assert.equal(res.headers.get("location"), null, "the redirect leaked to the client");
          assertNoSecret("the 502 answer", text);
        }
        const items = await traces(gw.server.origin, 2);
        assert.ok(items.every((t) => t.error_code === "upstream_redirect"));
        assert.equal(stub.requests.length, 2);
      }, `proxy: { upstream_client: "${client}" },`);
      assert.equal(contacted, 0, "the redirect target was contacted");
    } finally {
      elsewhere.close();
      await accepting.catch(() => {});
      await stub.close();
    }
  });
}

Deno.test("S11: Host and X-Forwarded-Host never choose the upstream; a foreign Host is refused", async () => {
  await withStub(async (stub, gw) => {
    // Forwarding headers are the client's words: they never choose where the request goes.
    const res = await rawExchange(
      gw,
      rawChat(gw, [
        "X-Forwarded-Host: evil.example",
        "Forwarded: host=evil.example;proto=https",
        `Content-Length: ${chatBody.length}`,
        "Connection: close",
      ]),
    );
    assert.equal(res.status, 200, res.body);
    assert.equal(stub.requests.length, 1, "the configured upstream got the request");
    assert.equal(stub.requests[0]!.headers.host, new URL(stub.url).host);
    // A Host that is not a name of this gateway (DNS rebinding, issue 16 item 3) is refused with
    // 421 before auth, forwarding or tracing, even with a valid key: it never reaches the stub.
    const foreign = await rawExchange(
      gw,
      rawChat(
        gw,
        [`Content-Length: ${chatBody.length}`, "Connection: close"],
        chatBody,
        "evil.example",
      ),
    );
    assert.equal(foreign.status, 421, foreign.body);
    assert.equal(JSON.parse(foreign.body).error.code, "misdirected_request");
    assertNoSecret("the 421 answer", foreign.body);
    assert.equal(stub.requests.length, 1, "a misdirected request was forwarded");
    await traces(gw.server.origin, 1);
  });
});
