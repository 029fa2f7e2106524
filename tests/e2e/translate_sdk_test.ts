/**
 * The official SDKs on routes whose target speaks another protocol (issue 21, "Done when"),
 * through one real `serve` (SQLite) over HTTP:
 *
 * - `openai` (`client.responses.create`, and the `responses.stream` helper, which checks the event
 *   sequence as it accumulates it) on a route to a Gemini target: a loopback Gemini API speaking
 *   `:generateContent` and `:streamGenerateContent?alt=sse` exactly, with the pool key;
 * - `@anthropic-ai/sdk` (`messages.create`, and the `messages.stream` helper) on a route to a
 *   Bedrock target: Converse and ConverseStream (AWS event stream), signed with the gateway's own
 *   `aws` credentials, which the stub verifies by recomputing the signature as AWS does.
 *
 * Each drives one tool loop (a function call, its result under the same id, the final text),
 * streamed and not, and checks what the upstream received (the target's model, the pool key or
 * signature, none of the client's credentials), what the SDK got, and the trace: the target's
 * provider and model, exact tokens, and the cost at the target's prices.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { freePort, poll, type ServerProcess, startServer } from "../support/process.ts";
import { type AwsKey, type SigV4Stub, startSigV4Stub } from "../support/sigv4_stub.ts";
import {
  type GeminiScript,
  type GeminiStub,
  startGeminiStub,
} from "../support/translate_gemini_stub.ts";
import { converseAnswerOf, type ConverseScript } from "../support/translate_bedrock_stub.ts";

// deno-lint-ignore no-explicit-any
type Json = Record<string, any>;

const geminiPoolKey = "AIzaSyTRANSLATE-e2e-pool-key-000000000";
const gatewayAws: AwsKey = {
  accessKeyId: "AKIATRANSLATEE2E0001",
  secretAccessKey: "translateE2eGatewaySecret/0123456789abcdefEXAMPLE",
  sessionToken: null,
};
const geminiModel = "gemini-2.5-flash";
/** Gemini API list prices (USD per 1M): input 0.30, cached 0.03, output (thinking included) 2.50. */
const geminiPrice = { input: 0.3, cached: 0.03, output: 2.5 };
const bedrockModel = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
/** Claude Sonnet 4.5 list prices, plus AWS's 10% on a geographic (`us.`) profile. */
const sonnetPrice = { input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15, geo: 1.1 };
const usd = (x: number) => Math.round(x * 1e10);

const geminiScript: GeminiScript = {
  key: geminiPoolKey,
  call: { id: null, name: "get_weather", args: { city: "Paris", unit: "celsius" } },
  answer: ["It is 18", " °C in Paris", " today."],
  usage: {
    tool: { prompt: 312, cached: 0, candidates: 21, thoughts: 40 },
    final: { prompt: 377, cached: 256, candidates: 11, thoughts: 0 },
  },
};

const converseScript: ConverseScript = {
  call: {
    id: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
    name: "get_weather",
    input: JSON.stringify({ city: "Paris", unit: "celsius" }),
    pieces: 3,
  },
  answer: ["It is 18", " °C in Paris", " today."],
  usage: {
    tool: { input: 420, cacheRead: 0, cacheWrite: 1024, output: 52 },
    final: { input: 35, cacheRead: 1024, cacheWrite: 0, output: 14 },
  },
};

interface Gateway {
  origin: string;
  gemini: GeminiStub;
  bedrock: SigV4Stub;
  /** Traces already read by earlier tests. */
  seenTraces: Set<string>;
  close(): Promise<void>;
}

