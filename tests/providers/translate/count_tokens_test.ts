/**
 * count_tokens against a non-Anthropic target: the counter requests built for Gemini and Bedrock
 * and their answers read back (goldens in tests/testdata/translate/count_tokens/), and the
 * labelled estimate's bounds (fast-check): ⌈bytes/4⌉ ≤ estimate ≤ ⌈bytes/4⌉ + overheads.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  bedrockCountTokensAnswer,
  bedrockCountTokensRequest,
  bytesPerToken,
  decodeAnthropicRequest,
  documentTokens,
  estimateHeader,
  estimateInputTokens,
  geminiCountTokensAnswer,
  geminiCountTokensRequest,
  imageTokens,
  type JsonObject,
  messageOverhead,
  Notes,
  type Request,
  TranslationError,
  utf8Bytes,
} from "../../../src/providers/translate/mod.ts";

const dir = new URL("../../testdata/translate/count_tokens/", import.meta.url).pathname;
const read = (name: string): JsonObject => JSON.parse(Deno.readTextFileSync(`${dir}${name}`));

function golden(name: string, got: unknown): void {
  const file = `${dir}${name}`;
  if (Deno.env.get("UPDATE_GOLDENS") === "1") {
    Deno.writeTextFileSync(file, JSON.stringify(got, null, 2) + "\n");
  }
  assert.deepEqual(got, JSON.parse(Deno.readTextFileSync(file)));
}

Deno.test("count_tokens: Gemini request wraps the generate body (no generationConfig)", () => {
  const req = geminiCountTokensRequest("gemini-2.5-flash", read("gemini.generate_body.json"));
  assert.equal(req.path, "/v1beta/models/gemini-2.5-flash:countTokens");
  golden("gemini.request.golden.json", req);
});

Deno.test("count_tokens: Bedrock request is CountTokens' converse input", () => {
  const req = bedrockCountTokensRequest(
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    read("bedrock.converse_body.json"),
  );
  assert.equal(req.path, "/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/count-tokens");
  golden("bedrock.request.golden.json", req);
});

Deno.test("count_tokens: answers read back as Anthropic's {input_tokens}, not labelled", () => {
  assert.deepEqual(geminiCountTokensAnswer(read("gemini.answer.json")), {
    body: { input_tokens: 57 },
    headers: {},
  });
  assert.deepEqual(bedrockCountTokensAnswer(read("bedrock.answer.json")), {
    body: { input_tokens: 123 },
    headers: {},
  });
  // proto3 JSON leaves a zero out.
  assert.deepEqual(geminiCountTokensAnswer({}).body, { input_tokens: 0 });
});

Deno.test("count_tokens: malformed counter answers are TranslationErrors naming the field", () => {
  const cases: [() => unknown, string][] = [
    [() => geminiCountTokensAnswer({ totalTokens: -1 }), "countTokens.totalTokens"],
    [() => geminiCountTokensAnswer({ totalTokens: "5" }), "countTokens.totalTokens"],
    [() => geminiCountTokensAnswer([]), "countTokens"],
    [() => bedrockCountTokensAnswer({}), "CountTokens.inputTokens"],
    [() => bedrockCountTokensAnswer({ inputTokens: 1.5 }), "CountTokens.inputTokens"],
  ];
  for (const [run, field] of cases) {
    assert.throws(run, (e) => e instanceof TranslationError && e.field === field, field);
  }
});

Deno.test("count_tokens: estimate of a real request is labelled (header and note) — golden", () => {
  const wire = read("../codecs/anthropic.messages/request_tools_parallel_thinking.wire.json");
  const notes = new Notes();
  const ir = decodeAnthropicRequest(wire, notes);
  const before = notes.list.length;
  const answer = estimateInputTokens(ir, notes);
  assert.equal(answer.headers[estimateHeader], "heuristic");
  assert.equal(notes.list.length, before + 1);
  assert.equal(notes.list.at(-1)!.field, "input_tokens");
  golden("estimate.golden.json", { answer, note: notes.list.at(-1) });
});

function request(instructions: string[], messages: string[][]): Request {
  return {
    model: "m",
    instructions: instructions.map((text) => ({ role: "system", text })),
    messages: messages.map((texts, i) => ({
      role: i % 2 === 0 ? "user" : "assistant",
      content: texts.map((text) => ({ type: "text", text })),
    })),
    tools: [],
    toolChoice: null,
    parallelToolCalls: null,
    maxOutputTokens: null,
    sampling: {
      temperature: null,
      topP: null,
      topK: null,
      seed: null,
      presencePenalty: null,
      frequencyPenalty: null,
    },
    stop: [],
    responseFormat: null,
    reasoning: null,
    stream: false,
    user: null,
    previousResponseId: null,
  };
}

Deno.test("count_tokens: estimate bounds and monotonicity (property)", () => {
  const texts = fc.array(fc.string({ unit: "grapheme", maxLength: 200 }), { maxLength: 4 });
  fc.assert(
    fc.property(
      fc.array(fc.string(), { maxLength: 3 }),
      fc.array(texts, { maxLength: 8 }),
      (ins, msgs) => {
        const bytes = [...ins, ...msgs.flat()].reduce((n, t) => n + utf8Bytes(t), 0);
        const n = estimateInputTokens(request(ins, msgs), new Notes()).body.input_tokens;
        const base = Math.ceil(bytes / bytesPerToken);
        const overhead = messageOverhead * (ins.length + msgs.length + 1);
        assert.equal(n, base + overhead);
        assert.ok(n >= Math.ceil(bytes / 4) && n <= Math.ceil(bytes / 4) + overhead);
        const more = estimateInputTokens(request(ins, [...msgs, ["x"]]), new Notes()).body;
        assert.ok(more.input_tokens > n, "one more message counts more");
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("count_tokens: utf8Bytes equals TextEncoder's length (property)", () => {
  fc.assert(
    fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
      assert.equal(utf8Bytes(s), new TextEncoder().encode(s).length);
    }),
    { numRuns: 500 },
  );
});

Deno.test("count_tokens: images and documents count fixed figures", () => {
  const r = request([], []);
  r.messages = [{
    role: "user",
    content: [
      {
        type: "image",
        source: { kind: "url", url: "https://x/a.png", mediaType: null },
        detail: "low",
      },
      {
        type: "image",
        source: { kind: "base64", mediaType: "image/png", data: "AAAA" },
        detail: null,
      },
      {
        type: "document",
        source: { kind: "base64", mediaType: "application/pdf", data: "AAAA" },
        title: null,
      },
    ],
  }];
  const n = estimateInputTokens(r, new Notes()).body.input_tokens;
  assert.equal(n, imageTokens.low + imageTokens.other + documentTokens + 2 * messageOverhead);
});
