/**
 * The `gemini` adapter's own decisions (the readers it hands out are tested in gemini_*_test.ts):
 * what a request says (model and streaming from the path, `maxOutputTokens`), which usage
 * parser and commit scanner an answer gets, the pool key header, routing's model rewrite, and
 * the `?key=` credential read for the fingerprint.
 */
import assert from "node:assert/strict";
import { providerAdapters, providerKeyFrom } from "../../src/providers/mod.ts";
import type { ResponseInfo } from "../../src/providers/types.ts";
import { fixture } from "./replay.ts";

const gemini = providerAdapters.gemini;
const enc = new TextEncoder();
const flash = "/v1beta/models/gemini-2.5-flash";

function prepare(path: string, body: unknown) {
  return gemini.prepareRequest({
    method: "POST",
    path,
    contentType: "application/json",
    body: enc.encode(JSON.stringify(body)),
    streamUsage: true,
  });
}

Deno.test("gemini prepareRequest: model and streaming from the path, max tokens from the body", () => {
  const body = { contents: [], generationConfig: { maxOutputTokens: 512 } };
  const cases: [
    string,
    unknown,
    { model: string | null; streaming: boolean; max: number | null },
  ][] = [
    [`${flash}:generateContent`, body, { model: "gemini-2.5-flash", streaming: false, max: 512 }],
    [`${flash}:streamGenerateContent?alt=sse`, body, {
      model: "gemini-2.5-flash",
      streaming: true,
      max: 512,
    }],
    // `stream: true` in the body means nothing to Gemini: the method decides.
    [`${flash}:generateContent`, { stream: true }, {
      model: "gemini-2.5-flash",
      streaming: false,
      max: null,
    }],
    [`/v1/tunedModels/my-tuned:generateContent`, { generationConfig: { maxOutputTokens: -1 } }, {
      model: "my-tuned",
      streaming: false,
      max: null,
    }],
    [`/v1beta/models`, {}, { model: null, streaming: false, max: null }],
  ];
  for (const [path, b, want] of cases) {
    const p = prepare(path, b);
    assert.equal(p.model, want.model, path);
    assert.equal(p.streaming, want.streaming, path);
    assert.equal(p.maxTokens ?? null, want.max, path);
    assert.equal(p.hideUsageEvent, false, path);
    assert.equal(p.modelIn, "path", path);
  }
});

function info(path: string, contentType: string, status = 200): ResponseInfo {
  return { path, status, contentType, requestedStreaming: true, requestModel: "gemini-2.5-flash" };
}

Deno.test("gemini usage: SSE stream, JSON array stream, document; countTokens and embeddings", () => {
  const sse = gemini.createUsageParser(
    info(`${flash}:streamGenerateContent?alt=sse`, "text/event-stream"),
  );
  sse.push(fixture("gemini/stream_tool_use_prompt.sse"));
  const s = sse.finish(true);
  assert.equal(s.status, "exact");
  assert.equal(s.usage?.input_tokens, 1844 + 1934);
  assert.equal(s.usage?.cached_input_tokens, 901);
  assert.equal(s.usage?.output_tokens, 432 + 91);

  const array = gemini.createUsageParser(
    info(`${flash}:streamGenerateContent`, "application/json"),
  );
  array.push(fixture("gemini/stream_array.txt"));
  assert.equal(array.finish(true).status, "exact");

  const doc = gemini.createUsageParser(info(`${flash}:generateContent`, "application/json"));
  doc.push(fixture("gemini/generate_content_tool_use_prompt.json"));
  assert.equal(doc.finish(true).usage?.total_tokens, 4301);

  const count = gemini.createUsageParser(info(`${flash}:countTokens`, "application/json"));
  count.push(enc.encode('{"totalTokens": 3}'));
  assert.equal(count.finish(true).status, "none");

  const embed = gemini.createUsageParser(
    info("/v1beta/models/text-embedding-004:embedContent", "application/json"),
  );
  embed.push(enc.encode('{"embedding": {"values": [0.1]}}'));
  const e = embed.finish(true);
  assert.equal(e.status, "unknown");
  assert.equal(e.unknownReason, "not_reported");

  // An error answer carries no usage, whatever its path.
  const err = gemini.createUsageParser(info(`${flash}:embedContent`, "application/json", 429));
  assert.equal(err.finish(true).status, "none");
});

Deno.test("gemini commit scanner: only a 2xx SSE answer of a streaming method", () => {
  const options = { mode: "first_content" as const, maxHeldBytes: 1 << 20 };
  const stream = `${flash}:streamGenerateContent?alt=sse`;
  assert.notEqual(gemini.createCommitScanner!(info(stream, "text/event-stream"), options), null);
  assert.equal(gemini.createCommitScanner!(info(stream, "text/event-stream", 404), options), null);
  assert.equal(gemini.createCommitScanner!(info(stream, "application/json"), options), null);
  assert.equal(
    gemini.createCommitScanner!(info(`${flash}:generateContent`, "text/event-stream"), options),
    null,
  );
  assert.equal(
    gemini.createCommitScanner!({ ...info(stream, "text/event-stream"), method: "GET" }, options),
    null,
  );
});

Deno.test("gemini: pool key header, model rewrite in the path, error facts, no stream locator", () => {
  assert.deepEqual(gemini.keyHeader("AIza-k"), ["x-goog-api-key", "AIza-k"]);
  const moved = gemini.withModel!(
    { path: `${flash}:streamGenerateContent?alt=sse`, body: null },
    "gemini-2.5-pro",
  );
  assert.equal(moved.path, "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
  const kept = gemini.withModel!({ path: "/v1beta/models", body: null }, "gemini-2.5-pro");
  assert.equal(kept.path, "/v1beta/models");
  const facts = gemini.errorFacts!(
    429,
    '{"error":{"code":429,"message":"quota","status":"RESOURCE_EXHAUSTED"}}',
  );
  assert.equal(facts.category, "rate_limited");
  // Streams under redact_upstream/block are redacted in flight (gemini_stream_text.ts).
  assert.equal(typeof gemini.locateStreamText, "function");
  assert.match(gemini.streamError!("pii_blocked", "blocked"), /^\{"error":\{"code":403,/);
});

Deno.test("providerKeyFrom: a header wins; else the ?key= query parameter", () => {
  assert.equal(providerKeyFrom(new Headers(), "?alt=sse&key=AIza-q"), "AIza-q");
  assert.equal(
    providerKeyFrom(new Headers({ "x-goog-api-key": "AIza-h" }), "?key=AIza-q"),
    "AIza-h",
  );
  // gemini-cli's gateway mode sends an empty header when it has no key.
  assert.equal(providerKeyFrom(new Headers({ "x-goog-api-key": "" }), "?key=AIza-q"), "AIza-q");
  assert.equal(providerKeyFrom(new Headers(), "?key=&alt=sse"), null);
  assert.equal(providerKeyFrom(new Headers(), ""), null);
});
