import assert from "node:assert/strict";
import { redactJsonBody, redactJsonText } from "../../src/pii/redact_json.ts";
import type { Counts } from "../../src/pii/types.ts";
import { chatRequest, makeRules, ph, rules } from "./redact_fixture.ts";

const E = (v: string) => ph("EMAIL", v);
const T = (v: string) => ph("TOKEN", v);
const F = (v: string) => ph("FIELD", v);
const key = "sk-proj-AbCdEfGh12345678";

interface Case {
  name: string;
  input: string;
  /** The expected output; omitted when the input must come back unchanged. */
  output?: string;
  counts?: Counts;
  nonJson?: boolean;
}

const cases: Case[] = [
  { name: "empty input", input: "" },
  { name: "whitespace only", input: " \n\t " },
  { name: "no findings", input: '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}' },
  {
    name: "an email in a value",
    input: '{"content":"write to a@b.com please"}',
    output: `{"content":"write to ${E("a@b.com")} please"}`,
    counts: { email: 1 },
  },
  {
    name: "an email spelled with \\u0040 is decoded before the scan",
    input: '{"content":"a\\u0040b.com"}',
    output: `{"content":"${E("a@b.com")}"}`,
    counts: { email: 1 },
  },
  {
    name: "escapes around a finding are re-encoded, unchanged strings keep theirs",
    input: '{"a":"line\\none \\"q\\" a@b.com\\t\\/","b":"\\u00e9\\/"}',
    output: `{"a":${JSON.stringify(`line\none "q" ${E("a@b.com")}\t/`)},"b":"\\u00e9\\/"}`,
    counts: { email: 1 },
  },
  {
    name: "two detectors in one string, counted per detector",
    input: `{"c":"${key} and x@y.org, y@z.net"}`,
    output: `{"c":"${T(key)} and ${E("x@y.org")}, ${E("y@z.net")}"}`,
    counts: { token_like: 1, email: 2 },
  },
  {
    name: "keys are never examined, even when they hold an email",
    input: '{"a@b.com":1,"c@d.com":{"e@f.com":"x"}}',
  },
  {
    name: "numbers, literals and whitespace keep their bytes",
    input: '{ "n" : -1.50e+3 , "t":true,"f" :false, "z":null ,"c":"a@b.com" }',
    output: `{ "n" : -1.50e+3 , "t":true,"f" :false, "z":null ,"c":"${E("a@b.com")}" }`,
    counts: { email: 1 },
  },
  {
    name: "a denied string value is replaced whole, detectors not run on it",
    input: '{"password":"hunter2 a@b.com","x":1}',
    output: `{"password":"${F("hunter2 a@b.com")}","x":1}`,
    counts: { field_name: 1 },
  },
  {
    name: "a denied name's key escapes are decoded",
    input: '{"p\\u0061ssword":"hunter2"}',
    output: `{"p\\u0061ssword":"${F("hunter2")}"}`,
    counts: { field_name: 1 },
  },
  {
    name: "a denied number becomes a placeholder string",
    input: '{"ssn":123456789,"n":2}',
    output: `{"ssn":"${F("123456789")}","n":2}`,
    counts: { field_name: 1 },
  },
  {
    name: "literals under a denied name stay",
    input: '{"password":null,"email":true}',
  },
  {
    name: "an object under a denied name is walked: JSON Schema stays valid",
    input: '{"properties":{"email":{"type":"string","description":"like a@b.com"}}}',
    output: `{"properties":{"email":{"type":"string","description":"like ${E("a@b.com")}"}}}`,
    counts: { email: 1 },
  },
  {
    name: "array elements under a denied name inherit it, nested arrays too",
    input: '{"email":["a@b.com","x",[7]],"to":["c@d.com"]}',
    output: `{"email":["${F("a@b.com")}","${F("x")}",["${F("7")}"]],"to":["${E("c@d.com")}"]}`,
    counts: { field_name: 3, email: 1 },
  },
  {
    name: "objects in an array under a denied name use their own keys",
    input: '{"email":[{"type":"string"}]}',
  },
  {
    name: "max_tokens and prompt_tokens are untouched with an exact rule",
    input: '{"max_tokens":1024,"usage":{"prompt_tokens":10,"completion_tokens":5}}',
  },
  {
    name: "JSON in a string (tool-call arguments) is redacted with the field rules",
    input: '{"arguments":"{\\"email\\":\\"a@b.com\\",\\"note\\":\\"c@d.com\\"}"}',
    output: `{"arguments":${
      JSON.stringify(`{"email":"${F("a@b.com")}","note":"${E("c@d.com")}"}`)
    }}`,
    counts: { field_name: 1, email: 1 },
  },
  {
    name: "JSON in a string that does not parse is scanned as text",
    input: '{"c":"{not json a@b.com"}',
    output: `{"c":"{not json ${E("a@b.com")}"}`,
    counts: { email: 1 },
  },
  {
    name: "JSON in a string in a string",
    input: JSON.stringify({ a: JSON.stringify({ b: JSON.stringify(["a@b.com"]) }) }),
    output: JSON.stringify({ a: JSON.stringify({ b: JSON.stringify([E("a@b.com")]) }) }),
    counts: { email: 1 },
  },
  {
    name: "emoji and accents around a finding, surrogate pairs as escapes",
    input: '{"c":"😀é a@b.com \\ud83d\\ude00"}',
    output: `{"c":"😀é ${E("a@b.com")} 😀"}`,
    counts: { email: 1 },
  },
  {
    name: "lone surrogates are tolerated and re-encoded as escapes",
    input: '{"c":"\\ud800 a@b.com \\udc00"}',
    output: `{"c":"\\ud800 ${E("a@b.com")} \\udc00"}`,
    counts: { email: 1 },
  },
  {
    name: "a top-level string and a top-level array",
    input: '"a@b.com" ["c@d.com"]',
    output: `"${E("a@b.com")}" ["${E("c@d.com")}"]`,
    counts: { email: 2 },
  },
  {
    name: "truncated inside a value: scanned, left unterminated",
    input: `{"messages":[{"content":"mail a@b.com or ${key}`,
    output: `{"messages":[{"content":"mail ${E("a@b.com")} or ${T(key)}`,
    counts: { email: 1, token_like: 1 },
  },
  {
    name: "truncated inside an escape: the cut escape is kept after the redaction",
    input: '{"c":"a@b.com \\u00',
    output: `{"c":"${E("a@b.com")} \\u00`,
    counts: { email: 1 },
  },
  {
    name: "truncated after a backslash",
    input: '{"c":"a@b.com \\',
    output: `{"c":"${E("a@b.com")} \\`,
    counts: { email: 1 },
  },
  {
    name: "truncated in a denied value",
    input: '{"password":"hunt',
    output: `{"password":"${F("hunt")}`,
    counts: { field_name: 1 },
  },
  { name: "truncated in a key", input: '{"messages":[{"cont' },
  { name: "truncated after a key, before its colon", input: '{"a":"x","b@c.com" ' },
  { name: "truncated in a number and a literal", input: '{"a":[1.5e', nonJson: false },
  { name: "truncated literal", input: '{"a":tr' },
  {
    name: "a key without its colon is examined as a value",
    input: '{"a@b.com"}',
    output: `{"${E("a@b.com")}"}`,
    counts: { email: 1 },
  },
  {
    name: "unbalanced structure does not stop the lexer",
    input: ']]}{"c":"a@b.com"}}',
    output: `]]}{"c":"${E("a@b.com")}"}}`,
    counts: { email: 1 },
  },
  {
    name: "bare words are reported as not JSON and left to the caller",
    input: "{email: a@b.com}",
    nonJson: true,
  },
  {
    name: "single-quoted strings are not JSON",
    input: "{'c': 'a@b.com'}",
    nonJson: true,
  },
  {
    name: "an invalid escape decodes without its backslash",
    input: '{"c":"\\qa@b.com"}',
    output: `{"c":"${E("qa@b.com")}"}`,
    counts: { email: 1 },
  },
  {
    name: "a BOM before the document",
    input: '\ufeff{"c":"a@b.com"}',
    output: `\ufeff{"c":"${E("a@b.com")}"}`,
    counts: { email: 1 },
  },
];

