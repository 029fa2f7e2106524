/** The placeholder HMAC gives the digests of `node:crypto`, for any key, workspace and value. */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import fc from "fast-check";
import { hmacSha256Hex } from "../../src/pii/hmac_sha256.ts";

function expected(key: string, prefix: string, value: string): string {
  return createHmac("sha256", key).update(prefix).update(value).digest("hex");
}

Deno.test("hmacSha256Hex: block-boundary lengths of key, prefix and value", () => {
  const lengths = [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 200];
  for (const k of lengths) {
    for (const p of lengths) {
      for (const v of lengths) {
        const key = "k".repeat(k), prefix = "p".repeat(p), value = "é".repeat(v);
        assert.equal(
          hmacSha256Hex(key, prefix)(value),
          expected(key, prefix, value),
          `${k}/${p}/${v}`,
        );
      }
    }
  }
});

Deno.test("hmacSha256Hex: random strings, lone surrogates included, and reuse of one instance", () => {
  fc.assert(
    fc.property(
      fc.string({ unit: "binary" }),
      fc.string({ unit: "binary" }),
      fc.array(fc.string({ unit: "binary", maxLength: 300 }), { maxLength: 4 }),
      (key, prefix, values) => {
        const h = hmacSha256Hex(key, prefix);
        for (const v of values) assert.equal(h(v), expected(key, prefix, v));
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("placeholderFor: the digest and format of the node:crypto version", async () => {
  const { placeholderFor } = await import("../../src/pii/placeholder.ts");
  const formats = ["[{type}_REDACTED:{hash}]", "<{hash}>", "{type}", "x{type}{hash}{type}y", "-"];
  for (const format of formats) {
    for (const value of ["jane@example.com", "", "é😀", "a".repeat(200)]) {
      const hash = expected("salt", "ws-1\0", value).slice(0, 16);
      const want = format.replaceAll("{type}", "EMAIL").replaceAll("{hash}", hash);
      assert.equal(placeholderFor(format, "salt", "ws-1")("EMAIL", value), want);
    }
  }
});
