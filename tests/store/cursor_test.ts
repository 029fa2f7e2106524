import assert from "node:assert/strict";
import { decodeCursor, encodeCursor, InvalidCursorError } from "../../src/store/mod.ts";

Deno.test("cursor: round-trips every trace id shape (UUIDv7, imported ids)", () => {
  const ids = [
    "019a1b2c-3d4e-7f00-8abc-0123456789ab",
    "a",
    "trace_42",
    "x".repeat(512),
    "~!#$%&'()*+,-./:;<=>?@[]^_`{|}",
  ];
  for (const id of ids) {
    const cursor = encodeCursor(id);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.equal(decodeCursor(cursor), id);
  }
});

Deno.test("cursor: encoding refuses what no trace id is", () => {
  for (const id of ["", "with space", "x".repeat(513), "é", "tab\t"]) {
    assert.throws(() => encodeCursor(id), RangeError, JSON.stringify(id));
  }
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
    [enc(" 12"), /not a trace position/],
    [enc("a b"), /not a trace position/],
    [enc("x".repeat(513)), /not a trace position/],
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