async function startGateway(): Promise<Gateway> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-translate-sdk-" }));
  const gemini = await startGeminiStub(geminiScript);
  const bedrock = startSigV4Stub({
    keys: [gatewayAws],
    region: "us-east-1",
    answer: (req) => converseAnswerOf(converseScript, req),
  });
  const port = freePort();
  await Deno.writeTextFile(
    join(dir, "gateway.config.ts"),
    `import { defineConfig, env } from "ongoingai";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/gateway.db" },
  tracing: { flush_interval_ms: 10 },
  providers: {
    openai: { upstream: "${gemini.url}" },
    anthropic: { upstream: "${bedrock.url}" },
    gemini: {
      kind: "gemini",
      upstream: "${gemini.url}",
      keys: [{ id: "g1", key: env("GEMINI_POOL_KEY") }],
    },
    bedrock: {
      kind: "bedrock",
      upstream: "${bedrock.url}",
      aws: {
        region: "us-east-1",
        access_key_id: env("GW_AWS_ACCESS_KEY_ID"),
        secret_access_key: env("GW_AWS_SECRET_ACCESS_KEY"),
      },
    },
  },
  routes: {
    "gemini-flash": { targets: [{ provider: "gemini", model: "${geminiModel}" }] },
    "bedrock-sonnet": { targets: [{ provider: "bedrock", model: "${bedrockModel}" }] },
  },
});
`,
  );
  let server: ServerProcess;
  try {
    server = await startServer([], {
      cwd: dir,
      port,
      env: {
        GEMINI_POOL_KEY: geminiPoolKey,
        GW_AWS_ACCESS_KEY_ID: gatewayAws.accessKeyId,
        GW_AWS_SECRET_ACCESS_KEY: gatewayAws.secretAccessKey,
      },
    });
  } catch (err) {
    await gemini.close();
    await bedrock.close();
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
  return {
    origin: server.origin,
    gemini,
    bedrock,
    seenTraces: new Set(),
    async close() {
      await server.kill();
      await gemini.close();
      await bedrock.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** The `n` traces written since the last call, oldest first. */
async function newTraces(gw: Gateway, n: number): Promise<Json[]> {
  const fresh = await poll(`${n} new trace(s)`, async () => {
    const page = await (await fetch(`${gw.origin}/api/traces?limit=200`)).json() as Json;
    const items = (page.items as Json[]).filter((t) => !gw.seenTraces.has(t.id));
    return items.length >= n ? items : undefined;
  });
  assert.equal(fresh.length, n, "one trace per request");
  for (const t of fresh) gw.seenTraces.add(t.id);
  return fresh.reverse();
}

function tokens(t: Json): number[] {
  return ["input", "cached_input", "cache_write", "output", "reasoning"].map((n) =>
    t[`${n}_tokens`]
  );
}

const weatherTool = {
  type: "function" as const,
  name: "get_weather",
  description: "The weather in a city today.",
  parameters: {
    type: "object",
    properties: {
      city: { type: "string" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["city", "unit"],
    additionalProperties: false,
  },
  strict: true,
};

function geminiTurnChecks(t: Json, u: GeminiScript["usage"]["tool"], streaming: boolean): void {
  assert.deepStrictEqual(
    [t.provider, t.model, t.request_path, t.response_status, t.streaming, t.usage_status],
    ["gemini", geminiModel, "/openai/v1/responses", 200, streaming, "exact"],
  );
  // Gemini's prompt count includes its cached part; thinking tokens are billed as output.
  assert.deepStrictEqual(tokens(t), [u.prompt, u.cached, 0, u.candidates + u.thoughts, u.thoughts]);
  const cost = ((u.prompt - u.cached) * geminiPrice.input + u.cached * geminiPrice.cached +
    (u.candidates + u.thoughts) * geminiPrice.output) / 1e6;
  assert.equal(t.cost_status, "priced");
  assert.equal(usd(t.estimated_cost_usd), usd(cost));
}

/** What Gemini received for the second turn: the call and its result, paired by one id. */
function geminiSecondTurn(body: Json, callId: string): void {
  const parts = (body.contents as Json[]).flatMap((c) => c.parts as Json[]);
  const call = parts.find((p) => p.functionCall)?.functionCall;
  const result = parts.find((p) => p.functionResponse)?.functionResponse;
  assert.deepStrictEqual([call?.name, call?.args], ["get_weather", geminiScript.call.args]);
  assert.equal(result?.name, "get_weather");
  // The id Gemini did not give is the gateway's, the same on the call and on its result.
  assert.equal(call?.id, callId);
  assert.equal(result?.id, callId);
  assert.match(JSON.stringify(result?.response), /18 °C/);
}

function openaiClient(gw: Gateway): OpenAI {
  return new OpenAI({
    apiKey: "sk-proj-client-own-key-never-forwarded-0000",
    baseURL: `${gw.origin}/openai/v1`,
    maxRetries: 0,
  });
}

/** The OpenAI Responses SDK on the Gemini route: a tool loop. */
async function responsesOnGemini(gw: Gateway, streaming: boolean): Promise<void> {
  const before = gw.gemini.seen.length;
  const client = openaiClient(gw);
  const input: OpenAI.Responses.ResponseInput = [
    { role: "user", content: "What is the weather in Paris?" },
  ];
  const ask = { model: "gemini-flash", input, tools: [weatherTool] };
  const first = streaming
    ? await client.responses.stream(ask).finalResponse()
    : await client.responses.create(ask);
  const call = first.output.find((o) => o.type === "function_call");
  assert.ok(call?.type === "function_call", JSON.stringify(first.output));
  assert.equal(call.name, "get_weather");
  assert.deepStrictEqual(JSON.parse(call.arguments), geminiScript.call.args);
  const g1 = geminiScript.usage.tool;
  assert.deepStrictEqual(
    [
      first.usage?.input_tokens,
      first.usage?.output_tokens,
      first.usage?.output_tokens_details.reasoning_tokens,
    ],
    [g1.prompt, g1.candidates + g1.thoughts, g1.thoughts],
  );
  const next = {
    ...ask,
    input: [
      ...input,
      call,
      { type: "function_call_output" as const, call_id: call.call_id, output: "18 °C, sunny" },
    ],
  };
  const second = streaming
    ? await client.responses.stream(next).finalResponse()
    : await client.responses.create(next);
  assert.equal(second.output_text, geminiScript.answer.join(""));
  assert.equal(second.status, "completed");

  const seen = gw.gemini.seen.slice(before);
  const method = streaming ? "streamGenerateContent" : "generateContent";
  assert.deepStrictEqual(seen.map((q) => `${q.path}${q.search}`), [
    `/v1beta/models/${geminiModel}:${method}${streaming ? "?alt=sse" : ""}`,
    `/v1beta/models/${geminiModel}:${method}${streaming ? "?alt=sse" : ""}`,
  ]);
  for (const q of seen) {
    assert.equal(q.headers.get("x-goog-api-key"), geminiPoolKey);
    assert.equal(q.headers.get("authorization"), null);
  }
  geminiSecondTurn(seen[1]!.body, call.call_id);

  const [t1, t2] = await newTraces(gw, 2);
  geminiTurnChecks(t1!, geminiScript.usage.tool, streaming);
  geminiTurnChecks(t2!, geminiScript.usage.final, streaming);
}

function bedrockTurnChecks(t: Json, u: ConverseScript["usage"]["tool"], streaming: boolean) {
  assert.deepStrictEqual(
    [t.provider, t.model, t.request_path, t.response_status, t.streaming, t.usage_status],
    ["bedrock", bedrockModel, "/anthropic/v1/messages", 200, streaming, "exact"],
  );
  const input = u.input + u.cacheRead + u.cacheWrite;
  assert.deepStrictEqual(tokens(t), [input, u.cacheRead, u.cacheWrite, u.output, 0]);
  const p = sonnetPrice;
  const cost = (u.input * p.input + u.cacheRead * p.cacheRead + u.cacheWrite * p.cacheWrite +
    u.output * p.output) * p.geo / 1e6;
  assert.equal(t.cost_status, "priced");
  assert.equal(usd(t.estimated_cost_usd), usd(cost));
}

/** The Anthropic SDK on the Bedrock route: a tool loop. */
async function messagesOnBedrock(gw: Gateway, streaming: boolean): Promise<void> {
  const before = gw.bedrock.seen.length;
  const client = new Anthropic({
    apiKey: "sk-ant-api03-client-own-key-never-forwarded-000000",
    baseURL: `${gw.origin}/anthropic`,
    maxRetries: 0,
  });
  const messages: Anthropic.MessageParam[] = [
    { role: "user", content: "What is the weather in Paris?" },
  ];
  const tools: Anthropic.Tool[] = [{
    name: "get_weather",
    description: weatherTool.description,
    input_schema: { ...weatherTool.parameters, type: "object" },
  }];
  const ask = { model: "bedrock-sonnet", max_tokens: 512, messages, tools };
  const first = streaming
    ? await client.messages.stream(ask).finalMessage()
    : await client.messages.create(ask);
  assert.equal(first.stop_reason, "tool_use");
  const use = first.content.find((b) => b.type === "tool_use");
  assert.ok(use?.type === "tool_use", JSON.stringify(first.content));
  assert.deepStrictEqual(
    [use.id, use.name, use.input],
    [converseScript.call.id, "get_weather", JSON.parse(converseScript.call.input)],
  );
  const c1 = converseScript.usage.tool;
  assert.deepStrictEqual(
    [
      first.usage.input_tokens,
      first.usage.cache_read_input_tokens,
      first.usage.cache_creation_input_tokens,
      first.usage.output_tokens,
    ],
    [c1.input, c1.cacheRead, c1.cacheWrite, c1.output],
  );
  const next = {
    ...ask,
    messages: [
      ...messages,
      { role: "assistant" as const, content: first.content },
      {
        role: "user" as const,
        content: [{ type: "tool_result" as const, tool_use_id: use.id, content: "18 °C, sunny" }],
      },
    ],
  };
  const second = streaming
    ? await client.messages.stream(next).finalMessage()
    : await client.messages.create(next);
  assert.equal(second.stop_reason, "end_turn");
  assert.deepStrictEqual(
    second.content.map((b) => b.type === "text" ? b.text : b.type),
    [converseScript.answer.join("")],
  );

  const seen = gw.bedrock.seen.slice(before);
  const op = streaming ? "converse-stream" : "converse";
  assert.deepStrictEqual(
    seen.map((q) => [q.path, q.verdict.ok]),
    [[`/model/${encodeURIComponent(bedrockModel)}/${op}`, true], [
      `/model/${encodeURIComponent(bedrockModel)}/${op}`,
      true,
    ]],
  );
  for (const q of seen) {
    assert.equal(q.headers.get("x-api-key"), null);
    assert.equal(q.headers.get("anthropic-version"), null);
  }
  const body = JSON.parse(new TextDecoder().decode(seen[1]!.body)) as Json;
  const blocks = (body.messages as Json[]).flatMap((m) => m.content as Json[]);
  const toolUse = blocks.find((b) => b.toolUse)?.toolUse;
  const toolResult = blocks.find((b) => b.toolResult)?.toolResult;
  assert.equal(toolUse?.toolUseId, converseScript.call.id);
  assert.equal(toolResult?.toolUseId, converseScript.call.id);
  assert.match(JSON.stringify(toolResult?.content), /18 °C, sunny/);

  const [t1, t2] = await newTraces(gw, 2);
  bedrockTurnChecks(t1!, converseScript.usage.tool, streaming);
  bedrockTurnChecks(t2!, converseScript.usage.final, streaming);
}

Deno.test("e2e translate: the OpenAI Responses SDK on a Gemini target and the Anthropic SDK on a Bedrock Converse target (SigV4 verified), a tool loop each, streamed and not", async (t) => {
  const gw = await startGateway();
  try {
    for (const streaming of [false, true]) {
      const how = streaming ? "streamed" : "not streamed";
      await t.step(
        `responses.${streaming ? "stream" : "create"} on gemini-flash (${how})`,
        () => responsesOnGemini(gw, streaming),
      );
    }
    for (const streaming of [false, true]) {
      const how = streaming ? "streamed" : "not streamed";
      await t.step(
        `messages.${streaming ? "stream" : "create"} on bedrock-sonnet (${how})`,
        () => messagesOnBedrock(gw, streaming),
      );
    }
  } finally {
    await gw.close();
  }
});
