/**
 * Adversarial review of issue 16, items 3, 5 and 8, against one real `serve` in team mode bound
 * to 127.0.0.1 (so the Host check is on), over raw sockets where a browser's or an attacker's
 * exact bytes matter:
 *
 * - Host tricks: userinfo, a name ending in an address, zone ids, a name starting with
 *   `localhost.`, two Host headers, an absolute-form target naming another host, an empty Host;
 * - Origin tricks: `null`, a look-alike, case, a trailing slash, an explicit default port, two
 *   Origin headers; preflights from them; `Sec-Fetch-Site` without Origin;
 * - the key API: content types a form can send, JSON-looking `text/plain`, multipart, methods it
 *   does not take, role and permission spellings, another tenant's key, a rotate above the caller;
 * - stored secrets: an issued key escaped twice in the path, a configured key cut in half
 *   by the body cap, and a configured key holding an e-mail address (the PII policy used to
 *   replace the address first, so the key no longer matched and the rest of it was stored).
 *
 * Everything refused must also not have reached the upstream.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll, startServer } from "../support/process.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";

const owner = "review-owner-token-7f3a9c2e41d8";
const devMgr = "review-devmgr-token-1b5e0d9a7c36";
const otherOwner = "review-other-owner-token-4c8e2a";
/** A passphrase key holding an e-mail address, which the default PII policy redacts on its own. */
const passphrase = "correct-horse-battery-staple-ops@corp.example";
const R = "[CREDENTIAL_REDACTED]";

/** One request as these exact bytes; the status line and the body. */
async function raw(port: number, text: string): Promise<{ status: number; body: string }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(text));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(16384);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      chunks.push(buf.slice(0, n));
    }
    const all = new TextDecoder().decode(
      chunks.reduce((a, c) => new Uint8Array([...a, ...c]), new Uint8Array()),
    );
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(all)?.[1] ?? 0);
    return { status, body: all.slice(all.indexOf("\r\n\r\n") + 4) };
  } finally {
    try {
      conn.close();
    } catch { /* closed by the server */ }
  }
}

const get = (path: string, headers: string) =>
  `GET ${path} HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`;
const post = (path: string, headers: string, body: string) =>
  `POST ${path} HTTP/1.1\r\n${headers}Content-Length: ${
    new TextEncoder().encode(body).length
  }\r\nConnection: close\r\n\r\n${body}`;

