/**
 * Issue 16, item 8: a gateway key typed into `model`, a path, a header, an id or a body must not
 * be stored, whatever its shape: the configured secrets by value (every spelling), this gateway's
 * own `ogk_` keys and provider keys by shape. Each row builds a trace with the secret in one field
 * and checks that no field of the stored record holds it, and that the placeholder shows where.
 */
import assert from "node:assert/strict";
import { buildTrace, credentialHeaders, type TraceRecord } from "../../src/traces/mod.ts";
import { createStoredScrubber, credentialRedacted as R } from "../../src/secrets/mod.ts";
import { facts } from "./facts_fixture.ts";

/** A configured gateway key with no credential shape (`auth.keys[].token: env(...)`). */
const key = "team-alpha-shared-password-42";
/** One that needs escaping in JSON and in a URL, with a non-ASCII character. */
const odd = 'pa "ss"/wörd+42%';
/** A key the gateway issued (stored hashed in the database, so known by shape only). */
const issued = "ogk_" + "2QiVNA9EZ_gfGjIWTYPcOIw1tfiXbAvk";
const providerKey = "sk-" + "proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
const scrubber = createStoredScrubber([key, odd]);
const enc = new TextEncoder();
const dec = new TextDecoder();
const bytes = (s: string) => enc.encode(s);
const body = (s: string, truncated = false) => ({ bytes: bytes(s), truncated });

/** Every stored field, bodies decoded, as one string to grep. */
function stored(t: TraceRecord): string {
  const text = (b: string | Uint8Array | null) => typeof b === "string" ? b : b && dec.decode(b);
  return JSON.stringify({
    ...t,
    request_body: text(t.request_body),
    response_body: text(t.response_body),
  });
}

const headers = (extra: Record<string, string>) =>
  new Headers({ "content-type": "application/json", ...extra });

