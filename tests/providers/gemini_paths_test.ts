/**
 * Gemini and Vertex request paths: model, method, publisher, streaming and framing, the same
 * path for another model (routing), and hostile paths (dot segments, encoded slashes and dots,
 * overlong ids) read as "not a model path".
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import {
  geminiPathWithModel,
  geminiWithModel,
  isModelId,
  maxModelIdChars,
  maxModelPathChars,
  parseGeminiPath,
} from "../../src/providers/gemini_paths.ts";
import {
  parseVertexPath,
  vertexPathWithModel,
  vertexWithModel,
} from "../../src/providers/vertex_paths.ts";

Deno.test("Gemini paths", () => {
  const cases: [string, ReturnType<typeof parseGeminiPath>][] = [
    ["/v1beta/models/gemini-2.5-flash:generateContent", {
      model: "gemini-2.5-flash",
      method: "generateContent",
      kind: "generate",
      streams: false,
      version: "v1beta",
      collection: "models",
      framing: null,
    }],
    ["/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", {
      model: "gemini-2.5-flash",
      method: "streamGenerateContent",
      kind: "generate",
      streams: true,
      version: "v1beta",
      collection: "models",
      framing: "sse",
    }],
    ["/v1/models/gemini-2.5-pro:streamGenerateContent?key=abc&alt=sse", {
      model: "gemini-2.5-pro",
      method: "streamGenerateContent",
      kind: "generate",
      streams: true,
      version: "v1",
      collection: "models",
      framing: "sse",
    }],
    // Without alt=sse the stream is one JSON array.
    ["/v1/models/gemini-2.5-pro:streamGenerateContent", {
      model: "gemini-2.5-pro",
      method: "streamGenerateContent",
      kind: "generate",
      streams: true,
      version: "v1",
      collection: "models",
      framing: "json-array",
    }],
    ["/v1beta/models/gemini-embedding-001:batchEmbedContents", {
      model: "gemini-embedding-001",
      method: "batchEmbedContents",
      kind: "embed",
      streams: false,
      version: "v1beta",
      collection: "models",
      framing: null,
    }],
    ["/v1beta/tunedModels/my-tuned-7x:generateContent", {
      model: "my-tuned-7x",
      method: "generateContent",
      kind: "generate",
      streams: false,
      version: "v1beta",
      collection: "tunedModels",
      framing: null,
    }],
    // `:` encoded by a client is the method separator still.
    ["/v1beta/models/gemini-2.5-flash%3AcountTokens", {
      model: "gemini-2.5-flash",
      method: "countTokens",
      kind: "count_tokens",
      streams: false,
      version: "v1beta",
      collection: "models",
      framing: null,
    }],
    // Not a model call: lists, gets, caches, files, the OpenAI-compatible endpoint.
    ["/v1beta/models", null],
    ["/v1beta/models/gemini-2.5-flash", null],
    ["/v1beta/cachedContents", null],
    ["/upload/v1beta/files", null],
    ["/v1beta/openai/chat/completions", null],
    ["/v1beta/models/gemini-2.5-flash:", null],
    ["/v1beta/models/:generateContent", null],
    ["/v1beta/models/gemini-2.5-flash:generateContent/extra", null],
    ["/v2gamma/models/gemini-2.5-flash:generateContent", null],
    // Hostile: dot segments, empty segments, escapes other than %40 and %3A, backslashes.
    ["/v1beta/models/../models/gemini-2.5-flash:generateContent", null],
    ["/v1beta/models/..:generateContent", null],
    ["/v1beta/models/.:generateContent", null],
    ["/v1beta//models/gemini-2.5-flash:generateContent", null],
    ["/v1beta/models/gemini%2F..%2Fx:generateContent", null],
    ["/v1beta/models/gemini%2e%2e:generateContent", null],
    ["/v1beta/models/gem\\ini:generateContent", null],
    ["/v1beta/models/gemini 2:generateContent", null],
    ["/v1beta/models/-gemini:generateContent", null],
    ["v1beta/models/gemini-2.5-flash:generateContent", null],
    [`/v1beta/models/${"g".repeat(maxModelIdChars + 1)}:generateContent`, null],
    [`/v1beta/models/gemini:generateContent?${"a".repeat(maxModelPathChars)}`, null],
    ["/v1beta/models/gemini:generate-content", null],
  ];
  for (const [path, want] of cases) deepStrictEqual(parseGeminiPath(path), want, path);
  strictEqual(
    parseGeminiPath(`/v1beta/models/${"g".repeat(maxModelIdChars)}:x`)?.model.length,
    256,
  );
});

Deno.test("Vertex paths", () => {
  const base = "/v1/projects/my-project/locations/us-east5/publishers";
  const cases: [string, ReturnType<typeof parseVertexPath>][] = [
    [`${base}/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict`, {
      model: "claude-sonnet-4-5@20250929",
      method: "streamRawPredict",
      kind: "generate",
      streams: true,
      version: "v1",
      project: "my-project",
      location: "us-east5",
      publisher: "anthropic",
      framing: "sse",
    }],
    [`${base}/anthropic/models/claude-opus-4-1%4020250805:rawPredict`, {
      model: "claude-opus-4-1@20250805",
      method: "rawPredict",
      kind: "generate",
      streams: false,
      version: "v1",
      project: "my-project",
      location: "us-east5",
      publisher: "anthropic",
      framing: null,
    }],
    [
      "/v1beta1/projects/example.com:proj-1/locations/global/publishers/google/models/gemini-2.0-flash-001:streamGenerateContent?alt=sse",
      {
        model: "gemini-2.0-flash-001",
        method: "streamGenerateContent",
        kind: "generate",
        streams: true,
        version: "v1beta1",
        project: "example.com:proj-1",
        location: "global",
        publisher: "google",
        framing: "sse",
      },
    ],
    // Express mode (API key): no project or location.
    ["/v1/publishers/google/models/gemini-2.5-flash:generateContent", {
      model: "gemini-2.5-flash",
      method: "generateContent",
      kind: "generate",
      streams: false,
      version: "v1",
      project: null,
      location: null,
      publisher: "google",
      framing: null,
    }],
    ["/v1/publishers/google/models/gemini-2.5-flash:streamGenerateContent", {
      model: "gemini-2.5-flash",
      method: "streamGenerateContent",
      kind: "generate",
      streams: true,
      version: "v1",
      project: null,
      location: null,
      publisher: "google",
      framing: "json-array",
    }],
    [`${base}/anthropic/models/count-tokens:rawPredict`, {
      model: "count-tokens",
      method: "rawPredict",
      kind: "count_tokens",
      streams: false,
      version: "v1",
      project: "my-project",
      location: "us-east5",
      publisher: "anthropic",
      framing: null,
    }],
    [`${base}/meta/models/llama-4:rawPredict`, null],
    [`${base}/google/models/gemini-2.5-flash`, null],
    ["/v1/projects/p/locations/l/endpoints/openapi/chat/completions", null],
    ["/v1beta/projects/p/locations/l/publishers/google/models/m:generateContent", null],
    ["/v1/projects/p/locations/US/publishers/google/models/m:generateContent", null],
    ["/v1/projects/p/regions/l/publishers/google/models/m:generateContent", null],
    ["/v1/projects/../locations/l/publishers/google/models/m:generateContent", null],
    ["/v1/projects/p/locations/l/publishers/google/models/..:generateContent", null],
    ["/v1/projects/p%2Fq/locations/l/publishers/google/models/m:generateContent", null],
    ["/v1/projects/p/locations/l/publishers/google/models/a%2Fb:generateContent", null],
    [
      `/v1/projects/${"p".repeat(129)}/locations/l/publishers/google/models/m:generateContent`,
      null,
    ],
  ];
  for (const [path, want] of cases) deepStrictEqual(parseVertexPath(path), want, path);
  const kinds: [string, string][] = [
    ["gemini-embedding-001:embedContent", "embed"],
    ["text-embedding-005:predict", "predict"],
    ["gemini-2.5-flash:computeTokens", "count_tokens"],
    ["gemini-2.5-flash:fetchPredictOperation", "other"],
    ["gemini-2.5-flash:toString", "other"],
  ];
  for (const [tail, kind] of kinds) {
    strictEqual(parseVertexPath(`${base}/google/models/${tail}`)?.kind, kind, tail);
  }
});

Deno.test("the same path for another model: only the model changes", () => {
  const g = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=k";
  strictEqual(
    geminiPathWithModel(g, "gemini-2.5-pro"),
    "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=k",
  );
  strictEqual(
    geminiPathWithModel("/v1beta/models/gemini-2.5-flash%3AcountTokens", "gemini-2.5-pro"),
    "/v1beta/models/gemini-2.5-pro:countTokens",
  );
  strictEqual(geminiPathWithModel("/v1beta/models", "gemini-2.5-pro"), null);
  // A model id outside the grammar cannot leave its segment.
  strictEqual(
    geminiPathWithModel(g, "../../evil/x"),
    "/v1beta/models/..%2F..%2Fevil%2Fx:streamGenerateContent?alt=sse&key=k",
  );
  strictEqual(
    geminiPathWithModel(g, "a?b#c"),
    "/v1beta/models/a%3Fb%23c:streamGenerateContent?alt=sse&key=k",
  );
  const v =
    "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict";
  strictEqual(
    vertexPathWithModel(v, "claude-opus-4-1@20250805"),
    "/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-opus-4-1@20250805:streamRawPredict",
  );
  strictEqual(vertexPathWithModel("/v1/projects/p/locations/l/endpoints/e:predict", "m"), null);
  // Claude's token counting names no model in its path.
  strictEqual(
    vertexPathWithModel(
      "/v1/projects/p/locations/l/publishers/anthropic/models/count-tokens:rawPredict",
      "m",
    ),
    null,
  );
  const body = new TextEncoder().encode('{"contents":[]}');
  deepStrictEqual(geminiWithModel({ path: g, body }, "gemini-2.5-pro"), {
    path: "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=k",
    body,
  });
  const list = { path: "/v1beta/models", body: null };
  strictEqual(geminiWithModel(list, "gemini-2.5-pro"), list);
  strictEqual(vertexWithModel(list, "m"), list);
  // A placed path parses back to the placed model.
  for (const m of ["gemini-2.5-pro", "claude-opus-4-1@20250805", "x".repeat(maxModelIdChars)]) {
    strictEqual(parseGeminiPath(geminiPathWithModel(g, m)!)?.model, m);
    strictEqual(parseVertexPath(vertexPathWithModel(v, m)!)?.model, m);
  }
});

Deno.test("model ids", () => {
  for (
    const ok of ["gemini-2.5-flash", "claude-sonnet-4-5@20250929", "a", "gemini-2.0-flash-001"]
  ) {
    strictEqual(isModelId(ok), true, ok);
  }
  for (const bad of ["", ".", "..", "-x", "a/b", "a:b", "a b", "a%2Fb", "x".repeat(257)]) {
    strictEqual(isModelId(bad), false, bad);
  }
});