for (const c of cases) {
  Deno.test(`redactJsonText: ${c.name}`, () => {
    const r = redactJsonText(c.input, rules);
    assert.equal(r.text, c.output ?? c.input);
    assert.equal(r.changed, c.output !== undefined);
    assert.deepEqual(r.counts, c.counts ?? {});
    assert.equal(r.nonJson, c.nonJson ?? false);
  });
}

Deno.test("redactJsonText: keys are not matched by the field rule's substrings (caller's rule)", () => {
  const substring = makeRules({ isDeniedField: (n) => n.includes("token") });
  const input = '{"max_tokens":1024,"messages":[]}';
  assert.equal(
    redactJsonText(input, substring).text,
    `{"max_tokens":"${F("1024")}","messages":[]}`,
  );
  assert.equal(redactJsonText(input, rules).text, input);
});

Deno.test("redactJsonText: the placeholder gets the decoded value and the placeholder type", () => {
  const seen: [string, string][] = [];
  const spy = makeRules({ placeholder: (t, v) => (seen.push([t, v]), "X") });
  redactJsonText('{"c":"\\u0061\\u0040b.com","password":"p\\u00e4ss"}', spy);
  assert.deepEqual(seen, [["EMAIL", "a@b.com"], ["FIELD", "päss"]]);
});

