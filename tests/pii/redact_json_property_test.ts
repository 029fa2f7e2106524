import assert from "node:assert/strict";
import fc from "fast-check";
import { redactJsonText } from "../../src/pii/redact_json.ts";
import { redactText } from "../../src/pii/redact_text.ts";
import { makeRules, ph, rules } from "./redact_fixture.ts";

const findings = [
  "a@b.com",
  "write to x.y@example.org now",
  "sk-proj-AbCdEfGh12345678",
  '{"email":"a@b.com","n":"c@d.io"}',
  '["c@d.io", {"password": "p"}]',
  "{not json a@b.com",
  "😀 a\u0040b.co 😀",
];

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom(...findings, ""),
  fc.tuple(fc.string(), fc.constantFrom(...findings), fc.string()).map((p) => p.join("")),
);

const memberName = fc.oneof(
  fc.string(),
  fc.constantFrom("email", "password", "ssn", "api_key", "max_tokens", "content", "arguments"),
);

const { json } = fc.letrec((tie) => ({
  json: fc.oneof(
    { depthSize: "medium" },
    text,
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("json"), { maxLength: 5 }),
    fc.dictionary(memberName, tie("json"), { maxKeys: 5 }),
  ),
}));

/** A JSON document, mostly an object: random values, compact or indented. */
const document = fc.tuple(
  fc.oneof(json, fc.dictionary(memberName, json, { minKeys: 1, maxKeys: 8 })),
  fc.constantFrom(undefined, 2, "\t"),
).map(([v, indent]) => JSON.stringify(v, null, indent));

const denied = (name: string | null) => name !== null && rules.isDeniedField(name);

function embedded(s: string): unknown {
  if (!/^\s*[[{]/.test(s)) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Asserts that `actual` is `input` redacted as the module comment of redact_json.ts says. */
function checkRedacted(actual: unknown, input: unknown, name: string | null, depth: number): void {
  if (typeof input === "string") {
    assert.equal(typeof actual, "string");
    const inner = depth < 4 ? embedded(input) : undefined;
    if (denied(name)) assert.equal(actual, ph("FIELD", input));
    else if (inner !== undefined) {
      checkRedacted(JSON.parse(actual as string), inner, null, depth + 1);
    } else assert.equal(actual, redactText(input, rules).text);
  } else if (typeof input === "number" && denied(name)) {
    assert.equal(actual, ph("FIELD", JSON.stringify(input)));
  } else if (Array.isArray(input)) {
    assert.ok(Array.isArray(actual));
    assert.equal(actual.length, input.length);
    input.forEach((v, k) => checkRedacted(actual[k], v, name, depth));
  } else if (input !== null && typeof input === "object") {
    assert.ok(actual !== null && typeof actual === "object" && !Array.isArray(actual));
    const a = actual as Record<string, unknown>;
    const i = input as Record<string, unknown>;
    assert.deepEqual(Object.keys(a), Object.keys(i));
    for (const k of Object.keys(i)) checkRedacted(a[k], i[k], k, depth);
  } else assert.equal(actual, input);
}

Deno.test("property: redactJsonText never throws and reports consistently on arbitrary text", () => {
  const junk = fc.array(
    fc.constantFrom('{"', '"}', "[", "]", ":", ",", '"', "\\", "\\u", "0", "a@b.com", "1e", "t"),
  ).map((p) => p.join(""));
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: "binary" }), junk), (s) => {
      const r = redactJsonText(s, rules);
      assert.equal(r.changed, r.text !== s);
    }),
    { numRuns: 2000 },
  );
});

Deno.test("property: valid JSON stays valid JSON with the same shape, redacted as specified", () => {
  fc.assert(
    fc.property(document, (doc) => {
      const r = redactJsonText(doc, rules);
      assert.equal(r.nonJson, false);
      checkRedacted(JSON.parse(r.text), JSON.parse(doc), null, 0);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("property: a prefix of valid JSON is redacted without throwing and is not called non-JSON", () => {
  fc.assert(
    fc.property(document, fc.nat(), (doc, at) => {
      const prefix = doc.slice(0, doc.length === 0 ? 0 : at % (doc.length + 1));
      assert.equal(redactJsonText(prefix, rules).nonJson, false);
    }),
    { numRuns: 1000 },
  );
});

Deno.test("property: redacting the output again changes nothing (placeholders without a hash)", () => {
  const plain = makeRules({ placeholder: (type) => `[${type}_REDACTED]` });
  fc.assert(
    fc.property(fc.oneof(document, text), (doc) => {
      const once = redactJsonText(doc, plain);
      const twice = redactJsonText(once.text, plain);
      assert.equal(twice.changed, false);
      assert.equal(twice.text, once.text);
    }),
    { numRuns: 1000 },
  );
});
