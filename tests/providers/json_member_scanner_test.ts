import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import fc from "fast-check";
import { JsonMemberScanner, type JsonScanResult } from "../../src/providers/mod.ts";
import {
  documents,
  encodeDoc,
  reference,
  scan,
  smallDocuments,
  withShrinkBudget,
} from "./json_docs.ts";
import { cut, splittings } from "./replay.ts";

const enc = new TextEncoder();
const bytes = (...parts: (string | ArrayLike<number>)[]) => {
  const all = parts.map((p) => typeof p === "string" ? enc.encode(p) : Uint8Array.from(p));
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const members = (m: Record<string, unknown> | null): JsonScanResult => ({
  valid: true,
  members: m,
});
const invalid: JsonScanResult = { valid: false };

interface Case {
  name: string;
  doc: Uint8Array;
  expected: JsonScanResult;
}

const cases: Case[] = [
  {
    name: "usage and model among other members",
    doc: bytes('{"id":"x","model":"gpt-4o","choices":[{"usage":1}],"usage":{"prompt_tokens":3}}'),
    expected: members({ model: "gpt-4o", usage: { prompt_tokens: 3 } }),
  },
  {
    name: "repeated keys: the last wins, as with JSON.parse",
    doc: bytes('{"usage":{"a":1},"model":"m1","usage":{"b":2},"model":"m2"}'),
    expected: members({ usage: { b: 2 }, model: "m2" }),
  },
  {
    name: "a repeated key whose last value is null replaces an object",
    doc: bytes('{"usage":{"a":1},"usage":null}'),
    expected: members({ usage: null }),
  },
  {
    name: "escaped keys compare decoded",
    doc: bytes('{"us\\u0061ge":{"n":1},"\\u006d\\u006F\\u0064\\u0065\\u006c":"m"}'),
    expected: members({ usage: { n: 1 }, model: "m" }),
  },
  {
    name: "keys with escaped quotes and backslashes are other keys",
    doc: bytes('{"a\\"usage":1,"usage\\\\":2,"\\"usage\\"":3,"usage":4}'),
    expected: members({ usage: 4 }),
  },
  {
    name: "strings that contain member text, escaped quotes and backslashes",
    doc: bytes('{"x":"\\"usage\\":{\\"a\\":1}\\\\","y":"\\\\\\"","usage":5}'),
    expected: members({ usage: 5 }),
  },
  {
    name: "near misses are not matches",
    doc: bytes('{"Usage":1,"usage2":2,"usag":3,"usage ":4,"model\\u0000":5}'),
    expected: members({}),
  },
  {
    name: "a key longer than any wanted key is skipped",
    doc: bytes(`{"${"u".repeat(5000)}":1,"${"\\u0075".repeat(300)}":2,"usage":3}`),
    expected: members({ usage: 3 }),
  },
  {
    name: "nested paths go through objects only",
    doc: bytes('{"message":{"model":"c","usage":{"input_tokens":1}},"data":[{"message":{}}]}'),
    expected: members({ message: { model: "c", usage: { input_tokens: 1 } } }),
  },
  {
    name: "a repeated parent replaces everything below it",
    doc: bytes('{"message":{"usage":1,"model":"a"},"message":{"model":"b"}}'),
    expected: members({ message: { model: "b" } }),
  },
  {
    name: "a parent that is not an object holds nothing",
    doc: bytes('{"message":{"usage":1},"message":[{"usage":1}]}'),
    expected: members({}),
  },
  {
    name: "members inside arrays and other objects are decoys",
    doc: bytes('{"data":[{"usage":1},[{"model":"x"}]],"x":{"usage":2,"message":{"usage":3}}}'),
    expected: members({}),
  },
  {
    name: "__proto__ is an ordinary key",
    doc: bytes('{"__proto__":{"usage":1},"usage":{"__proto__":2}}'),
    expected: members({ usage: JSON.parse('{"__proto__":2}') }),
  },
  {
    name: "a leading byte-order mark is dropped",
    doc: bytes([0xef, 0xbb, 0xbf], '{"usage":1}'),
    expected: members({ usage: 1 }),
  },
  {
    name: "two byte-order marks",
    doc: bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], "{}"),
    expected: invalid,
  },
  {
    name: "a byte-order mark after whitespace",
    doc: bytes(" ", [0xef, 0xbb, 0xbf], "{}"),
    expected: invalid,
  },
  { name: "a byte-order mark alone", doc: bytes([0xef, 0xbb, 0xbf]), expected: invalid },
  {
    name: "whitespace everywhere",
    doc: bytes(' \r\n\t{ \n"usage" \t: \r{ "a" : [ 1 , 2 ] , "b":{ } } , "model" :"m" } \n'),
    expected: members({ usage: { a: [1, 2], b: {} }, model: "m" }),
  },
  {
    name: "multi-byte UTF-8 in keys and values",
    doc: bytes('{"ключ":"значение 🚀","model":"模型-😀","usage":{"é":"\\ud83d\\ude00"}}'),
    expected: members({ model: "模型-😀", usage: { "é": "😀" } }),
  },
  {
    name: "invalid UTF-8 inside strings is replaced, as the old decoder did",
    doc: bytes('{"model":"a', [0xff, 0xe2, 0x82], '","usage":"', [0xed, 0xa0, 0x80], '"}'),
    expected: members({ model: "a\uFFFD\uFFFD", usage: "\uFFFD\uFFFD\uFFFD" }),
  },
  {
    name: "a non-ASCII byte outside strings",
    doc: bytes('{"a":1', [0xc2, 0xa0], "}"),
    expected: invalid,
  },
  {
    name: "lone surrogate escapes",
    doc: bytes('{"model":"\\ud800x","usage":"\\udfff"}'),
    expected: members({ model: "\ud800x", usage: "\udfff" }),
  },
  {
    name: "number forms",
    doc: bytes('{"usage":[0,-0,1.5,-2e10,3E+2,4e-2,0.0e0,12345678901234567890]}'),
    expected: members({ usage: [0, -0, 1.5, -2e10, 300, 0.04, 0, 12345678901234567890] }),
  },
  { name: "a top-level array", doc: bytes('[{"usage":1}]'), expected: members(null) },
  { name: "a top-level number", doc: bytes(" -0.5e+3 "), expected: members(null) },
  { name: "a top-level number without whitespace", doc: bytes("12"), expected: members(null) },
  { name: "a top-level literal", doc: bytes("null"), expected: members(null) },
  { name: "a top-level string", doc: bytes('"usage"'), expected: members(null) },
  { name: "empty body", doc: bytes(""), expected: invalid },
  { name: "only whitespace", doc: bytes(" \n"), expected: invalid },
  ...[
    '{"usage":1}x',
    '{"usage":1}{}',
    '{"usage":01}',
    '{"usage":-01}',
    '{"a":-01}',
    "[01]",
    '{"usage":[-]}',
    '{"a":1.}',
    '{"a":.5}',
    '{"a":-}',
    '{"a":1e}',
    '{"a":1e+}',
    '{"a":1e5e3}',
    "[1.5.2]",
    "[1e5.2]",
    "[0x10]",
    '{"a":+1}',
    '{"a":tru}',
    '{"a":truex}',
    '{"a":nul',
    '{"a":"\\x"}',
    '{"a":"\\u12G4"}',
    '{"a":"\t"}',
    '{"a":1,}',
    "[1,]",
    "[,1]",
    '{"a" 1}',
    '{"a":1]',
    "[1}",
    "{'a':1}",
    '{"a":1}}',
    '{"a":"unterminated',
    '{"usage":{"a":1}',
    "{a:1}",
    '{"a"::1}',
    '{,"a":1}',
    "NaN",
    "[Infinity]",
  ].map((doc) => ({ name: `malformed: ${doc}`, doc: bytes(doc), expected: invalid })),
  // Long strings go through the SIMD run search (simd_scan.ts) past their first 64 bytes:
  // what ends or breaks the run sits before, at and after that point and the 16-byte blocks.
  ...[3, 63, 64, 65, 79, 80, 81, 150].flatMap((at) => [
    {
      name: `a long string with a quote escaped at ${at}`,
      doc: bytes(`{"a":"${"x".repeat(at)}\\"${"é".repeat(20)}","usage":{"n":${at}}}`),
      expected: members({ usage: { n: at } }),
    },
    {
      name: `a long string with a raw control character at ${at}`,
      doc: bytes(`{"a":"${"x".repeat(at)}`, [0x1f], `yy","usage":1}`),
      expected: invalid,
    },
    {
      name: `a long usage member string ending at ${at}`,
      doc: bytes(`{"usage":"${"z".repeat(at)}","b":"${"\u00e9".repeat(at % 7)}"}`),
      expected: members({ usage: "z".repeat(at) }),
    },
  ]),
];

