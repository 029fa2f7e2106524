/**
 * Issue 16, items 4 and 5, in process. Backdoor keys: without team mode the key API refuses
 * (keys made there would wake up when team mode is turned on), and a key created while auth was
 * off is refused in team mode until confirmed on the host. Escalation: a `keys:manage` key
 * cannot mint or rotate a key above itself, nor grant an operator-level permission. Bodies must
 * be JSON (a cross-site form or text/plain post is not).
 */
import assert from "node:assert/strict";
import { startHarness, testSecret } from "../support/gateway_harness.ts";
import { tokenDigest } from "../../src/auth/mod.ts";
import type { GatewayConfigInput } from "../../src/config/mod.ts";

const owner = "gw-owner-000000000000000000";
const admin = "gw-admin-111111111111111111";
const viewerMgr = "gw-viewer-mgr-22222222222222";
const devMgr = "gw-dev-mgr-3333333333333333";
const otherAdmin = "gw-admin-b-44444444444444444";

const team: GatewayConfigInput = {
  auth: {
    enabled: true,
    keys: [
      { id: "owner", token: owner, org_id: "o", workspace_id: "w", role: "owner" },
      { id: "admin", token: admin, org_id: "o", workspace_id: "w", role: "admin" },
      {
        id: "viewer-mgr",
        token: viewerMgr,
        org_id: "o",
        workspace_id: "w",
        role: "viewer",
        permissions: ["keys:manage"],
      },
      {
        id: "dev-mgr",
        token: devMgr,
        org_id: "o",
        workspace_id: "w",
        role: "developer",
        permissions: ["keys:manage", "diagnostics:read"],
      },
      { id: "admin-b", token: otherAdmin, org_id: "o", workspace_id: "b", role: "admin" },
    ],
  },
};

