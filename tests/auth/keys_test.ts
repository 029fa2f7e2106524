import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { constantTimeEqual, createKeyRing } from "../../src/auth/mod.ts";
import type { ResolvedAuthKey } from "../../src/config/mod.ts";

const secret = "installation-secret";
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

const key = (id: string, extra: Partial<ResolvedAuthKey>): ResolvedAuthKey => ({
  id,
  org_id: "default",
  role: "developer",
  permissions: [],
  ...extra,
});

Deno.test("constantTimeEqual", () => {
  const b = (...x: number[]) => new Uint8Array(x);
  assert.ok(constantTimeEqual(b(1, 2, 3), b(1, 2, 3)));
  assert.ok(!constantTimeEqual(b(1, 2, 3), b(1, 2, 4)));
  assert.ok(!constantTimeEqual(b(1, 2, 3), b(1, 2)));
  assert.ok(constantTimeEqual(b(), b()));
});

Deno.test("key ring: tokens, token hashes, trimming, unknown and empty tokens", () => {
  const ring = createKeyRing([
    key("team-a-dev-1", { token: "dev-token", team: "team-a" }),
    key("owner", { token_hash: sha256("owner-token").toUpperCase(), role: "owner" }),
    key("proj", { token: "sk-proj-abc123DEF456ghi789", workspace_id: "w2" }),
    key("unset-env", {}),
  ], secret);
  assert.equal(ring.lookup("dev-token")?.keyId, "team-a-dev-1");
  assert.equal(ring.lookup("dev-token")?.workspaceId, "team-a");
  assert.equal(ring.lookup("  dev-token \t")?.keyId, "team-a-dev-1");
  assert.equal(ring.lookup("owner-token")?.keyId, "owner");
  assert.equal(ring.lookup("owner-token")?.role, "owner");
  assert.equal(ring.lookup("sk-proj-abc123DEF456ghi789")?.workspaceId, "w2");
  for (const wrong of ["", "  ", "dev-toke", "dev-tokenx", "DEV-TOKEN", sha256("owner-token")]) {
    assert.equal(ring.lookup(wrong), null, JSON.stringify(wrong));
  }
});

Deno.test("key ring: the token is held as a keyed digest, not as itself", () => {
  const ring = createKeyRing([key("a", { token: "sk-ant-api03-secretsecret" })], secret);
  const other = createKeyRing([key("a", { token: "sk-ant-api03-secretsecret" })], "other");
  assert.equal(ring.lookup("sk-ant-api03-secretsecret")?.keyId, "a");
  assert.equal(other.lookup("sk-ant-api03-secretsecret")?.keyId, "a");
  assert.ok(!JSON.stringify(ring).includes("secretsecret"));
});
