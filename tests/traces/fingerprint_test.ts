import assert from "node:assert/strict";
import { createFingerprinter, loadOrCreateSecret, parseFingerprint } from "../../src/traces/mod.ts";
import { providerKeyFrom } from "../../src/providers/mod.ts";

Deno.test("providerKeyFrom reads the credential the way providers do", () => {
  const table: [Record<string, string>, string | null][] = [
    [{ authorization: "Bearer sk-proj-abcdefghijklmnop" }, "sk-proj-abcdefghijklmnop"],
    [{ authorization: "bearer   sk-lower " }, "sk-lower"],
    [{ authorization: "sk-raw-value" }, "sk-raw-value"],
    [{ "x-api-key": "sk-ant-api03-abcdefghijkl" }, "sk-ant-api03-abcdefghijkl"],
    [{ "api-key": "azure-key-123456789" }, "azure-key-123456789"],
    [{ authorization: "Bearer a", "x-api-key": "b" }, "a"],
    [{ authorization: "  " }, null],
    // A scheme with no key (an SDK given an empty key) is no key, not the key "Bearer".
    [{ authorization: "Bearer " }, null],
    [{ authorization: "Bearer \t  " }, null],
    [{ authorization: "bearer" }, null],
    [{ authorization: "Bearer ", "x-api-key": "sk-ant-fallback" }, "sk-ant-fallback"],
    [{ "x-api-key": " \t " }, null],
    [{}, null],
  ];
  for (const [h, want] of table) assert.equal(providerKeyFrom(new Headers(h)), want);
});

Deno.test("fingerprints are keyed: same key and secret agree, another secret differs", () => {
  const key = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
  const a = createFingerprinter("secret-one-0123456789abcdef")(key);
  const b = createFingerprinter("secret-one-0123456789abcdef")(key);
  const c = createFingerprinter("secret-two-0123456789abcdef")(key);
  assert.equal(a.hash, b.hash);
  assert.notEqual(a.hash, c.hash);
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  assert.ok(!a.hash.includes(key));
});

Deno.test("last4 only for keys longer than 12 characters", () => {
  const f = createFingerprinter("s".repeat(32));
  const table: [string, string | null][] = [
    ["sk-ant-api03-xyz9", "xyz9"],
    ["sk-123456789", null],
    ["abcd", null],
    ["sk-proj-1234567890", "7890"],
  ];
  for (const [key, want] of table) assert.equal(f(key).last4, want, key);
});

Deno.test("the installation secret is created once with mode 0600 and then reused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/nested/ongoingai.secret`;
    const first = await loadOrCreateSecret(path);
    const second = await loadOrCreateSecret(path);
    assert.equal(first, second);
    assert.match(first, /^[0-9a-f]{64}$/);
    if (Deno.build.os !== "windows") assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a secret file readable by others is refused with the fix in the message", async () => {
  if (Deno.build.os === "windows") return;
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ongoingai.secret`;
    await Deno.writeTextFile(path, "x".repeat(64), { mode: 0o644 });
    await Deno.chmod(path, 0o644);
    await assert.rejects(loadOrCreateSecret(path), /chmod 600/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the fingerprint cache is bounded and never changes an answer", () => {
  const f = createFingerprinter("s".repeat(32), 2);
  const fresh = createFingerprinter("s".repeat(32), 2);
  const keys = ["sk-aaaaaaaaaaaaaaaa", "sk-bbbbbbbbbbbbbbbb", "sk-cccccccccccccccc"];
  for (let round = 0; round < 3; round++) {
    for (const k of keys) assert.deepEqual(f(k), fresh(k));
  }
});

Deno.test("a fingerprint given by hand is the whole hash, in either case; nothing else is", () => {
  const hash = createFingerprinter("s".repeat(32))("sk-proj-abcdefghijklmnop").hash;
  const cases: [string, string | null][] = [
    [hash, hash],
    [hash.toUpperCase(), hash],
    [` ${hash}\n`, hash],
    [hash.slice(0, 8), null], // the HTML key table's head
    [hash.slice(1), null],
    [`${hash}0`, null],
    [`hmac-sha256:${hash}`, null],
    ["mnop", null], // the last four
    ["sk-proj-abcdefghijklmnop", null], // the key itself
    [`${hash.slice(0, 63)}g`, null],
    ["", null],
  ];
  for (const [given, want] of cases) assert.equal(parseFingerprint(given), want, given);
});