const gk = (token: string) => ({ "X-OngoingAI-Gateway-Key": token });
const post = (token: string | null, body: unknown, type = "application/json"): RequestInit => ({
  method: "POST",
  headers: { ...(token === null ? {} : gk(token)), "content-type": type },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
type ErrorBody = { error: { code: string; message: string } };

Deno.test("key API without team mode: every route refused with what to do instead, nothing stored", async () => {
  const h = await startHarness({});
  try {
    const calls: [string, RequestInit][] = [
      ["/api/gateway-keys", post(null, { role: "owner" })],
      ["/api/gateway-keys", { method: "GET" }],
      ["/api/gateway-keys/gk_0000000000000000", { method: "DELETE" }],
      ["/api/gateway-keys/gk_0000000000000000/rotate", { method: "POST" }],
      ["/api/gateway-key-events", { method: "GET" }],
    ];
    for (const [path, init] of calls) {
      const res = await h.request(path, init);
      const body = await res.json() as ErrorBody;
      assert.equal(res.status, 403, `${init.method} ${path}: ${JSON.stringify(body)}`);
      assert.equal(body.error.code, "team_mode_required");
      assert.match(body.error.message, /auth\.enabled: true/);
      assert.match(body.error.message, /ongoingai keys/);
    }
    // A body that is not JSON is refused before the key routes see it (any /api/* route).
    const plain = await h.request(
      "/api/gateway-keys",
      post(null, '{"role":"owner"}', "text/plain"),
    );
    assert.equal(plain.status, 415);
    assert.equal(((await plain.json()) as ErrorBody).error.code, "unsupported_media_type");
    assert.deepEqual(await h.store.listKeys(), []);
  } finally {
    await h.close();
  }
});

Deno.test("key API in team mode: a body that is not JSON is 415", async () => {
  const h = await startHarness(team);
  try {
    for (
      const [type, body] of [
        ["text/plain", '{"role":"viewer"}'],
        ["application/x-www-form-urlencoded", "role=viewer"],
        ["multipart/form-data; boundary=x", "--x--"],
        ["application/jsonx", '{"role":"viewer"}'],
      ]
    ) {
      const res = await h.request("/api/gateway-keys", post(owner, body, type));
      const err = await res.json() as ErrorBody;
      assert.equal(res.status, 415, type);
      assert.equal(err.error.code, "unsupported_media_type");
      assert.match(err.error.message, /application\/json/);
    }
    // A body without any Content-Type is refused too.
    const bare = await h.request("/api/gateway-keys", {
      method: "POST",
      headers: gk(owner),
      body: new TextEncoder().encode('{"role":"viewer"}'),
    });
    assert.equal(bare.status, 415);
    await bare.body?.cancel();
    assert.deepEqual(await h.store.listKeys(), []);
    // JSON with a charset is JSON; no body at all takes the defaults.
    const ok = await h.request(
      "/api/gateway-keys",
      post(owner, { role: "viewer" }, "application/json; charset=utf-8"),
    );
    assert.equal(ok.status, 201);
    const empty = await h.request("/api/gateway-keys", { method: "POST", headers: gk(owner) });
    assert.equal(empty.status, 201);
    assert.equal((await empty.json()).role, "developer");
  } finally {
    await h.close();
  }
});

Deno.test("key API in team mode: no key above its creator, no operator permission, 403 naming it", async () => {
  const h = await startHarness(team);
  try {
    const refused: [string, string, unknown, RegExp][] = [
      ["viewer+keys:manage", viewerMgr, { role: "owner" }, /cannot grant role owner/],
      ["viewer+keys:manage", viewerMgr, { role: "developer" }, /proxy:write, bodies:read/],
      [
        "viewer+keys:manage",
        viewerMgr,
        { role: "viewer", permissions: ["diagnostics:read"] },
        /cannot grant diagnostics:read over the API/,
      ],
      ["developer+keys:manage", devMgr, { role: "admin" }, /role admin/],
      [
        "developer+keys:manage+diagnostics:read",
        devMgr,
        { role: "developer", permissions: ["diagnostics:read"] },
        /diagnostics:read/,
      ],
      ["admin", admin, { role: "owner" }, /role owner/],
      ["owner", owner, { role: "viewer", permissions: ["diagnostics:read"] }, /diagnostics:read/],
    ];
    for (const [who, token, body, message] of refused) {
      const res = await h.request("/api/gateway-keys", post(token, body));
      const err = await res.json() as ErrorBody;
      assert.equal(res.status, 403, `${who} ${JSON.stringify(body)}: ${JSON.stringify(err)}`);
      assert.equal(err.error.code, "grant_refused");
      assert.match(err.error.message, message);
    }
    assert.deepEqual(await h.store.listKeys(), [], "a refused grant stores nothing");

    const allowed: [string, unknown][] = [
      [viewerMgr, { role: "viewer" }],
      [viewerMgr, { role: "viewer", permissions: ["keys:manage"] }],
      [devMgr, { role: "member", permissions: ["keys:manage"] }],
      [admin, { role: "admin" }],
      [owner, { role: "owner" }],
    ];
    for (const [token, body] of allowed) {
      const res = await h.request("/api/gateway-keys", post(token, body));
      assert.equal(res.status, 201, JSON.stringify(body));
      await res.body?.cancel();
    }
    // A minted key cannot read the cross-tenant figures.
    const minted = await (await h.request(
      "/api/gateway-keys",
      post(devMgr, { role: "developer" }),
    )).json() as { token: string };
    const diag = await h.request("/api/diagnostics/trace-pipeline", { headers: gk(minted.token) });
    assert.equal(diag.status, 403);
    await diag.body?.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("key API in team mode: rotating a key above the rotator is refused (the token would be theirs)", async () => {
  const h = await startHarness(team);
  try {
    const made = await (await h.request("/api/gateway-keys", post(owner, { role: "admin" })))
      .json() as { id: string };
    const res = await h.request(`/api/gateway-keys/${made.id}/rotate`, {
      method: "POST",
      headers: gk(viewerMgr),
    });
    const err = await res.json() as ErrorBody;
    assert.equal(res.status, 403, JSON.stringify(err));
    assert.equal(err.error.code, "grant_refused");
    assert.match(err.error.message, /role admin/);
    // Its own level rotates; another workspace's admin sees no such key.
    // The default role (developer) is above a viewer too.
    const byDefault = await h.request("/api/gateway-keys", post(viewerMgr, {}));
    assert.equal(byDefault.status, 403);
    await byDefault.body?.cancel();
    const mine = await (await h.request(
      "/api/gateway-keys",
      post(viewerMgr, { role: "viewer" }),
    )).json() as { id: string };
    const ok = await h.request(`/api/gateway-keys/${mine.id}/rotate`, {
      method: "POST",
      headers: gk(viewerMgr),
    });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const other = await h.request(`/api/gateway-keys/${made.id}/rotate`, {
      method: "POST",
      headers: gk(otherAdmin),
    });
    assert.equal(other.status, 404);
    await other.body?.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("an unconfirmed key: refused on every keyed route, still never forwarded as a credential", async () => {
  const h = await startHarness(team);
  try {
    const token = "ogk_unconfirmed_00000000000000000000";
    await h.store.createKey({
      id: "gk_backdoor",
      token_digest: tokenDigest(token, testSecret),
      org_id: "o",
      workspace_id: "w",
      name: "",
      description: "",
      role: "owner",
      permissions: [],
      created_by: "system",
      created_at: "2026-01-01T00:00:00.000Z",
      created_without_auth: true,
    });
    await h.gateway.refreshKeys();
    for (
      const [path, init] of [
        ["/api/traces", {}],
        ["/api/openapi.json", {}],
        ["/api/gateway-keys", post(token, { role: "owner" })],
        ["/openai/v1/chat/completions", post(token, { model: "gpt-4o-mini" })],
      ] as [string, RequestInit][]
    ) {
      const res = await h.request(path, { ...init, headers: { ...init.headers, ...gk(token) } });
      const err = await res.json() as ErrorBody;
      assert.equal(res.status, 403, path);
      assert.equal(err.error.code, "unconfirmed_gateway_key", path);
      assert.match(err.error.message, /ongoingai keys confirm gk_backdoor/);
    }
    // Rotating it in team mode does not launder it: the new token is refused as well.
    const rotated = await h.request("/api/gateway-keys/gk_backdoor/rotate", {
      method: "POST",
      headers: gk(owner),
    });
    assert.equal(rotated.status, 200);
    const fresh = (await rotated.json() as { token: string }).token;
    const again = await h.request("/api/traces", { headers: gk(fresh) });
    assert.equal(again.status, 403);
    assert.equal((await again.json() as ErrorBody).error.code, "unconfirmed_gateway_key");
    const health = await h.request("/api/health", { headers: gk(token) });
    assert.equal(health.status, 200, "public routes stay public");
    await health.body?.cancel();
    const misplaced = await h.request("/openai/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${fresh}`, "content-type": "application/json" },
      body: "{}",
    });
    assert.equal(misplaced.status, 401);
    assert.match((await misplaced.json() as ErrorBody).error.message, /authorization header/);
    assert.equal(h.stub.requests.length, 0, "nothing forwarded");
  } finally {
    await h.close();
  }
});
