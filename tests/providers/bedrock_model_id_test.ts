/**
 * Bedrock's model id from the path: decoding as the SDKs encode it (smithy
 * `extendedEncodeURIComponent`), price keys with their scope, ARNs, the encoded-slash rule, the
 * path rebuilt for another model, and hostile segments refused with a reason.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  bedrockAllowsEncodedSlash,
  bedrockModelId,
  bedrockPriceKey,
  encodeModelId,
  maxModelIdChars,
  parseBedrockPath,
  withBedrockModel,
} from "../../src/providers/bedrock_model_id.ts";
import type { PriceKey } from "../../src/providers/types.ts";
import { prepareBedrockRequest } from "../../src/providers/bedrock_request.ts";

Deno.test("parse: operations, base path and query; the id decoded, the segment kept", () => {
  const cases: [string, Record<string, string> | null][] = [
    ["/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse", {
      base: "",
      encodedId: "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0",
      modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      operation: "converse",
      query: "",
    }],
    ["/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream?x=1", {
      base: "/bedrock",
      encodedId: "anthropic.claude-3-haiku-20240307-v1%3A0",
      modelId: "anthropic.claude-3-haiku-20240307-v1:0",
      operation: "invoke-with-response-stream",
      query: "?x=1",
    }],
    ["/model/global.anthropic.claude-opus-4-8/converse-stream/", {
      base: "",
      encodedId: "global.anthropic.claude-opus-4-8",
      modelId: "global.anthropic.claude-opus-4-8",
      operation: "converse-stream",
      query: "",
    }],
    [
      "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123/invoke",
      {
        base: "",
        encodedId:
          "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123",
        modelId: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
        operation: "invoke",
        query: "",
      },
    ],
    ["/model/amazon.nova-pro-v1:0/count-tokens", {
      base: "",
      encodedId: "amazon.nova-pro-v1:0",
      modelId: "amazon.nova-pro-v1:0",
      operation: "count-tokens",
      query: "",
    }],
    ["/model/x/unknown-op", null],
    ["/models/x/converse", null],
    ["/model/converse", null],
    ["/async-invoke", null],
    ["/guardrail/abc/version/1/apply", null],
    ["", null],
    ["/", null],
  ];
  for (const [path, expected] of cases) {
    const r = parseBedrockPath(path);
    if (expected === null) deepStrictEqual(r, { ok: false, reason: "not_a_model_path" }, path);
    else deepStrictEqual(r, { ok: true, value: expected }, path);
  }
});

Deno.test("parse: hostile ids are refused with what was wrong", () => {
  const cases: [string, RegExp][] = [
    ["/model//converse", /empty/],
    ["/model/%E0%A4%A/converse", /percent-encoding/],
    ["/model/%ZZ/converse", /percent-encoding/],
    ["/model/us.anthropic.claude%00/converse", /characters/],
    ["/model/claude%0Ax/converse", /characters/],
    ["/model/%C3%A9t%C3%A9/converse", /characters/],
    ["/model/anthropic%2520x/converse", /characters/],
    ["/model/..%2Fadmin/converse", /only an ARN/],
    ["/model/%2E%2E/converse", /dot segment/],
    ["/model/a%2Fb/converse", /only an ARN/],
    [`/model/${"a".repeat(maxModelIdChars + 1)}/converse`, /past 2048/],
    [`/model/${"%41".repeat(3000)}/converse`, /past 6144/],
  ];
  for (const [path, wording] of cases) {
    const r = parseBedrockPath(path);
    ok(!r.ok && r.reason === "bad_model_id", path);
    ok(wording.test(r.detail), `${path}: ${r.detail}`);
  }
});

Deno.test("price keys: profile prefixes give the scope; provider and version suffixes go", () => {
  const cases: [string, PriceKey, string | null][] = [
    [
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      { model: "claude-sonnet-4-5", scope: "geo" },
      "anthropic",
    ],
    [
      "global.anthropic.claude-opus-4-8",
      { model: "claude-opus-4-8", scope: "global" },
      "anthropic",
    ],
    [
      "anthropic.claude-3-haiku-20240307-v1:0",
      { model: "claude-3-haiku", scope: "in_region" },
      "anthropic",
    ],
    [
      "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
      { model: "claude-haiku-4-5", scope: "geo" },
      "anthropic",
    ],
    [
      "apac.anthropic.claude-sonnet-4-20250514-v1:0",
      { model: "claude-sonnet-4", scope: "geo" },
      "anthropic",
    ],
    [
      "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
      { model: "claude-sonnet-4-5", scope: "geo" },
      "anthropic",
    ],
    [
      "au.anthropic.claude-sonnet-4-5-20250929-v1:0",
      { model: "claude-sonnet-4-5", scope: "geo" },
      "anthropic",
    ],
    ["us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0", {
      model: "claude-3-5-sonnet",
      scope: "geo",
    }, "anthropic"],
    [
      "ca.anthropic.claude-sonnet-4-5-20250929-v1:0",
      { model: "claude-sonnet-4-5", scope: "geo" },
      "anthropic",
    ],
    ["us.anthropic.claude-opus-4-6-v1", { model: "claude-opus-4-6", scope: "geo" }, "anthropic"],
    ["US.Anthropic.Claude-Sonnet-5", { model: "claude-sonnet-5", scope: "geo" }, "anthropic"],
    ["anthropic.claude-v2:1", { model: "claude-v2", scope: "in_region" }, "anthropic"],
    ["anthropic.claude-3-sonnet-20240229-v1:0:28k", {
      model: "claude-3-sonnet",
      scope: "in_region",
    }, "anthropic"],
    ["amazon.nova-pro-v1:0", { model: "nova-pro", scope: "in_region" }, "amazon"],
    [
      "us.meta.llama3-1-70b-instruct-v1:0",
      { model: "llama3-1-70b-instruct", scope: "geo" },
      "meta",
    ],
    [
      "mistral.mistral-large-2407-v1:0",
      { model: "mistral-large-2407", scope: "in_region" },
      "mistral",
    ],
    ["openai.gpt-5.6", { model: "gpt-5.6", scope: "in_region" }, "openai"],
    ["deepseek.r1-v1:0", { model: "r1", scope: "in_region" }, "deepseek"],
    // Not a provider this code knows: nothing stripped but the version.
    ["acme.model-x-v1:0", { model: "acme.model-x", scope: "in_region" }, null],
    // ARNs that name a model or system profile are read through.
    [
      "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
      { model: "claude-3-haiku", scope: "in_region" },
      "anthropic",
    ],
    [
      "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      { model: "claude-sonnet-4-5", scope: "geo" },
      "anthropic",
    ],
  ];
  for (const [id, key, provider] of cases) {
    deepStrictEqual(bedrockPriceKey(id), key, id);
    strictEqual(bedrockModelId(id).provider, provider, id);
  }
});

Deno.test("price keys: opaque ARNs are their own key with no scope (unpriced unless mapped)", () => {
  for (
    const arn of [
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123",
      "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/xyz",
      "arn:aws:bedrock:us-east-1:123456789012:custom-model/anthropic.claude-v2/abc",
      "arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1",
      "arn:aws:bedrock",
    ]
  ) {
    deepStrictEqual(bedrockPriceKey(arn), { model: arn, scope: null }, arn);
    strictEqual(bedrockModelId(arn).provider, null);
  }
});

Deno.test("encoded slash: allowed only inside an ARN model id", () => {
  const arn =
    "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc/converse";
  strictEqual(bedrockAllowsEncodedSlash(arn), true);
  strictEqual(bedrockAllowsEncodedSlash(arn.replace("%2F", "%2f")), true);
  strictEqual(bedrockAllowsEncodedSlash("/x%2Fy" + arn), false);
  strictEqual(bedrockAllowsEncodedSlash(arn + "?a=%2F"), false);
  strictEqual(bedrockAllowsEncodedSlash("/model/a%2Fb/converse"), false);
  strictEqual(bedrockAllowsEncodedSlash("/model/us.anthropic.x/converse"), false);
  strictEqual(bedrockAllowsEncodedSlash("/guardrail/a%2Fb/apply"), false);
});

Deno.test("withModel: the id segment replaced and encoded as the SDK does; the rest kept", () => {
  const body = new TextEncoder().encode('{"messages":[]}');
  const cases: [string, string, string][] = [
    [
      "/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream",
      "global.anthropic.claude-opus-4-8",
      "/model/global.anthropic.claude-opus-4-8/converse-stream",
    ],
    [
      "/bedrock/model/x/invoke?trace=1",
      "anthropic.claude-3-haiku-20240307-v1:0",
      "/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke?trace=1",
    ],
    [
      "/model/x/converse",
      "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc",
      "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc/converse",
    ],
    ["/guardrail/g/apply", "anything", "/guardrail/g/apply"],
  ];
  for (const [path, model, expected] of cases) {
    const out = withBedrockModel({ path, body }, model);
    strictEqual(out.path, expected);
    strictEqual(out.body, body);
    const parsed = parseBedrockPath(out.path);
    if (parsed.ok) strictEqual(parsed.value.modelId, model);
  }
  strictEqual(encodeModelId("a!b'c(d)e*f"), "a%21b%27c%28d%29e%2Af");
});

Deno.test("prepareRequest: model from the path, streaming from the operation, the cap from the body", () => {
  const enc = new TextEncoder();
  const converse = enc.encode('{"messages":[],"inferenceConfig":{"maxTokens":512}}');
  const invoke = enc.encode(
    '{"anthropic_version":"bedrock-2023-05-31","max_tokens":300,"messages":[]}',
  );
  const cases: [string, Uint8Array<ArrayBuffer>, Record<string, unknown>][] = [
    ["/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse-stream", converse, {
      model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      streaming: true,
      maxTokens: 512,
    }],
    ["/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse", converse, {
      model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      streaming: false,
      maxTokens: 512,
    }],
    ["/model/global.anthropic.claude-opus-4-8/invoke-with-response-stream", invoke, {
      model: "global.anthropic.claude-opus-4-8",
      streaming: true,
      maxTokens: 300,
    }],
    ["/model/global.anthropic.claude-opus-4-8/invoke", invoke, {
      model: "global.anthropic.claude-opus-4-8",
      streaming: false,
      maxTokens: 300,
    }],
    ["/model/%ZZ/converse", converse, { model: null, streaming: false, maxTokens: null }],
  ];
  for (const [path, body, expected] of cases) {
    const r = prepareBedrockRequest({
      method: "POST",
      path,
      contentType: "application/json",
      body,
      streamUsage: true,
    });
    deepStrictEqual(
      { model: r.model, streaming: r.streaming, maxTokens: r.maxTokens },
      expected,
      path,
    );
    strictEqual(r.body, body);
    strictEqual(r.hideUsageEvent, false);
    strictEqual(r.modelIn, "path");
  }
});
