/**
 * The gateway key store conformance suite, run against SQLite (sqlite_keys_test.ts) and
 * PostgreSQL (postgres_keys_test.ts).
 */
import assert from "node:assert/strict";
import type { KeyStore, NewGatewayKey, TraceStore } from "../../src/store/mod.ts";

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
}
