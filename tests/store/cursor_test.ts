import assert from "node:assert/strict";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../src/store/mod.ts";

Deno.test("cursor: round-trips keys, ids with '|' and non-ASCII included", () => {
  const keys = [
    { created_at: "2026-03-01T10:00:00.000Z", id: "0123456789abcdef0123456789abcdef" },
    { created_at: "1999-12-31T23:59:59.999Z", id: "a|b|c" },
    { created_at: "2026-03-01T10:00:00.000Z", id: "trace-é-👋" },
  ];
  for (const key of keys) {
    const cursor = encodeCursor(key);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepStrictEqual(decodeCursor(cursor), key);
  }
});

Deno.test("cursor: malformed cursors name the problem", () => {
  const enc = (text: string) => btoa(text).replace(/=+$/, "");
  const cases: [string, RegExp][] = [
    ["", /not base64url/],
    ["abc=", /not base64url/],
    ["a+b/", /not base64url/],
    ["a", /not base64url/],
    ["x".repeat(3000), /not base64url/],
    [enc("\xff\xfe"), /not base64url/],
    [enc("2026-03-01T10:00:00.000Z"), /missing id/],
    [enc("2026-03-01T10:00:00.000Z|"), /missing id/],
    [enc("2026-03-01T10:00:00Z|abc"), /bad created_at/],
    [enc("|abc"), /bad created_at/],
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
