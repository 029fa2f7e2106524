/**
 * The `bedrock` adapter's hooks over the Bedrock core, one table each: what `prepareRequest`
 * reads from the path and body, the stream kind of an answer, the pool-key header, the model
 * placed in the path (percent-encoded as the AWS SDKs do), `%2F` only inside an ARN id, the
 * OpenTelemetry operation, the price key, error facts from `x-amzn-errortype`, which answers get a
 * commit scanner, and which paths are refused before sending. Plus the registry and config.
 */
import { deepStrictEqual, notStrictEqual, strictEqual } from "node:assert/strict";
import { bedrockAdapter } from "../../src/providers/bedrock.ts";
import { defaultUpstreamOf, providerAdapters } from "../../src/providers/mod.ts";
import type { PreparedRequest, PriceKey, ResponseInfo } from "../../src/providers/types.ts";
import { configOf, loadFrom } from "../config/temp_files.ts";

const enc = new TextEncoder();
const sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const sonnetPath = "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0";
const arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123";
const arnPath = encodeURIComponent(arn);

Deno.test("bedrock adapter: prepareRequest, table", () => {
  const cases: [string, string, unknown, Partial<PreparedRequest>][] = [
    [
      "converse: model from the path, maxTokens from inferenceConfig",
      `/model/${sonnetPath}/converse`,
      { messages: [], inferenceConfig: { maxTokens: 512 } },
      { model: sonnet, streaming: false, maxTokens: 512, modelIn: "path" },
    ],
    [
      "converse-stream streams",
      `/model/${sonnetPath}/converse-stream`,
      { messages: [], inferenceConfig: { maxTokens: 64 } },
      { model: sonnet, streaming: true, maxTokens: 64 },
    ],
    [
      "invoke: an Anthropic body's max_tokens",
      "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke",
      { anthropic_version: "bedrock-2023-05-31", max_tokens: 300, messages: [] },
      { model: "anthropic.claude-3-haiku-20240307-v1:0", streaming: false, maxTokens: 300 },
    ],
    [
      "invoke-with-response-stream streams; max_tokens of Converse is not read there",
      "/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream",
      { inferenceConfig: { maxTokens: 5 } },
      { streaming: true, maxTokens: null },
    ],
    ["an ARN id, decoded", `/model/${arnPath}/converse`, {}, { model: arn }],
    ["not a model path", "/async-invoke", {}, { model: null, streaming: false, maxTokens: null }],
  ];
  for (const [name, path, body, want] of cases) {
    const got = bedrockAdapter.prepareRequest({
      method: "POST",
      path,
      contentType: "application/json",
      body: enc.encode(JSON.stringify(body)),
      streamUsage: true,
    });
    for (const [k, v] of Object.entries(want)) {
      deepStrictEqual(got[k as keyof PreparedRequest], v, `${name}: ${k}`);
    }
    strictEqual(got.hideUsageEvent, false, name);
  }
});

const info = (path: string, contentType: string | null, more: Partial<ResponseInfo> = {}) => ({
  path,
  method: "POST",
  status: 200,
  contentType,
  requestedStreaming: false,
  requestModel: null,
  ...more,
});

Deno.test("bedrock adapter: streamKind and createCommitScanner, table", () => {
  const es = "application/vnd.amazon.eventstream";
  const cases: [string, ResponseInfo, "sse" | "aws-eventstream" | null, boolean][] = [
    ["converse-stream", info(`/model/${sonnetPath}/converse-stream`, es), "aws-eventstream", true],
    ["invoke stream", info("/model/m/invoke-with-response-stream", es), "aws-eventstream", true],
    ["converse JSON", info(`/model/${sonnetPath}/converse`, "application/json"), null, false],
    [
      "a stream path without a content type",
      info("/model/m/converse-stream", null),
      "aws-eventstream",
      true,
    ],
    [
      "an error answer",
      info("/model/m/converse-stream", "application/json", { status: 429 }),
      null,
      false,
    ],
    ["a GET", info("/model/m/converse-stream", es, { method: "GET" }), "aws-eventstream", false],
    [
      "event stream on converse (not a stream op)",
      info("/model/m/converse", es),
      "aws-eventstream",
      false,
    ],
  ];
  for (const [name, i, kind, scanner] of cases) {
    strictEqual(bedrockAdapter.streamKind(i), kind, name);
    const s = bedrockAdapter.createCommitScanner!(i, { mode: "first_content", maxHeldBytes: 1024 });
    strictEqual(s !== null, scanner, name);
    if (s !== null) strictEqual(s.framing, "aws-eventstream", name);
  }
});

Deno.test("bedrock adapter: keyHeader is a Bearer API key", () => {
  deepStrictEqual(bedrockAdapter.keyHeader("ABSKQmVkcm9jaw"), [
    "authorization",
    "Bearer ABSKQmVkcm9jaw",
  ]);
});

