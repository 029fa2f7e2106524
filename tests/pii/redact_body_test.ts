import assert from "node:assert/strict";
import fc from "fast-check";
import {
  bodyKind,
  inspectableContentType,
  redactBodyBytes,
  type RedactBodyResult,
} from "../../src/pii/redact_body.ts";
import { redactSseLines } from "../../src/pii/redact_sse_lines.ts";
import { redactText } from "../../src/pii/redact_text.ts";
import { ph, rules } from "./redact_fixture.ts";

const E = (v: string) => ph("EMAIL", v);
const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { ignoreBOM: true });

function textOf(r: RedactBodyResult): string {
  assert.ok(!("failed" in r), "expected a redacted body");
  return dec.decode(r.bytes);
}

const kinds: [string, string | null, string, ReturnType<typeof bodyKind>][] = [
  ["event-stream type", "text/event-stream; charset=utf-8", '{"a":1}', "sse"],
  ["JSON type", "application/json", "hello", "json"],
  ["+json type, any case", "Application/Problem+JSON", "x", "json"],
  ["no type, data line", null, 'data: {"a":1}\n\n', "sse"],
  ["no type, event line", null, "event: ping\ndata: x\n\n", "sse"],
  ["no type, comment line", "", ": keep-alive\n\n", "sse"],
  ["no type, object", null, '  {"a":1}', "json"],
  ["no type, array after a BOM", null, "\ufeff\n[1]", "json"],
  ["text type, JSON-looking text", "text/plain", '{"a":1}', "json"],
  ["text type, data: is not SSE with a type", "text/plain", "data: x", "text"],
  ["no type, prose", null, "hello a@b.com", "text"],
  ["empty", null, "", "text"],
];
for (const [name, type, text, kind] of kinds) {
  Deno.test(`bodyKind: ${name} is ${kind}`, () => assert.equal(bodyKind(type, text), kind));
}

const inspectable: [string | null, boolean][] = [
  [null, true],
  ["", true],
  ["application/json", true],
  ["application/json; charset=UTF-8", true],
  ['application/json; charset="utf-8"', true],
  ["application/vnd.api+json", true],
  ["text/plain", true],
  ["text/event-stream", true],
  ["text/plain; charset=us-ascii", true],
  ["text/plain; charset=utf-16", false],
  ["application/json; charset=iso-8859-1", false],
  ["application/x-www-form-urlencoded", false],
  ["multipart/form-data; boundary=x", false],
  ["application/octet-stream", false],
  ["audio/wav", false],
  ["image/png", false],
  ["application/xml", false],
];
for (const [type, want] of inspectable) {
  Deno.test(`inspectableContentType: ${JSON.stringify(type)} is ${want}`, () => {
    assert.equal(inspectableContentType(type), want);
  });
}

Deno.test("redactBodyBytes: an unchanged body is the same bytes object", () => {
  for (const [type, body] of [["application/json", '{"a":"b"}'], [null, "hi"], [null, ""]]) {
    const bytes = enc.encode(body!);
    const r = redactBodyBytes(bytes, type!, rules);
    assert.ok(!("failed" in r) && r.bytes === bytes && !r.changed);
  }
});

Deno.test("redactBodyBytes: JSON, text and JSON that is not JSON", () => {
  const cases: [string | null, string, string][] = [
    [
      "application/json",
      '{"c":"a\\u0040b.com","n":5551234567}',
      `{"c":"${E("a@b.com")}","n":5551234567}`,
    ],
    ["text/plain", "mail a@b.com", `mail ${E("a@b.com")}`],
    ["application/json", "{email: a@b.com}", `{email: ${E("a@b.com")}}`],
  ];
  for (const [type, body, want] of cases) {
    const r = redactBodyBytes(enc.encode(body), type, rules);
    assert.equal(textOf(r), want);
    assert.ok(!("failed" in r) && r.changed && r.counts.email === 1);
  }
});

Deno.test("redactBodyBytes: bytes that are not UTF-8 are reported, not guessed", () => {
  for (const bytes of [[0x7b, 0xff, 0x7d], [0x61, 0xc3, 0x28], [0xed, 0xa0, 0x80], [0x61, 0xff]]) {
    assert.deepEqual(redactBodyBytes(new Uint8Array(bytes), null, rules), { failed: "not_utf8" });
  }
});