Deno.test("review e2e: Host, Origin, key API and stored-secret attacks on a team-mode loopback gateway", async (t) => {
  const stub = await startUpstreamStub();
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-review-" });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "ongoingai.yaml"),
    `server:
  host: 127.0.0.1
  port: ${port}
  shutdown_grace_ms: 500
  cors: { allowed_origins: ["http://app.example"] }
storage: { driver: sqlite, path: ./traces.db }
providers:
  openai: { upstream: "${stub.url}" }
tracing: { flush_interval_ms: 10, capture_bodies: true, body_max_size: 512 }
auth:
  enabled: true
  keys:
    - { id: owner, token: { env: OWNER }, workspace_id: w, role: owner }
    - { id: dev-mgr, token: { env: DEV_MGR }, workspace_id: w, role: developer, permissions: [keys:manage] }
    - { id: other, token: { env: OTHER }, workspace_id: w2, role: owner }
    - { id: passphrase, token: { env: PASSPHRASE }, workspace_id: w, role: developer }
`,
  );
  const server = await startServer([], {
    cwd: dir,
    port,
    env: { OWNER: owner, DEV_MGR: devMgr, OTHER: otherOwner, PASSPHRASE: passphrase },
  });
  const local = `Host: 127.0.0.1:${port}\r\n`;
  const asOwner = `X-OngoingAI-Gateway-Key: ${owner}\r\n`;
  const chat = "/openai/v1/chat/completions";
  const chatBody = JSON.stringify({ model: "gpt-4o-mini", messages: [] });
  try {
    await t.step("Host tricks are refused (421, or 400 by the HTTP parser)", async () => {
      const hosts = [
        `localhost:${port}@attacker.example`,
        "127.0.0.1.nip.io",
        `localhost.attacker.example:${port}`,
        "[::1%25eth0]",
        "[::1%eth0]",
        "localhost:",
        "0x7f.1.attacker.example",
      ];
      for (const host of hosts) {
        const read = await raw(port, get("/api/traces/export", `Host: ${host}\r\n${asOwner}`));
        assert.equal(read.status, 421, `${host}: ${read.body}`);
        const send = await raw(
          port,
          post(chat, `Host: ${host}\r\n${asOwner}Content-Type: application/json\r\n`, chatBody),
        );
        assert.equal(send.status, 421, `${host}: ${send.body}`);
      }
      for (
        const [what, text] of [
          ["two Host headers", get("/api/traces", `Host: attacker.example\r\n${local}${asOwner}`)],
          ["two Host headers, local first", get("/api/traces", `${local}Host: a.example\r\n`)],
          ["absolute-form", get("http://attacker.example/api/traces", `${local}${asOwner}`)],
          ["absolute-form, its Host", get("http://a.example/api/traces", "Host: a.example\r\n")],
          ["an empty Host", get("/api/traces", `Host: \r\n${asOwner}`)],
        ]
      ) {
        const res = await raw(port, text!);
        assert.ok(res.status === 400 || res.status === 421, `${what}: ${res.status} ${res.body}`);
      }
      // The browser-reachable spellings of this machine are answered.
      for (const host of ["LOCALHOST", "localhost.", "2130706433", "[::ffff:127.0.0.1]"]) {
        const ok = await raw(port, get("/api/traces", `Host: ${host}:${port}\r\n${asOwner}`));
        assert.equal(ok.status, 200, `${host}: ${ok.body}`);
      }
    });

    await t.step(
      "Origin tricks are refused on API and provider routes, preflights too",
      async () => {
        const origins = [
          "null",
          "http://app.example.attacker.example",
          "http://APP.example",
          "http://app.example/",
          "http://app.example:80",
          "https://app.example",
          "http://app.example, http://app.example",
        ];
        for (const origin of origins) {
          const h = `${local}${asOwner}Origin: ${origin}\r\n`;
          const read = await raw(port, get("/api/traces/export", h));
          assert.equal(read.status, 403, `${origin}: ${read.body}`);
          const send = await raw(port, post(chat, `${h}Content-Type: text/plain\r\n`, chatBody));
          assert.equal(send.status, 403, `${origin}: ${send.body}`);
          const pre = await raw(
            port,
            `OPTIONS /api/gateway-keys HTTP/1.1\r\n${local}Origin: ${origin}\r\n` +
              "Access-Control-Request-Method: POST\r\nConnection: close\r\n\r\n",
          );
          assert.equal(pre.status, 403, `preflight ${origin}: ${pre.body}`);
        }
        const twoOrigins = await raw(
          port,
          get("/api/traces", `${local}${asOwner}Origin: http://app.example\r\nOrigin: null\r\n`),
        );
        assert.equal(twoOrigins.status, 403, twoOrigins.body);
        // A no-cors request (an <img>, a <script>) carries no Origin: fetch metadata gives it away.
        const img = await raw(
          port,
          get(
            "/api/traces",
            `${local}${asOwner}Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n`,
          ),
        );
        assert.equal(img.status, 403, img.body);
        const allowed = await raw(
          port,
          get("/api/traces", `${local}${asOwner}Origin: http://app.example\r\n`),
        );
        assert.equal(allowed.status, 200, allowed.body);
      },
    );

    await t.step(
      "the key API takes JSON only, its own methods, known roles and permissions",
      async () => {
        const create = (type: string, body: string, key = owner) =>
          raw(
            port,
            post(
              "/api/gateway-keys",
              `${local}X-OngoingAI-Gateway-Key: ${key}\r\nContent-Type: ${type}\r\n`,
              body,
            ),
          );
        const role = JSON.stringify({ role: "viewer" });
        for (
          const type of [
            "text/plain",
            "text/plain; a=application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonx",
            "application/json-seq",
            "application/vnd.api+json",
            "application",
          ]
        ) {
          const res = await create(type, role);
          assert.equal(res.status, 415, `${type}: ${res.body}`);
        }
        const multipart = await create(
          "multipart/form-data; boundary=b",
          '--b\r\nContent-Disposition: form-data; name="role"\r\n\r\nowner\r\n--b--\r\n',
        );
        assert.equal(multipart.status, 415, multipart.body);
        for (const type of ["application/json;", "APPLICATION/JSON ; charset=utf-8"]) {
          const res = await create(type, role);
          assert.equal(res.status, 201, `${type}: ${res.body}`);
        }
        for (
          const body of [
            { role: "OWNER" },
            { role: "Owner " },
            { role: "superuser" },
            { permissions: ["DIAGNOSTICS:READ"] },
            { permissions: [" keys:manage"] },
            { permissions: ["keys:*"] },
            { role: "viewer", org_id: "other", workspace_id: "w2" },
            JSON.parse('{"__proto__": {"role": "owner"}}'),
          ]
        ) {
          const res = await create("application/json", JSON.stringify(body), devMgr);
          assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.body}`);
        }
        for (const method of ["PUT", "PATCH", "DELETE"]) {
          const res = await raw(
            port,
            `${method} /api/gateway-keys HTTP/1.1\r\n${local}${asOwner}Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
          );
          assert.equal(res.status, 405, `${method}: ${res.body}`);
        }
      },
    );

    await t.step("no rotate of another tenant's key or of a key above the caller", async () => {
      const headers = (key: string) => ({
        "content-type": "application/json",
        "x-ongoingai-gateway-key": key,
      });
      const mint = async (key: string, body: unknown) => {
        const res = await fetch(`${server.origin}/api/gateway-keys`, {
          method: "POST",
          headers: headers(key),
          body: JSON.stringify(body),
        });
        assert.equal(res.status, 201);
        return (await res.json()) as { id: string; token: string };
      };
      const theirs = await mint(otherOwner, { role: "viewer" });
      const admin = await mint(owner, { role: "admin" });
      const rotate = (id: string, key: string) =>
        fetch(`${server.origin}/api/gateway-keys/${id}/rotate`, {
          method: "POST",
          headers: headers(key),
        });
      const cross = await rotate(theirs.id, owner);
      assert.equal(cross.status, 404, await cross.text());
      const above = await rotate(admin.id, devMgr);
      assert.equal(above.status, 403, await above.text());
      // Confirming a key made while auth was off is for the host's CLI only.
      for (const path of [`${admin.id}/confirm`, `${admin.id}:confirm`]) {
        const confirm = await fetch(`${server.origin}/api/gateway-keys/${path}`, {
          method: "POST",
          headers: headers(owner),
        });
        assert.ok([404, 405].includes(confirm.status), await confirm.text());
      }
      // The admin key the developer could not rotate still works with its own token.
      const still = await fetch(`${server.origin}/api/gateway-keys`, {
        headers: { "x-ongoingai-gateway-key": admin.token },
      });
      assert.equal(still.status, 200);
      await still.body?.cancel();
    });

    await t.step(
      "stored secrets: a key escaped twice in the path, a key cut by the body cap",
      async () => {
        const { token: issued } = await (await fetch(`${server.origin}/api/gateway-keys`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-ongoingai-gateway-key": owner },
          body: JSON.stringify({ role: "developer" }),
        })).json();
        const escape = (s: string) =>
          [...s].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
        const send = async (path: string, body: string) => {
          const res = await fetch(`${server.origin}${path}`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              authorization: "Bearer sk-proj-ReviewE2eProviderKey0123456789",
              "x-ongoingai-gateway-key": devMgr,
            },
            body,
          });
          await res.body?.cancel();
        };
        await send(`/openai/v1/${escape(escape(issued))}/chat/completions`, chatBody);
        // The configured owner token straddles the 512-byte cap of the stored request body.
        const head = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"';
        const cut = `${head}${"x".repeat(512 - head.length - 10)}${owner}"}]}`;
        await send(chat, cut);
        const said = { model: "gpt-4o-mini", messages: [{ role: "user", content: passphrase }] };
        await send(chat, JSON.stringify(said));
        const items = await poll("the three traces", async () => {
          const page = await (await fetch(`${server.origin}/api/traces?limit=10`, {
            headers: { "x-ongoingai-gateway-key": devMgr },
          })).json();
          return page.items.length >= 3 ? page.items as { id: string }[] : undefined;
        });
        const details = await Promise.all(
          items.map(async ({ id }) =>
            await (await fetch(`${server.origin}/api/traces/${id}`, {
              headers: { "x-ongoingai-gateway-key": devMgr },
            })).text()
          ),
        );
        const all = details.join("\n");
        assert.ok(all.includes(`\\"content\\":\\"${R}\\"`), "the passphrase replaced whole");
        for (const s of [issued, owner.slice(0, 10), "battery-staple"]) {
          assert.ok(!all.includes(s), `stored: ${s}`);
        }
        // The path as stored; the stub's answer quotes the path as it got it, still escaped twice,
        // and bodies are not unescaped (docs/security.md).
        const paths = details.map((d) => JSON.parse(d).request_path as string);
        assert.ok(paths.includes(`/openai/v1/${R}/chat/completions`), paths.join(" "));
        // Replaced before the cut or at it: the placeholder may itself be cut.
        assert.ok(all.includes("xxx[CRED"), "the cut key's start replaced");
        assert.equal(stub.requests.length, 3, "only the stored-secret requests went upstream");
      },
    );
    await t.step("a huge model the upstream does not name is stored cut", async () => {
      const res = await fetch(`${server.origin}${chat}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-proj-ReviewE2eProviderKey0123456789",
          "x-ongoingai-gateway-key": owner,
          "x-stub-status": "400",
        },
        body: JSON.stringify({ model: `huge-${"m".repeat(1 << 20)}`, messages: [] }),
      });
      assert.equal(res.status, 400);
      await res.body?.cancel();
      const models = await poll("the huge-model trace", async () => {
        const page = await (await fetch(`${server.origin}/api/traces?limit=10`, {
          headers: { "x-ongoingai-gateway-key": owner },
        })).json();
        const found = (page.items as { model: string }[]).filter((i) =>
          i.model.startsWith("huge-")
        );
        return found.length > 0 ? found.map((i) => i.model) : undefined;
      });
      assert.ok(models[0]!.length <= 515, `${models[0]!.length} characters stored`);
    });
  } finally {
    await server.stop();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
});
