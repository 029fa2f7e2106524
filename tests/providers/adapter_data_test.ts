/**
 * What used to be matched on kind names or paths outside providers/, now adapter data: the
 * GenAI operation of a path, `gen_ai.provider.name`, the header a pool key travels in, where
 * the model is. Today's kinds give today's values.
 */
import assert from "node:assert/strict";
import {
  genAiProviderNames,
  modelLocationOf,
  providerAdapters,
  providerKinds,
  wireFormatOf,
} from "../../src/providers/mod.ts";

// The rule telemetry applied to every path before (telemetry/spans.ts `genAiOperation`).
const operations: [string, string | null][] = [
  ["/v1/chat/completions", "chat"],
  ["/v1/chat/completions/", "chat"],
  ["/v1/chat/completions?x=1", "chat"],
  ["/v1/messages", "chat"],
  ["/v1/responses", "chat"],
  ["/v1/completions", "text_completion"],
  ["/v1/embeddings", "embeddings"],
  ["/v1/models", null],
  ["/v1/messages/count_tokens", null],
  ["/v1/responses/resp_1", null],
  ["/", null],
];

for (const kind of providerKinds) {
  Deno.test(`operationOf (${kind}): the GenAI operation of a path, as before`, () => {
    for (const [path, want] of operations) {
      assert.equal(providerAdapters[kind].operationOf?.(path) ?? null, want, path);
    }
  });
}

Deno.test("genAiProviderNames: today's kinds", () => {
  assert.deepEqual(genAiProviderNames, {
    openai: "openai",
    anthropic: "anthropic",
    "openai-compatible": "openai",
  });
});

Deno.test("keyHeader: a pool key in the header each kind reads", () => {
  assert.deepEqual(providerAdapters.openai.keyHeader("sk-proj-abc"), [
    "authorization",
    "Bearer sk-proj-abc",
  ]);
  assert.deepEqual(providerAdapters["openai-compatible"].keyHeader("k"), [
    "authorization",
    "Bearer k",
  ]);
  assert.deepEqual(providerAdapters.anthropic.keyHeader("sk-ant-x"), ["x-api-key", "sk-ant-x"]);
});

Deno.test("modelLocationOf and wireFormatOf: today's kinds name the model in the body", () => {
  for (const kind of providerKinds) {
    assert.equal(modelLocationOf[kind], "body", kind);
    assert.ok(wireFormatOf[kind] === "openai" || wireFormatOf[kind] === "anthropic", kind);
  }
});
