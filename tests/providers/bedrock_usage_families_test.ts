/**
 * Bedrock InvokeModel usage for every model family (issue 20 plan section 2.3): the answer's
 * `X-Amzn-Bedrock-*-Token-Count` headers (not streamed) and the last chunk's
 * `amazon-bedrock-invocationMetrics` (streamed). Bodies are the families' own shapes, as AWS's
 * model-parameter pages show them (Amazon Nova's Invoke API, Meta Llama, Mistral AI text
 * completion, Cohere Command R); none of them is Anthropic's, so their usage is the headers' or
 * the metrics'. Anthropic bodies keep their own usage; where the headers disagree the body wins,
 * the disagreement counted and named. Missing or malformed headers leave usage unknown, never 0.
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { invokeHeadersUsage } from "../../src/providers/bedrock_invoke_usage.ts";
import { bedrockInfo, bytesOf, chunkMessage, eventStreamType } from "./bedrock_fixtures.ts";
import { run, usageOf } from "./bedrock_matrix.ts";

const enc = new TextEncoder();

interface Family {
  name: string;
  modelId: string;
  /** The InvokeModel answer body. */
  body: unknown;
  /** The InvokeModelWithResponseStream chunks' events, the metrics on the last. */
  chunks: Record<string, unknown>[];
}

const metrics = (input: number, output: number) => ({
  "amazon-bedrock-invocationMetrics": {
    inputTokenCount: input,
    outputTokenCount: output,
    invocationLatency: 812,
    firstByteLatency: 240,
  },
});

const families: Family[] = [
  {
    name: "Amazon Nova",
    modelId: "us.amazon.nova-lite-v1:0",
    body: {
      output: {
        message: { role: "assistant", content: [{ text: "Machine learning is a field." }] },
      },
      stopReason: "end_turn",
      usage: {
        inputTokens: 7,
        outputTokens: 50,
        totalTokens: 57,
        cacheReadInputTokenCount: 0,
        cacheWriteInputTokenCount: 0,
      },
    },
    chunks: [
      { messageStart: { role: "assistant" } },
      { contentBlockDelta: { delta: { text: "Machine" }, contentBlockIndex: 0 } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: "end_turn" } },
      {
        metadata: { usage: { inputTokens: 7, outputTokens: 50 }, metrics: {}, trace: {} },
        ...metrics(7, 50),
      },
    ],
  },
  {
    name: "Meta Llama",
    modelId: "us.meta.llama3-3-70b-instruct-v1:0",
    body: {
      generation: "Machine learning is a field.",
      prompt_token_count: 7,
      generation_token_count: 50,
      stop_reason: "stop",
    },
    chunks: [
      {
        generation: "Machine",
        prompt_token_count: 7,
        generation_token_count: 1,
        stop_reason: null,
      },
      {
        generation: "",
        prompt_token_count: null,
        generation_token_count: 50,
        stop_reason: "stop",
        ...metrics(7, 50),
      },
    ],
  },
  {
    name: "Mistral AI",
    modelId: "mistral.mistral-large-2402-v1:0",
    body: { outputs: [{ text: "Machine learning is a field.", stop_reason: "stop" }] },
    chunks: [
      { outputs: [{ text: "Machine", stop_reason: null }] },
      { outputs: [{ text: " learning.", stop_reason: "stop" }], ...metrics(7, 50) },
    ],
  },
  {
    name: "Cohere Command R",
    modelId: "cohere.command-r-plus-v1:0",
    body: {
      response_id: "0a8b1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d",
      text: "Machine learning is a field.",
      generation_id: "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f",
      chat_history: [
        { role: "USER", message: "What is machine learning?" },
        { role: "CHATBOT", message: "Machine learning is a field." },
      ],
      finish_reason: "COMPLETE",
    },
    chunks: [
      { is_finished: false, event_type: "stream-start", generation_id: "5f6e7d8c" },
      { is_finished: false, event_type: "text-generation", text: "Machine" },
      {
        is_finished: true,
        event_type: "stream-end",
        finish_reason: "COMPLETE",
        response: { text: "Machine learning is a field.", finish_reason: "COMPLETE" },
        ...metrics(7, 50),
      },
    ],
  },
];

const tokenHeaders = (input: string, output: string, more: Record<string, string> = {}) =>
  new Headers({
    "x-amzn-bedrock-input-token-count": input,
    "x-amzn-bedrock-output-token-count": output,
    "x-amzn-bedrock-invocation-latency": "812",
    ...more,
  });

const path = (id: string, op: string) => `/model/${encodeURIComponent(id)}/${op}`;