const cases: {
  name: string;
  over: Parameters<typeof facts>[0];
  secret: string;
  /** Text the stored trace must hold (the placeholder in its place). */
  expect: string;
}[] = [
  {
    name: "configured key as the request model",
    over: {
      requestModel: key,
      report: { model: null, usage: null, status: "none", parseErrors: 0 },
    },
    secret: key,
    expect: `"model":"${R}"`,
  },
  {
    name: "configured key echoed as the response model",
    over: { report: { model: `ft:${key}`, usage: null, status: "none", parseErrors: 0 } },
    secret: key,
    expect: `"model":"ft:${R}"`,
  },
  {
    name: "issued ogk_ key as the model",
    over: {
      requestModel: issued,
      report: { model: null, usage: null, status: "none", parseErrors: 0 },
    },
    secret: issued,
    expect: `"model":"${R}"`,
  },
  {
    name: "provider key shape as the model",
    over: { report: { model: providerKey, usage: null, status: "none", parseErrors: 0 } },
    secret: providerKey,
    expect: `"model":"${R}"`,
  },
  {
    name: "configured key in the path",
    over: { path: `/openai/v1/${key}/chat/completions` },
    secret: key,
    expect: `"request_path":"/openai/v1/${R}/chat/completions"`,
  },
  {
    name: "configured key in a query string",
    over: { path: `/openai/v1/models?api_key=${key}&x=1` },
    secret: key,
    expect: `?api_key=${R}&x=1`,
  },
  {
    name: "percent-encoded key in the path",
    over: { path: `/openai/v1/${encodeURIComponent(odd)}/chat` },
    secret: encodeURIComponent(odd),
    expect: `/openai/v1/${R}/chat`,
  },
  {
    name: "key in the path with every character escaped (decoded to find it)",
    over: {
      path: "/openai/v1/" + [...bytes(key)].map((b) => "%" + b.toString(16)).join("") + "/x",
    },
    secret: "%74%65%61%6d",
    expect: `/openai/v1/${R}/x`,
  },
  {
    // Review of item 8: a URL template that escapes, then a client that escapes the `%` again.
    name: "key in the path escaped twice (decoded until no escape is left)",
    over: {
      path: "/openai/v1/" +
        [...bytes(issued)].map((b) => "%25" + b.toString(16)).join("") + "/x",
    },
    secret: "%256f%2567%256b%255f",
    expect: `/openai/v1/${R}/x`,
  },
  {
    name: "escaped key in a path that also holds a stray % and a non-UTF-8 escape",
    over: {
      path: "/openai/v1/100%/caf%E9/" +
        [...bytes(key)].map((b) => "%" + b.toString(16)).join("") + "/x",
    },
    secret: "%74%65%61%6d",
    expect: `${R}/x`,
  },
  {
    name: "issued key in the path",
    over: { path: `/openai/v1/${issued}/models` },
    secret: issued,
    expect: `/openai/v1/${R}/models`,
  },
  {
    name: "configured key in a custom request header",
    over: { requestHeaders: headers({ "x-my-key": key, "user-agent": `tool ${issued}` }) },
    secret: key,
    expect: `"x-my-key":["${R}"]`,
  },
  {
    name: "issued key in the user agent",
    over: { requestHeaders: headers({ "user-agent": `tool/1.0 ${issued}` }) },
    secret: issued,
    expect: `"user-agent":["tool/1.0 ${R}"]`,
  },
  {
    name: "configured key echoed in a response header",
    over: { responseHeaders: [["x-echo", `key=${key}`], ["content-type", "application/json"]] },
    secret: key,
    expect: `"x-echo":["key=${R}"]`,
  },
  {
    name: "issued key echoed in a response header",
    over: { responseHeaders: [["x-debug", `caller ${issued}`]] },
    secret: issued,
    expect: `"x-debug":["caller ${R}"]`,
  },
  {
    name: "configured key as the correlation id",
    over: { correlationId: key },
    secret: key,
    expect: `"correlation_id":"${R}"`,
  },
  {
    name: "configured key as lineage ids",
    over: {
      lineage: {
        group_id: key,
        thread_id: key,
        run_id: key,
        parent_checkpoint_id: key,
        checkpoint_seq: null,
      },
    },
    secret: key,
    expect: `"trace_group_id":"${R}"`,
  },
  {
    name: "configured key in a JSON request body",
    over: {
      requestBody: body(JSON.stringify({ model: key, messages: [{ content: `my key: ${key}` }] })),
    },
    secret: key,
    expect: `my key: ${R}`,
  },
  {
    name: "escaped key in a JSON body (JSON.stringify)",
    over: { requestBody: body(JSON.stringify({ content: `é ${odd} é` })) },
    secret: JSON.stringify(odd).slice(1, -1),
    expect: `é ${R} é`,
  },
  {
    name: "escaped key in a JSON body (ASCII-only, as Python sends)",
    over: { requestBody: body(`{"content": "${'pa \\"ss\\"/w\\u00f6rd+42%'}"}`) },
    secret: "w\\u00f6rd",
    expect: `{"content": "${R}"}`,
  },
  {
    name: "form-encoded key in a body",
    over: {
      requestBody: body(`a=1&key=${encodeURIComponent(odd).replaceAll("%20", "+")}&b=2`),
    },
    secret: "w%C3%B6rd",
    expect: `a=1&key=${R}&b=2`,
  },
  {
    name: "issued key in a JSON body",
    over: { requestBody: body(JSON.stringify({ content: `use ${issued} please` })) },
    secret: issued,
    expect: `use ${R} please`,
  },
  {
    name: "configured key in an SSE response body",
    over: {
      responseBody: body(
        `data: {"choices":[{"delta":{"content":"${key}"}}]}\n\ndata: [DONE]\n\n`,
      ),
    },
    secret: key,
    expect: `"content":"${R}"`,
  },
  {
    name: "configured key in a response body after multi-byte characters",
    over: { responseBody: body(`{"t":"ünïcødé ✓ ${key} ✓"}`) },
    secret: key,
    expect: `ünïcødé ✓ ${R} ✓`,
  },
  {
    name: "the start of a configured key where the capture cut the request body",
    over: { requestBody: body(`{"content":"${key.slice(0, 12)}`, true) },
    secret: key.slice(0, 12),
    expect: `{"content":"${R}`,
  },
  {
    name: "the start of a configured key where the capture cut the response body",
    over: { responseBody: body(`data: {"x":"${key.slice(0, 5)}`, true) },
    secret: key.slice(0, 5),
    expect: `data: {"x":"${R}`,
  },
  {
    name: "the start of an issued key where the capture cut the body",
    over: { responseBody: body(`{"x":"${issued.slice(0, 9)}`, true) },
    secret: issued.slice(0, 9),
    expect: `{"x":"${R}`,
  },
];