Deno.test("bedrock adapter: withModel rewrites the path's id, encoded as the AWS SDKs do", () => {
  const body = enc.encode("{}");
  const cases: [string, string, string][] = [
    [
      `/model/${sonnetPath}/converse`,
      "global.anthropic.claude-opus-4-8",
      "/model/global.anthropic.claude-opus-4-8/converse",
    ],
    [
      "/model/m/converse-stream?x=1",
      "anthropic.claude-3-haiku-20240307-v1:0",
      "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream?x=1",
    ],
    ["/model/m/invoke", arn, `/model/${arnPath}/invoke`],
    ["/async-invoke", "m2", "/async-invoke"],
  ];
  for (const [path, model, want] of cases) {
    const got = bedrockAdapter.withModel!({ path, body }, model);
    strictEqual(got.path, want, path);
    strictEqual(got.body, body, `${path}: the body names no model`);
  }
});

Deno.test("bedrock adapter: %2F only inside an ARN model id", () => {
  const cases: [string, boolean][] = [
    [`/model/${arnPath}/converse`, true],
    [`/model/${sonnetPath}%2Fx/converse`, false],
    [`/a%2Fb/model/${arnPath}/converse`, false],
    ["/guardrail/x%2Fy", false],
  ];
  for (const [path, want] of cases) {
    strictEqual(bedrockAdapter.allowsEncodedSlash!(path), want, path);
  }
});

Deno.test("bedrock adapter: operationOf, priceKeyOf and pathProblem, tables", () => {
  const ops: [string, string | null][] = [
    [`/model/${sonnetPath}/converse`, "chat"],
    [`/model/${sonnetPath}/converse-stream`, "chat"],
    ["/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke", "chat"],
    ["/model/amazon.titan-embed-text-v2%3A0/invoke", "embeddings"],
    ["/model/cohere.embed-english-v3/invoke", "embeddings"],
    [`/model/${sonnetPath}/count-tokens`, null],
    ["/async-invoke", null],
  ];
  for (const [path, op] of ops) strictEqual(bedrockAdapter.operationOf!(path), op, path);
  const keys: [string, PriceKey][] = [
    [sonnet, { model: "claude-sonnet-4-5", scope: "geo" }],
    ["global.anthropic.claude-opus-4-8", { model: "claude-opus-4-8", scope: "global" }],
    ["anthropic.claude-3-haiku-20240307-v1:0", { model: "claude-3-haiku", scope: "in_region" }],
    [arn, { model: arn, scope: null }],
  ];
  for (const [id, key] of keys) deepStrictEqual(bedrockAdapter.priceKeyOf!(id), key, id);
  strictEqual(bedrockAdapter.pathProblem!(`/model/${sonnetPath}/converse`), null);
  strictEqual(bedrockAdapter.pathProblem!("/async-invoke"), null);
  notStrictEqual(bedrockAdapter.pathProblem!("/model/a%2Fb/converse"), null);
  notStrictEqual(bedrockAdapter.pathProblem!("/model/%ZZ/converse"), null);
});

Deno.test("bedrock adapter: errorFacts read x-amzn-errortype", () => {
  const headers = new Headers({
    "x-amzn-errortype": "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
  });
  deepStrictEqual(
    bedrockAdapter.errorFacts!(
      400,
      '{"message":"Input is too long for requested model."}',
      headers,
    ),
    { category: "context_length", message: "Input is too long for requested model." },
  );
  strictEqual(bedrockAdapter.errorFacts!(429, "{}").category, "rate_limited");
});

Deno.test("bedrock kind: registered, served, its default upstream", () => {
  strictEqual(providerAdapters.bedrock, bedrockAdapter);
  strictEqual(defaultUpstreamOf("bedrock"), "https://bedrock-runtime.us-east-1.amazonaws.com");
  strictEqual(
    defaultUpstreamOf("bedrock", "eu-west-3"),
    "https://bedrock-runtime.eu-west-3.amazonaws.com",
  );
  strictEqual(defaultUpstreamOf("openai-compatible", "eu-west-3"), undefined);
});

Deno.test("bedrock kind: config accepts it without an upstream; aws.region picks the endpoint", async () => {
  const plain = "providers:\n  bedrock:\n    kind: bedrock\n";
  const config = configOf(await loadFrom({ "ongoingai.yaml": plain }));
  const p = config.providers.find((p) => p.id === "bedrock")!;
  strictEqual(p.prefix, "/bedrock");
  strictEqual(p.upstream, "https://bedrock-runtime.us-east-1.amazonaws.com");
  // Loopback: the gateway's own credentials serve only there or in team mode.
  const regional = "server: { host: 127.0.0.1 }\n" + plain +
    "    aws:\n      region: eu-central-1\n" +
    "      access_key_id: { env: AKID }\n      secret_access_key: { env: SECRET }\n";
  // Set: the gateway's own credentials must resolve (`check` refuses unset ones).
  const env = { AKID: "AKIAEXAMPLE000000001", SECRET: "secret/EXAMPLE+key0123456789abcdefghij" };
  const files = await loadFrom({ "ongoingai.yaml": regional }, { env });
  const r = configOf(files).providers.find((p) => p.id === "bedrock")!;
  strictEqual(r.upstream, "https://bedrock-runtime.eu-central-1.amazonaws.com");
});
