/**
 * Gateway keys through the API in team mode: created keys work at once beside config keys, land
 * in the caller's tenant, show their token once, and a revoke or rotate on one instance is
 * honoured by another instance sharing the store within `auth.key_refresh_ms`.
 */
import assert from "node:assert/strict";
import { configFor, startHarness, testSecret } from "../support/gateway_harness.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import type { GatewayConfigInput } from "../../src/config/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

const manager = "gw-manager-a-000000000000";
const managerB = "gw-manager-b-111111111111";
const developer = "gw-dev-a-2222222222222222";

const team = (refreshMs = 2000): GatewayConfigInput => ({
  auth: {
    enabled: true,
    key_refresh_ms: refreshMs,
    keys: [
      { id: "mgr-a", token: manager, org_id: "org-1", workspace_id: "ws-a", role: "admin" },
      { id: "mgr-b", token: managerB, org_id: "org-1", workspace_id: "ws-b", role: "owner" },
      { id: "dev-a", token: developer, org_id: "org-1", workspace_id: "ws-a", role: "developer" },
    ],
  },
});

const gk = (token: string) => ({ "X-OngoingAI-Gateway-Key": token });
const json = (token: string, body: unknown): RequestInit => ({
  method: "POST",
  headers: { ...gk(token), "content-type": "application/json" },
  body: JSON.stringify(body),
});
type Created = { id: string; token: string; org_id: string; workspace_id: string };

Deno.test("gateway keys: create in the caller's tenant, token once, usable at once, audited", async () => {
  const h = await startHarness(team());
  try {
    assert.equal((await h.request("/api/gateway-keys", { headers: gk(developer) })).status, 403);
    const res = await h.request("/api/gateway-keys", json(manager, { name: "CI", role: "viewer" }));
    assert.equal(res.status, 201);
    const key = await res.json() as Created & { created_by: string };
    assert.match(key.token, /^ogk_[A-Za-z0-9_-]{32}$/);
    assert.match(key.id, /^gk_[0-9a-f]{16}$/);
    assert.deepEqual([key.org_id, key.workspace_id, key.created_by], ["org-1", "ws-a", "mgr-a"]);

    // Works at once, with its role: a viewer reads traces, cannot manage keys.
    assert.equal((await h.request("/api/traces", { headers: gk(key.token) })).status, 200);
    assert.equal((await h.request("/api/gateway-keys", { headers: gk(key.token) })).status, 403);
    // Config keys still work beside it.
    assert.equal((await h.request("/api/traces", { headers: gk(developer) })).status, 200);

    const list = await (await h.request("/api/gateway-keys", { headers: gk(manager) })).text();
    assert.ok(list.includes(key.id));
    assert.ok(!list.includes(key.token), "the token is never listed");
    assert.ok(!list.includes("digest"));

    // Another tenant neither sees, rotates nor revokes it.
    const other = await (await h.request("/api/gateway-keys", { headers: gk(managerB) })).json();
    assert.deepEqual(other, { items: [] });
    for (
      const [path, method] of [[`/api/gateway-keys/${key.id}`, "DELETE"], [
        `/api/gateway-keys/${key.id}/rotate`,
        "POST",
      ]] as const
    ) {
      const r = await h.request(path, { method, headers: gk(managerB) });
      assert.equal(r.status, 404, `${method} ${path}`);
      await r.body?.cancel();
    }

    // Rotate: the old token stops at once, the new one works.
    const rotated = await (await h.request(`/api/gateway-keys/${key.id}/rotate`, {
      method: "POST",
      headers: gk(manager),
    })).json() as Created;
    assert.equal(rotated.id, key.id);
    assert.notEqual(rotated.token, key.token);
    assert.equal((await h.request("/api/traces", { headers: gk(key.token) })).status, 401);
    assert.equal((await h.request("/api/traces", { headers: gk(rotated.token) })).status, 200);

    const del = await h.request(`/api/gateway-keys/${key.id}`, {
      method: "DELETE",
      headers: gk(manager),
    });
    assert.equal(del.status, 204);
    assert.equal((await h.request("/api/traces", { headers: gk(rotated.token) })).status, 401);

    const events = await (await h.request("/api/gateway-key-events", { headers: gk(manager) }))
      .json() as { items: { key_id: string; event: string; actor_key_id: string }[] };
    assert.deepEqual(events.items.map((e) => [e.key_id, e.event, e.actor_key_id]), [
      [key.id, "revoked", "mgr-a"],
      [key.id, "rotated", "mgr-a"],
      [key.id, "created", "mgr-a"],
    ]);
    const eventsB = await (await h.request("/api/gateway-key-events", { headers: gk(managerB) }))
      .json();
    assert.deepEqual(eventsB, { items: [] });
  } finally {
    await h.close();
  }
});

Deno.test("gateway keys: bad bodies are refused before the store", async () => {
  const h = await startHarness(team());
  try {
    for (
      const body of [{ token: "mine" }, { org_id: "org-2" }, { role: "root" }, {
        permissions: ["all"],
      }]
    ) {
      const r = await h.request("/api/gateway-keys", json(manager, body));
      assert.equal(r.status, 400, JSON.stringify(body));
      await r.body?.cancel();
    }
    const r = await h.request("/api/gateway-keys", {
      method: "POST",
      headers: { ...gk(manager), "content-type": "application/json" },
      body: "{nope",
    });
    assert.equal(r.status, 400);
    assert.equal((await r.json()).error.code, "invalid_json");
    const big = await h.request(
      "/api/gateway-keys",
      json(manager, { name: "x".repeat(70_000) }),
    );
    assert.equal(big.status, 413);
    await big.body?.cancel();
    assert.deepEqual(await h.store.listKeys(), []);
  } finally {
    await h.close();
  }
});

Deno.test("gateway keys: a revoke on one instance is refused by another within the refresh interval", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keys-" });
  const refreshMs = 100;
  const config = configFor("http://127.0.0.1:9", team(refreshMs));
  const stores = [
    await openSqliteStore({ path: `${dir}/t.db` }),
    await openSqliteStore({ path: `${dir}/t.db` }),
  ];
  const writer = { enqueue: () => true, snapshot: () => writerSnapshot() };
  const [one, two] = stores.map((store) =>
    createGateway(config, { store, writer, keyHashSecret: testSecret })
  );
  const call = (gw: typeof one, path: string, init?: RequestInit) =>
    gw!.fetch(new Request(`http://gw.test${path}`, init));
  try {
    await Promise.all([one!.refreshKeys(), two!.refreshKeys()]);
    const key = await (await call(one, "/api/gateway-keys", json(manager, {}))).json() as Created;
    // The other instance learns of the new key within the interval.
    await new Promise((r) => setTimeout(r, refreshMs * 3));
    assert.equal((await call(two, "/api/traces", { headers: gk(key.token) })).status, 200);

    const del = await call(one, `/api/gateway-keys/${key.id}`, {
      method: "DELETE",
      headers: gk(manager),
    });
    assert.equal(del.status, 204);
    assert.equal((await call(one, "/api/traces", { headers: gk(key.token) })).status, 401);
    const revokedAt = performance.now();
    let refused = false;
    while (performance.now() - revokedAt < refreshMs * 3) {
      const r = await call(two, "/api/traces", { headers: gk(key.token) });
      await r.body?.cancel();
      if (r.status === 401) {
        refused = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(refused, "instance two still accepts the revoked key after 3 intervals");
  } finally {
    one!.close();
    two!.close();
    for (const s of stores) await s.close();
    await Deno.remove(dir, { recursive: true });
  }
});
