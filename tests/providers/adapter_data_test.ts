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
  unavailableKinds,
  wireFormatOf,
} from "../../src/providers/mod.ts";

/** The kinds this build serves (the others are refused by config: unavailable_kinds_test.ts). */
const served = providerKinds.filter((k) => !unavailableKinds.has(k));

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

/** The kinds served before issue 20: their paths are OpenAI's and Anthropic's own. */
const bodyModelKinds = served.filter((k) => modelLocationOf[k] === "body");

for (const kind of bodyModelKinds) {
  Deno.test(`operationOf (${kind}): the GenAI operation of a path, as before`, () => {
    for (const [path, want] of operations) {
      assert.equal(providerAdapters[kind].operationOf?.(path) ?? null, want, path);
    }
  });
}

Deno.test("operationOf (azure-openai): the operation of Azure's path forms", () => {
  const rows: [string, string | null][] = [
    ["/openai/deployments/prod/chat/completions?api-version=2024-10-21", "chat"],
    ["/openai/deployments/prod/completions", "text_completion"],
    ["/openai/deployments/prod/embeddings", "embeddings"],
    ["/openai/responses?api-version=2025-04-01-preview", "chat"],
    ["/openai/v1/chat/completions", "chat"],
    ["/openai/models", null],
    ["/v1/chat/completions", null], // no Azure form: the proxy refuses it (pathProblem)
  ];
  for (const [path, want] of rows) {
    assert.equal(providerAdapters["azure-openai"].operationOf?.(path) ?? null, want, path);
  }
});

Deno.test("genAiProviderNames: the semantic conventions' well-known values", () => {
  assert.deepEqual(genAiProviderNames, {
    openai: "openai",
    anthropic: "anthropic",
    "openai-compatible": "openai",
    gemini: "gcp.gemini",
    vertex: "gcp.vertex_ai",
    "azure-openai": "azure.ai.openai",
    bedrock: "aws.bedrock",
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

Deno.test("modelLocationOf and wireFormatOf: the served kinds name the model in the body", () => {
  assert.deepEqual(served, [
    "openai",
    "anthropic",
    "openai-compatible",
    "gemini",
    "azure-openai",
    "bedrock",
  ]);
  assert.deepEqual(bodyModelKinds, ["openai", "anthropic", "openai-compatible"]);
  for (const kind of bodyModelKinds) {
    assert.equal(modelLocationOf[kind], "body", kind);
    assert.ok(wireFormatOf[kind] === "openai" || wireFormatOf[kind] === "anthropic", kind);
  }
});

Deno.test("operationOf (gemini): by the path's method", () => {
  const op = (p: string) => providerAdapters.gemini.operationOf?.(p) ?? null;
  assert.equal(op("/v1beta/models/gemini-2.5-flash:generateContent"), "generate_content");
  assert.equal(
    op("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"),
    "generate_content",
  );
  assert.equal(op("/v1/models/text-embedding-004:embedContent"), "embeddings");
  assert.equal(op("/v1beta/models/gemini-2.5-flash:countTokens"), null);
  assert.equal(op("/v1beta/models"), null);
  assert.equal(op("/v1/chat/completions"), null);
});

Deno.test("modelLocationOf and wireFormatOf: issue 20's kinds, model in the path", () => {
  for (const kind of ["gemini", "vertex", "azure-openai", "bedrock"] as const) {
    assert.equal(modelLocationOf[kind], "path", kind);
  }
  assert.equal(wireFormatOf.gemini, "gemini");
  assert.equal(wireFormatOf.vertex, "gemini");
  assert.equal(wireFormatOf["azure-openai"], "openai");
  assert.equal(wireFormatOf.bedrock, "bedrock");
});