for (const f of families) {
  Deno.test(`bedrock invoke, ${f.name}: usage from the token-count headers`, () => {
    const body = enc.encode(JSON.stringify(f.body));
    const info = bedrockInfo(path(f.modelId, "invoke"), "application/json", {
      headers: tokenHeaders("7", "50"),
    });
    deepStrictEqual(run(info, [body]), {
      model: f.modelId,
      usage: usageOf(7, 50),
      status: "exact",
      parseErrors: 0,
    });
    // Without the headers the family's body says nothing this reader trusts: unknown, not 0.
    const bare = run(bedrockInfo(path(f.modelId, "invoke"), "application/json"), [body]);
    strictEqual(bare.status, "unknown");
    strictEqual(bare.usage, null);
    // A body cut short: the answer is not whole, so its headers do not make it exact.
    const cut = run(info, [body.subarray(0, 10)], false);
    strictEqual(cut.status, "unknown");
  });

  Deno.test(`bedrock invoke stream, ${f.name}: usage from the invocation metrics`, () => {
    const info = bedrockInfo(path(f.modelId, "invoke-with-response-stream"), eventStreamType);
    const r = run(info, [bytesOf(f.chunks.map((e, i) => chunkMessage(e, i)))]);
    deepStrictEqual(r, {
      model: f.modelId,
      usage: usageOf(7, 50),
      status: "exact",
      parseErrors: 0,
    });
  });
}

Deno.test("bedrock invoke headers: cache counts add to the input; bad figures are unknown", () => {
  const table: [string, Headers | undefined, ReturnType<typeof usageOf> | null][] = [
    ["plain", tokenHeaders("7", "50"), usageOf(7, 50)],
    [
      "cache read and write (Nova with a cache point)",
      tokenHeaders("12", "5", {
        "x-amzn-bedrock-cache-read-input-token-count": "1500",
        "x-amzn-bedrock-cache-write-input-token-count": "300",
      }),
      usageOf(12 + 1500 + 300, 5, 1500, 300),
    ],
    ["no headers at all", undefined, null],
    ["no output count", new Headers({ "x-amzn-bedrock-input-token-count": "7" }), null],
    ["a negative count", tokenHeaders("-7", "50"), null],
    ["a fraction", tokenHeaders("7.5", "50"), null],
    ["not a number", tokenHeaders("seven", "50"), null],
    ["past a safe integer", tokenHeaders("1234567890123456", "50"), null],
    [
      "a malformed cache count",
      tokenHeaders("7", "50", { "x-amzn-bedrock-cache-read-input-token-count": "" }),
      null,
    ],
  ];
  for (const [name, headers, want] of table) {
    deepStrictEqual(invokeHeadersUsage(headers), want, name);
  }
});

const anthropicBody = enc.encode(JSON.stringify({
  id: "msg_bdrk_01",
  type: "message",
  role: "assistant",
  model: "claude-haiku-4-5-20251001",
  content: [{ type: "text", text: "Hi." }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: {
    input_tokens: 680,
    cache_creation_input_tokens: 200,
    cache_read_input_tokens: 1000,
    output_tokens: 38,
  },
}));
const haiku = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
const anthropicUsage = usageOf(680 + 1000 + 200, 38, 1000, 200);

Deno.test("bedrock invoke, Anthropic: the body's usage wins; a disagreement is counted and named", () => {
  const cache = {
    "x-amzn-bedrock-cache-read-input-token-count": "1000",
    "x-amzn-bedrock-cache-write-input-token-count": "200",
  };
  const table: [string, Headers | undefined, number, string | undefined][] = [
    ["no headers", undefined, 0, undefined],
    ["headers that agree", tokenHeaders("680", "38", cache), 0, undefined],
    ["malformed headers (ignored)", tokenHeaders("x", "38"), 0, undefined],
    [
      "headers that disagree",
      tokenHeaders("14", "36"),
      1,
      "bedrock_usage_reports_disagree",
    ],
  ];
  for (const [name, headers, parseErrors, anomaly] of table) {
    const info = bedrockInfo(path(haiku, "invoke"), "application/json", {
      ...(headers === undefined ? {} : { headers }),
    });
    const r = run(info, [anthropicBody]);
    strictEqual(r.status, "exact", name);
    deepStrictEqual(r.usage, anthropicUsage, name);
    strictEqual(r.parseErrors, parseErrors, name);
    strictEqual(r.usageAnomaly, anomaly, name);
  }
});

Deno.test("bedrock invoke: an error answer's headers are not usage", () => {
  const info = bedrockInfo(path(haiku, "invoke"), "application/json", {
    status: 400,
    headers: tokenHeaders("7", "50"),
  });
  const r = run(info, [enc.encode('{"message":"Malformed input request"}')]);
  strictEqual(r.usage, null);
  strictEqual(r.status, "none");
});