for (const c of cases) {
  Deno.test(`json scanner: ${c.name}, as JSON.parse, however split`, () => {
    deepStrictEqual(reference(c.doc), c.expected, "the expectation agrees with JSON.parse");
    for (const s of splittings(c.doc)) deepStrictEqual(scan(s.pieces), c.expected, s.label);
  });
}

Deno.test("json scanner: deep nesting keeps one bit per level and still finds usage", () => {
  const depth = 100_000;
  const doc = bytes('{"x":', "[".repeat(depth), "]".repeat(depth), ',"usage":{"n":1}}');
  const scanner = new JsonMemberScanner([["usage"]]);
  scanner.push(doc);
  deepStrictEqual(scanner.finish(), members({ usage: { n: 1 } }));
  // The bit stack grows by doubling.
  ok(scanner.peakRetainedBytes <= (2 * depth) / 8 + 1024, `peak ${scanner.peakRetainedBytes}`);
});

Deno.test("json scanner: an empty member path is a programming error", () => {
  throws(() => new JsonMemberScanner([[]]), RangeError);
});

Deno.test("json scanner: a prefix path keeps the whole member once", () => {
  const doc = bytes('{"message":{"usage":{"n":1},"id":"a"}}');
  deepStrictEqual(
    scan([doc], [["message", "usage"], ["message"]]),
    members({ message: { usage: { n: 1 }, id: "a" } }),
  );
});