Deno.test("redactBodyBytes: a character cut at the end is a truncation, its bytes kept", () => {
  const full = enc.encode('{"c":"a@b.com 😀');
  for (const cut of [1, 2, 3]) {
    const bytes = full.subarray(0, full.length - cut);
    const r = redactBodyBytes(bytes, "application/json", rules);
    assert.ok(!("failed" in r) && r.changed);
    const want = enc.encode(`{"c":"${E("a@b.com")} `);
    assert.deepEqual(
      r.bytes,
      new Uint8Array([...want, ...bytes.subarray(bytes.length - (4 - cut))]),
    );
  }
});

Deno.test("redactBodyBytes: a byte order mark is kept", () => {
  const r = redactBodyBytes(enc.encode('\ufeff{"c":"a@b.com"}'), null, rules);
  assert.equal(textOf(r), `\ufeff{"c":"${E("a@b.com")}"}`);
});

Deno.test("redactBodyBytes: SSE goes to the streaming redactor when given", () => {
  const seen: string[] = [];
  // deno-lint-ignore require-yield
  const sse = function* (text: string) {
    seen.push(text);
    return { text: "X", counts: { email: 9 }, changed: true };
  };
  const r = redactBodyBytes(enc.encode("data: a@b.com\n\n"), "text/event-stream", rules, { sse });
  assert.deepEqual(seen, ["data: a@b.com\n\n"]);
  assert.equal(textOf(r), "X");
});

Deno.test("redactSseLines: payloads, comments, event names and ids redacted; field names and line ends kept", () => {
  const input = [
    ": comment a@b.com",
    "event: a@b.com",
    "id: a@b.com",
    "retry: 1000",
    'data: {"c":"x@y.com","created":1700000000}',
    "data:plain c@d.com",
    "data: [DONE]",
    "junk e@f.com",
    "",
    "",
  ].join("\r\n");
  const want = [
    `: comment ${E("a@b.com")}`,
    `event: ${E("a@b.com")}`,
    `id: ${E("a@b.com")}`,
    "retry: 1000",
    `data: {"c":"${E("x@y.com")}","created":1700000000}`,
    `data:plain ${E("c@d.com")}`,
    "data: [DONE]",
    `junk ${E("e@f.com")}`,
    "",
    "",
  ].join("\r\n");
  const r = redactSseLines(input, rules);
  assert.equal(r.text, want);
  assert.deepEqual(r.counts, { email: 6 });
  const lf = redactSseLines(input.replaceAll("\r\n", "\n"), rules);
  assert.equal(lf.text, want.replaceAll("\r\n", "\n"));
  const same = "event: x\ndata: {}\n\n";
  assert.equal(redactSseLines(same, rules).text, same);
});

Deno.test("redactText: placeholders spliced, counts per detector, same string when clean", () => {
  const key = "sk-ant-api03-AbCdEfGh12345678";
  const r = redactText(`é ${key} a@b.com 😀`, rules);
  assert.equal(r.text, `é ${ph("TOKEN", key)} ${E("a@b.com")} 😀`);
  assert.deepEqual(r.counts, { token_like: 1, email: 1 });
  const clean = "nothing here";
  assert.deepEqual(redactText(clean, rules), { text: clean, counts: {}, changed: false });
});

Deno.test("redactText: overlapping and out-of-range findings from a buggy scan are clamped", () => {
  const buggy = {
    ...rules,
    scan: () => [
      { detector: "a", type: "A", start: 2, end: 6 },
      { detector: "b", type: "B", start: 4, end: 8 },
      { detector: "c", type: "C", start: 1, end: 3 },
      { detector: "d", type: "D", start: 9, end: 99 },
    ],
  };
  const r = redactText("0123456789", buggy);
  assert.equal(r.text, `01${ph("A", "2345")}${ph("B", "67")}8${ph("D", "9")}`);
  assert.deepEqual(r.counts, { a: 1, b: 1, d: 1 });
});

Deno.test("property: redactBodyBytes never throws on arbitrary bytes and content types", () => {
  const type = fc.constantFrom(null, "application/json", "text/event-stream", "text/plain");
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    fc.string({ unit: "binary" }).map((s) => enc.encode(s)),
  );
  fc.assert(fc.property(bytes, type, (b, t) => void redactBodyBytes(b, t, rules)), {
    numRuns: 2000,
  });
});
