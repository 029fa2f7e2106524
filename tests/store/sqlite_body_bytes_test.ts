/**
 * Captured bodies reach SQLite as bytes (`encodeTrace`'s `bodyBytes`, stored as text by
 * `CAST(? AS TEXT)`) when they read back the same as the decoded string would; anything else
 * (NUL, a BOM, bytes that are not UTF-8) takes the string path. Either way a body reads back as
 * the text both stores agree on: UTF-8 decoded, a BOM dropped, NUL and bad bytes as U+FFFD.
 */
import assert from "node:assert/strict";
import { openSqliteStore } from "../../src/store/mod.ts";
import { storableAsBytes } from "../../src/store/trace_columns.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const cases: [string, Uint8Array, boolean][] = [
  ["ASCII JSON", enc('{"model":"gpt-4o-mini"}'), true],
  ["multibyte text", enc('{"content":"héllo → 世界 😀"}'), true],
  ["empty", new Uint8Array(0), true],
  ["a view into a larger buffer", enc('xx{"a":1}yy').subarray(2, 9), true],
  ["a NUL byte", new Uint8Array([0x7b, 0x00, 0x7d]), false],
  ["a leading BOM", new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]), false],
  ["bytes that are not UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), false],
  ["a character cut at the end", enc("é").subarray(0, 1), false],
];

Deno.test("storableAsBytes: only what reads back as the decoded text", () => {
  for (const [name, bytes, expected] of cases) assert.equal(storableAsBytes(bytes), expected, name);
});

Deno.test("sqlite store: a body stored as bytes or as text reads back as the decoded text", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  try {
    const traces: TraceRecord[] = cases.map(([, bytes], i) => ({
      ...makeTrace({ id: `${i}`.padStart(32, "0") }),
      request_body: bytes,
      response_body: bytes,
    }));
    await store.writeBatch(traces);
    for (const [i, [name, bytes]] of cases.entries()) {
      const got = await store.getTrace(traces[i]!.id);
      const text = new TextDecoder().decode(bytes).replaceAll("\0", "\uFFFD");
      assert.equal(got?.request_body, text, name);
      assert.equal(got?.response_body, text, name);
    }
  } finally {
    await store.close();
  }
});
