import assert from "node:assert/strict";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../src/store/mod.ts";

Deno.test("cursor: round-trips every seq from 1 to the signed 64-bit maximum", () => {
  const seqs = [
    1n,
    2n,
    9n,
    10n,
    4_294_967_296n,
    BigInt(Number.MAX_SAFE_INTEGER) + 2n,
    2n ** 63n - 1n,
  ];
  for (const seq of seqs) {
    const cursor = encodeCursor(seq);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.equal(decodeCursor(cursor), seq);
  }
  assert.equal(decodeCursor(encodeCursor(123)), 123n, "a number seq as SQLite returns it");
});

Deno.test("cursor: encoding refuses a seq no store assigns", () => {
  for (const seq of [0n, -1n, 2n ** 63n]) assert.throws(() => encodeCursor(seq), RangeError);
  assert.throws(() => encodeCursor(1.5), RangeError);
});

Deno.test("cursor: malformed cursors name the problem", () => {
  const enc = (text: string) =>
    btoa(text).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const cases: [string, RegExp][] = [
    ["", /not base64url/],
    ["abc=", /not base64url/],
    ["a+b/", /not base64url/],
    ["a", /not base64url/],
    ["x".repeat(3000), /not base64url/],
    [enc("\xff\xfe"), /not a trace position/],
    [enc("0"), /not a trace position/],
    [enc("-1"), /not a trace position/],
    [enc("007"), /not a trace position/],
    [enc("1.5"), /not a trace position/],
    [enc(" 12"), /not a trace position/],
    [enc("9223372036854775808"), /not a trace position/],
    [enc("99999999999999999999"), /not a trace position/],
    // The keyset form of earlier development builds.
    [enc("2026-03-01T10:00:00.000Z|0123456789abcdef"), /not a trace position/],
  ];
  for (const [cursor, message] of cases) {
    assert.throws(() => decodeCursor(cursor), (err: unknown) => {
      assert.ok(err instanceof InvalidCursorError);
      assert.match(err.message, message);
      assert.match(err.message, /next_cursor/);
      return true;
    }, cursor.slice(0, 40));
  }
});
