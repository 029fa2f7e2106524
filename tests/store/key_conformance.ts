/**
 * The gateway key store conformance suite, run against SQLite (sqlite_keys_test.ts) and
 * PostgreSQL (postgres_keys_test.ts).
 */
import assert from "node:assert/strict";
import type { KeyStore, NewGatewayKey, TenantScope, TraceStore } from "../../src/store/mod.ts";

export type OpenFreshKeyStore = () => Promise<TraceStore & KeyStore>;

const tenantA = { org_id: "org-a", workspace_id: "ws-a" };
const tenantB = { org_id: "org-b", workspace_id: "ws-a" };

export function newKey(id: string, over: Partial<NewGatewayKey> = {}): NewGatewayKey {
  return {
    id,
    token_digest: `digest-${id}`,
    ...tenantA,
    name: `key ${id}`,
    description: "",
    role: "developer",
    permissions: ["diagnostics:read"],
    created_by: "manager",
    created_at: "2026-01-01T00:00:00.000Z",
    created_without_auth: false,
    ...over,
  };
}

export function runKeyStoreConformance(
  label: string,
  open: OpenFreshKeyStore,
  options: { ignore?: string } = {},
): void {
  const test = (name: string, fn: (store: KeyStore) => Promise<void>) =>
    Deno.test({
      name: `${label} key store: ${name}`,
      ignore: options.ignore !== undefined,
      sanitizeResources: false,
      fn: async () => {
        const store = await open();
        try {
          await fn(store);
        } finally {
          await store.close();
        }
      },
    });

  test("create, list by tenant, never a digest in a record", async (s) => {
    const made = await s.createKey(newKey("k1"));
    assert.deepStrictEqual(made, {
      id: "k1",
      ...tenantA,
      name: "key k1",
      description: "",
      role: "developer",
      permissions: ["diagnostics:read"],
      created_by: "manager",
      created_at: "2026-01-01T00:00:00.000Z",
      last_rotated_at: null,
      created_without_auth: false,
      confirmed_at: null,
    });
    await s.createKey(newKey("k0", { ...tenantB, token_digest: "d0" }));
    await s.createKey(newKey("k2", { created_at: "2026-01-02T00:00:00.000Z" }));
    assert.deepStrictEqual((await s.listKeys(tenantA)).map((k) => k.id), ["k1", "k2"]);
    assert.deepStrictEqual((await s.listKeys(tenantB)).map((k) => k.id), ["k0"]);
    assert.deepStrictEqual((await s.listKeys()).map((k) => k.id), ["k0", "k1", "k2"]);
    assert.ok(!JSON.stringify(await s.listKeys()).includes("digest"));
  });

  test("a taken id or digest is a KeyConflictError", async (s) => {
    await s.createKey(newKey("k1"));
    await assert.rejects(s.createKey(newKey("k1", { token_digest: "other" })), {
      name: "KeyConflictError",
    });
    await assert.rejects(s.createKey(newKey("k2", { token_digest: "digest-k1" })), {
      name: "KeyConflictError",
    });
    assert.equal((await s.listKeys()).length, 1);
  });

  test("revoke: tenant-scoped, once, then gone from list and digests", async (s) => {
    await s.createKey(newKey("k1"));
    assert.equal(await s.revokeKey("k1", "intruder", "2026-01-03T00:00:00.000Z", tenantB), false);
    assert.equal(await s.revokeKey("nope", "manager", "2026-01-03T00:00:00.000Z", tenantA), false);
    assert.deepStrictEqual((await s.activeKeyDigests()).map((k) => k.id), ["k1"]);
    assert.equal(await s.revokeKey("k1", "manager", "2026-01-03T00:00:00.000Z", tenantA), true);
    assert.equal(await s.revokeKey("k1", "manager", "2026-01-03T00:00:00.000Z", tenantA), false);
    assert.deepStrictEqual(await s.listKeys(tenantA), []);
    assert.deepStrictEqual(await s.activeKeyDigests(), []);
  });

  test("rotate: new digest, same id and metadata, tenant-scoped", async (s) => {
    await s.createKey(newKey("k1"));
    assert.equal(await s.rotateKey("k1", "new", "x", "2026-01-04T00:00:00.000Z", tenantB), null);
    const rotated = await s.rotateKey("k1", "new", "manager", "2026-01-04T00:00:00.000Z", tenantA);
    assert.equal(rotated?.id, "k1");
    assert.equal(rotated?.name, "key k1");
    assert.equal(rotated?.last_rotated_at, "2026-01-04T00:00:00.000Z");
    assert.deepStrictEqual(await s.activeKeyDigests(), [{
      id: "k1",
      token_digest: "new",
      ...tenantA,
      role: "developer",
      permissions: ["diagnostics:read"],
      unconfirmed: false,
    }]);
    await s.createKey(newKey("k2"));
    await assert.rejects(s.rotateKey("k2", "new", "m", "2026-01-05T00:00:00.000Z"), {
      name: "KeyConflictError",
    });
  });

  test("audit events: every lifecycle step with its actor, newest first, tenant-scoped", async (s) => {
    await s.createKey(newKey("k1"));
    await s.createKey(newKey("k9", { ...tenantB, token_digest: "d9", created_by: "system" }));
    await s.rotateKey("k1", "new", "rotator", "2026-01-02T00:00:00.000Z", tenantA);
    await s.revokeKey("k1", "revoker", "2026-01-03T00:00:00.000Z");
    const events = await s.listKeyEvents(tenantA, 10);
    assert.deepStrictEqual(
      events.map((e) => [e.key_id, e.event, e.actor_key_id, e.org_id, e.workspace_id, e.at]),
      [
        ["k1", "revoked", "revoker", "org-a", "ws-a", "2026-01-03T00:00:00.000Z"],
        ["k1", "rotated", "rotator", "org-a", "ws-a", "2026-01-02T00:00:00.000Z"],
        ["k1", "created", "manager", "org-a", "ws-a", "2026-01-01T00:00:00.000Z"],
      ],
    );
    assert.ok(events.every((e) => typeof e.id === "number"));
    assert.equal((await s.listKeyEvents(undefined, 10)).length, 4);
    assert.equal((await s.listKeyEvents(undefined, 2)).length, 2);
    assert.deepStrictEqual((await s.listKeyEvents(tenantB, 10)).map((e) => e.key_id), ["k9"]);
  });

  test("a key created while team mode was off is unconfirmed until confirmed, tenant-scoped, audited", async (s) => {
    await s.createKey(newKey("k1", { created_without_auth: true, created_by: "cli" }));
    await s.createKey(newKey("k2", { token_digest: "d2" }));
    const unconfirmed = async () =>
      (await s.activeKeyDigests()).filter((k) => k.unconfirmed).map((k) => k.id);
    assert.deepStrictEqual(await unconfirmed(), ["k1"]);
    const listed = (await s.listKeys(tenantA)).find((k) => k.id === "k1");
    assert.deepStrictEqual([listed?.created_without_auth, listed?.confirmed_at], [true, null]);

    // Another tenant cannot confirm it; a missing key is null.
    assert.equal(await s.confirmKey("k1", "intruder", "2026-01-02T00:00:00.000Z", tenantB), null);
    assert.equal(await s.confirmKey("nope", "cli", "2026-01-02T00:00:00.000Z"), null);
    assert.deepStrictEqual(await unconfirmed(), ["k1"]);

    const done = await s.confirmKey("k1", "cli", "2026-01-02T00:00:00.000Z", tenantA);
    assert.deepStrictEqual([done?.created_without_auth, done?.confirmed_at], [
      true,
      "2026-01-02T00:00:00.000Z",
    ]);
    assert.deepStrictEqual(await unconfirmed(), []);
    // Again, or on a key that never needed it: unchanged, no second event.
    assert.equal(
      (await s.confirmKey("k1", "cli", "2026-01-03T00:00:00.000Z"))?.confirmed_at,
      "2026-01-02T00:00:00.000Z",
    );
    assert.equal((await s.confirmKey("k2", "cli", "2026-01-03T00:00:00.000Z"))?.confirmed_at, null);
    const events = await s.listKeyEvents(tenantA, 10);
    assert.deepStrictEqual(events.map((e) => [e.key_id, e.event, e.actor_key_id]), [
      ["k1", "confirmed", "cli"],
      ["k2", "created", "manager"],
      ["k1", "created", "cli"],
    ]);
    // A revoked key cannot be confirmed back to life.
    await s.createKey(newKey("k3", { token_digest: "d3", created_without_auth: true }));
    await s.revokeKey("k3", "cli", "2026-01-04T00:00:00.000Z");
    assert.equal(await s.confirmKey("k3", "cli", "2026-01-05T00:00:00.000Z"), null);
  });

  test("scopes that only share an org, a workspace or a spelling see nothing of each other", async (s) => {
    const tenants: TenantScope[] = [
      { org_id: "o", workspace_id: "w" },
      { org_id: "o", workspace_id: "w2" },
      { org_id: "o2", workspace_id: "w" },
      { org_id: "o:w", workspace_id: "" },
      { org_id: "", workspace_id: "o:w" },
      { org_id: "O", workspace_id: "W" },
      { org_id: "o' OR '1'='1", workspace_id: "w' OR '1'='1" },
      { org_id: "%", workspace_id: "%" },
    ];
    for (const [i, t] of tenants.entries()) {
      await s.createKey(newKey(`k${i}`, { ...t, token_digest: `d${i}` }));
    }
    for (const [i, t] of tenants.entries()) {
      const at = "2026-02-01T00:00:00.000Z";
      assert.deepStrictEqual((await s.listKeys(t)).map((k) => k.id), [`k${i}`], JSON.stringify(t));
      assert.deepStrictEqual(
        (await s.listKeyEvents(t, 100)).map((e) => e.key_id),
        [`k${i}`],
        JSON.stringify(t),
      );
      for (const [j] of tenants.entries()) {
        if (i === j) continue;
        assert.equal(await s.rotateKey(`k${j}`, `x${i}${j}`, "m", at, t), null);
        assert.equal(await s.confirmKey(`k${j}`, "m", at, t), null);
        assert.equal(await s.revokeKey(`k${j}`, "m", at, t), false);
      }
    }
    assert.equal((await s.activeKeyDigests()).length, tenants.length);
  });

  test("a malformed scope (no org or workspace) is refused, never read as every tenant", async (s) => {
    await s.createKey(newKey("k1"));
    const broken = { org_id: undefined, workspace_id: undefined } as unknown as TenantScope;
    const nulls = { org_id: null, workspace_id: "ws-a" } as unknown as TenantScope;
    const at = "2026-01-02T00:00:00.000Z";
    for (const scope of [broken, nulls]) {
      const refused = { name: "TypeError", message: /tenant scope/ };
      await assert.rejects(s.listKeys(scope), refused, JSON.stringify(scope));
      await assert.rejects(s.listKeyEvents(scope, 10), refused);
      await assert.rejects(s.rotateKey("k1", "new", "m", at, scope), refused);
      await assert.rejects(s.confirmKey("k1", "m", at, scope), refused);
      await assert.rejects(s.revokeKey("k1", "m", at, scope), refused);
    }
    assert.deepStrictEqual(
      (await s.activeKeyDigests()).map((k) => k.token_digest),
      ["digest-k1"],
      "nothing rotated or revoked",
    );
  });
}