Deno.test("json scanner: finish is final and releases what it kept", () => {
  const scanner = new JsonMemberScanner([["usage"]]);
  scanner.push(bytes('{"usage":{"n":1}}'));
  const first = scanner.finish();
  scanner.push(bytes("garbage"));
  deepStrictEqual(scanner.finish(), first);
  strictEqual(scanner.retainedBytes, 0);
});

Deno.test("property: random documents give JSON.parse's members under any chunking", () => {
  fc.assert(
    fc.property(
      documents,
      fc.array(fc.nat(), { maxLength: 30 }),
      withShrinkBudget(2000, (d, offsets) => {
        const doc = encodeDoc(d);
        const expected = reference(doc);
        strictEqual(expected.valid, true);
        deepStrictEqual(scan(cut(doc, offsets)), expected);
      }),
    ),
    { numRuns: 300 },
  );
});

/** Bytes that matter to the grammar, to damage a valid document with. */
const damage = fc.constantFrom(
  ...'"\\{}[],: 0123456789.eE+-tfnux/'.split("").map((c) => c.charCodeAt(0)),
  0x00,
  0x1f,
  0x7f,
  0x80,
  0xbf,
  0xef,
  0xff,
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;
const edit = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: damage }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), byte: damage }),
  fc.record({
    kind: fc.constant("delete" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

function applyEdit(doc: Uint8Array, e: Edit): Uint8Array {
  const at = e.at % (doc.length + 1);
  const before = doc.subarray(0, at);
  switch (e.kind) {
    case "insert":
      return bytes(before, [e.byte], doc.subarray(at));
    case "replace":
      return bytes(before, [e.byte], doc.subarray(at + 1));
    case "delete":
      return bytes(before, doc.subarray(at + e.length));
    default:
      return before;
  }
}

Deno.test("property: damaged documents are valid or not exactly as JSON.parse says", () => {
  fc.assert(
    fc.property(
      smallDocuments,
      fc.array(edit, { minLength: 1, maxLength: 3 }),
      fc.array(fc.nat(), { maxLength: 10 }),
      withShrinkBudget(2000, (d, edits, offsets) => {
        const doc = edits.reduce(applyEdit, encodeDoc(d));
        const expected = reference(doc);
        deepStrictEqual(scan([doc]), expected);
        deepStrictEqual(scan(cut(doc, offsets)), expected);
      }),
    ),
    { numRuns: 500 },
  );
});