Deno.test("redactJsonText: a placeholder equal to the value is no change", () => {
  const same = makeRules({ placeholder: (t) => `[${t}]` });
  const r = redactJsonText('{"password":"[FIELD]"}', same);
  assert.equal(r.changed, false);
  assert.deepEqual(r.counts, { field_name: 1 });
});

Deno.test("redactJsonText: an unchanged input is returned as the same string", () => {
  const body = chatRequest(20_000).replaceAll("@", " at ").replaceAll("sk-", "sk ");
  const r = redactJsonText(body, rules);
  assert.equal(r.changed, false);
  assert.equal(r.text, body);
});

Deno.test("redactJsonText: a realistic chat request keeps its structure and loses its findings", () => {
  const body = chatRequest(100_000);
  const r = redactJsonText(body, rules);
  const before = JSON.parse(body);
  const after = JSON.parse(r.text);
  assert.equal(after.messages.length, before.messages.length);
  assert.deepEqual(after.tools, before.tools);
  assert.equal(after.max_tokens, 1024);
  assert.ok(!/@example\.com|sk-proj-/.test(r.text));
  assert.ok((r.counts.email ?? 0) > 0 && (r.counts.token_like ?? 0) > 0);
});

Deno.test("redactJsonBody: text that is not JSON is also scanned as text", () => {
  const r = redactJsonBody('{email: a@b.com, "b": "c@d.io"}', rules);
  assert.equal(r.text, `{email: ${E("a@b.com")}, "b": "${E("c@d.io")}"}`);
  assert.deepEqual(r.counts, { email: 2 });
  assert.equal(r.changed, true);
});

Deno.test("redactJsonBody: numbers of valid JSON are never scanned as text", () => {
  const phoneLike = makeRules({
    scan: (t) =>
      [...t.matchAll(/\d{10}/g)].map((m) => ({
        detector: "phone",
        type: "PHONE",
        start: m.index,
        end: m.index + 10,
      })),
  });
  const input = '{"created":1700000000,"c":"call 5551234567"}';
  assert.equal(
    redactJsonBody(input, phoneLike).text,
    `{"created":1700000000,"c":"call ${ph("PHONE", "5551234567")}"}`,
  );
});

Deno.test("redactJsonText: in JSON embedded in a string, numbers and keys are data and are scanned", async () => {
  const { validateConfig } = await import("../../src/config/mod.ts");
  const { compilePolicies } = await import("../../src/pii/mod.ts");
  const result = validateConfig({
    pii: { mode: "redact_upstream", replacement: { hash_salt: "s" } },
  }, {
    env: {},
  });
  if (!result.ok) throw new Error("config");
  const p = compilePolicies(result.config.pii, result.config.pii_mode);
  const real = p.rulesFor(p.base, "default");
  const body = JSON.stringify({
    max_tokens: 4111111111111111,
    messages: [{
      role: "tool",
      content: JSON.stringify({ card_number: 4111111111111111, "jane@example.com": true }),
    }],
  });
  const out = redactJsonText(body, real);
  const parsed = JSON.parse(out.text);
  assert.equal(parsed.max_tokens, 4111111111111111, "the API's own numbers stay numbers");
  const inner = JSON.parse(parsed.messages[0].content);
  assert.match(inner.card_number, /^\[CREDIT_CARD_REDACTED:[0-9a-f]{16}\]$/);
  assert.deepEqual(Object.keys(inner).map((k) => k.replace(/:[0-9a-f]+/, "")), [
    "card_number",
    "[EMAIL_REDACTED]",
  ]);
  assert.deepEqual(out.counts, { credit_card: 1, email: 1 });
});