for (const c of cases) {
  Deno.test(`stored secrets: ${c.name}`, () => {
    const out = stored(buildTrace(facts({ ...c.over, secrets: scrubber }), credentialHeaders));
    assert.ok(!out.includes(c.secret), `stored: ${out}`);
    // Bodies sit JSON-escaped in `out`.
    const escaped = JSON.stringify(c.expect).slice(1, -1);
    assert.ok(out.includes(c.expect) || out.includes(escaped), `expected ${c.expect} in ${out}`);
  });
}

Deno.test("stored secrets: a body and fields without secrets are kept as they are (the body not even copied)", () => {
  const request = bytes(JSON.stringify({ model: "gpt-4o-mini", content: "team alpha password" }));
  const response = bytes(`{"x":"${key.slice(0, 3)}`);
  const f = facts({
    requestBody: { bytes: request, truncated: false },
    // Three characters of a key at a cut are too few to mean anything: kept.
    responseBody: { bytes: response, truncated: true },
  });
  const t = buildTrace({ ...f, secrets: scrubber }, credentialHeaders);
  assert.equal(t.request_body, request);
  assert.equal(t.response_body, response);
  assert.deepEqual(t, buildTrace(f, credentialHeaders));
});

Deno.test("stored secrets: a complete body ending with the start of a key is kept", () => {
  const b = bytes(`{"x":"${key.slice(0, 12)}`);
  const t = buildTrace(
    facts({ requestBody: { bytes: b, truncated: false }, secrets: scrubber }),
    credentialHeaders,
  );
  assert.equal(t.request_body, b);
});

Deno.test("stored secrets: a scrubber built without the key does not know it; one built after a reload does", () => {
  const added = "team-beta-rotated-password-77";
  const f = facts({
    requestModel: added,
    report: { model: null, usage: null, status: "none", parseErrors: 0 },
  });
  assert.equal(buildTrace({ ...f, secrets: scrubber }, credentialHeaders).model, added);
  const reloaded = createStoredScrubber([key, added]);
  assert.equal(buildTrace({ ...f, secrets: reloaded }, credentialHeaders).model, R);
});

Deno.test("stored secrets: without a scrubber, credential shapes are still scrubbed", () => {
  const f = facts({ path: `/openai/${issued}`, requestBody: body(`{"k":"${issued}"}`) });
  const out = stored(buildTrace(f, credentialHeaders));
  assert.ok(!out.includes(issued), out);
});

Deno.test("stored secrets: a correlation id shaped like the gateway's own still loses a configured secret", () => {
  const hexKey = "deadbeefcafe0123";
  const id = `corr-${"0".repeat(8)}${hexKey}${"0".repeat(8)}`;
  const t = buildTrace(
    facts({ correlationId: id, secrets: createStoredScrubber([hexKey]) }),
    credentialHeaders,
  );
  assert.equal(t.correlation_id, `corr-${"0".repeat(8)}${R}${"0".repeat(8)}`);
});

/** A provider key of no known shape (an OpenAI-compatible vendor's), as the request sent it. */
const vendorKey = "vendor-7Qm2-key-for-this-exchange";

const providerKeyCases: [string, Parameters<typeof facts>[0], string][] = [
  [
    "echoed in a response header",
    { responseHeaders: [["x-echo-key", `got ${vendorKey}`]] },
    `"x-echo-key":["got ${R}"]`,
  ],
  [
    "in another request header",
    { requestHeaders: headers({ "x-copy": vendorKey }) },
    `"x-copy":["${R}"]`,
  ],
  [
    "as the model",
    {
      requestModel: vendorKey,
      report: { model: null, usage: null, status: "none", parseErrors: 0 },
    },
    `"model":"${R}"`,
  ],
  ["in the path", { path: `/openai/v1/${vendorKey}/models` }, `/openai/v1/${R}/models`],
];

for (const [name, over, expect] of providerKeyCases) {
  Deno.test(`stored secrets: the exchange's provider key ${name}`, () => {
    const out = stored(
      buildTrace(facts({ ...over, providerKey: vendorKey, secrets: scrubber }), credentialHeaders),
    );
    assert.ok(!out.includes(vendorKey), out);
    assert.ok(out.includes(expect), `expected ${expect} in ${out}`);
  });
}
