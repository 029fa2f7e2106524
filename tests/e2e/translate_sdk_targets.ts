/**
 * The targets of the SDK matrix (translate_sdk_test.ts): four loopback upstreams speaking their
 * wire formats exactly, the routes to them, the usage each answers with (two turns of a tool
 * loop) as the trace counts it, their published prices, the model each refuses, and how a
 * target's requests read (the path, the second turn's call and result ids). The stubs and the
 * gateway in front of them: translate_sdk_gateway.ts.
 */
import { chatBusyMessage, chatBusyModel } from "../support/translate_chat_stub.ts";
import { anthropicBusyMessage, anthropicBusyModel } from "../support/translate_anthropic_stub.ts";
import { geminiBusyMessage, geminiBusyModel } from "../support/translate_gemini_stub.ts";
import { bedrockBusyMessage, bedrockBusyModel } from "../support/translate_bedrock_stub.ts";

// deno-lint-ignore no-explicit-any
export type Json = Record<string, any>;

export const args = { city: "Paris", unit: "celsius" };
export const answer = ["It is 18", " °C in Paris", " today."];

/** Usage as the trace counts it: every prompt token in `input`, reasoning inside `output`. */
export interface Canon {
  input: number;
  cached: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export type Protocol =
  | "openai.chat"
  | "anthropic.messages"
  | "gemini.generate"
  | "bedrock.converse";

export interface Target {
  route: string;
  provider: string;
  model: string;
  protocol: Protocol;
  /** The id the upstream gives its call (null: none, the gateway makes one). */
  callId: string | null;
  usage: [Canon, Canon];
  /** USD per token count, at the target's published prices. */
  cost(u: Canon): number;
  /** A route to a model the stub refuses (retried by no one), and what the refusal is. */
  busy: Busy;
}

export interface Busy {
  route: string;
  model: string;
  /** The upstream's own status and (a part of) its message, which the client must see. */
  status: number;
  message: string;
  /** `retry-after` seconds the upstream named (header or Gemini `RetryInfo`); null: none. */
  retryAfter: number | null;
}

export const chatUsage = [
  { prompt: 512, completion: 30, cached: 0 },
  { prompt: 560, completion: 11, cached: 512 },
];
export const anthropicUsage = [
  { input: 420, cacheRead: 0, cacheWrite: 1024, output: 52 },
  { input: 35, cacheRead: 1024, cacheWrite: 0, output: 14 },
];
export const geminiUsage = [
  { prompt: 312, cached: 0, candidates: 21, thoughts: 40 },
  { prompt: 377, cached: 256, candidates: 11, thoughts: 0 },
];
export const converseUsage = [
  { input: 380, cacheRead: 0, cacheWrite: 900, output: 47 },
  { input: 29, cacheRead: 900, cacheWrite: 0, output: 13 },
];
const fromAnthropic = (u: typeof anthropicUsage[number]): Canon => ({
  input: u.input + u.cacheRead + u.cacheWrite,
  cached: u.cacheRead,
  cacheWrite: u.cacheWrite,
  output: u.output,
  reasoning: 0,
});
const pair = <T>(xs: T[], f: (x: T) => Canon): [Canon, Canon] => [f(xs[0]!), f(xs[1]!)];

/** The config's price of the local model (USD per 1M tokens). */
export const localPrice = { input: 0.5, cached_input: 0.05, output: 2 };
const perMillion = (u: Canon, p: { input: number; cached: number; write: number; out: number }) =>
  ((u.input - u.cached - u.cacheWrite) * p.input + u.cached * p.cached + u.cacheWrite * p.write +
    u.output * p.out) / 1e6;

export const targets: Target[] = [
  {
    route: "local",
    provider: "vllm",
    model: "qwen3-coder-30b",
    protocol: "openai.chat",
    callId: "call_weather_0001",
    busy: {
      route: "local-busy",
      model: chatBusyModel,
      status: 503,
      message: chatBusyMessage,
      retryAfter: null,
    },
    usage: pair(chatUsage, (u) => ({
      input: u.prompt,
      cached: u.cached,
      cacheWrite: 0,
      output: u.completion,
      reasoning: 0,
    })),
    cost: (u) => perMillion(u, { input: 0.5, cached: 0.05, write: 0.5, out: localPrice.output }),
  },
  {
    route: "haiku",
    provider: "anthropic",
    model: "claude-haiku-4-5",
    protocol: "anthropic.messages",
    callId: "toolu_01WeatherCall0001",
    busy: {
      route: "haiku-busy",
      model: anthropicBusyModel,
      status: 529,
      message: anthropicBusyMessage,
      retryAfter: null,
    },
    usage: pair(anthropicUsage, fromAnthropic),
    // Anthropic's list prices: input 1, cache read 0.10, 5-minute write 1.25, output 5.
    cost: (u) => perMillion(u, { input: 1, cached: 0.1, write: 1.25, out: 5 }),
  },
  {
    route: "flash",
    provider: "gemini",
    model: "gemini-2.5-flash",
    protocol: "gemini.generate",
    callId: null,
    busy: {
      route: "flash-busy",
      model: geminiBusyModel,
      status: 503,
      message: geminiBusyMessage,
      retryAfter: null,
    },
    // Gemini's prompt count includes its cached part; thinking tokens are output.
    usage: pair(geminiUsage, (u) => ({
      input: u.prompt,
      cached: u.cached,
      cacheWrite: 0,
      output: u.candidates + u.thoughts,
      reasoning: u.thoughts,
    })),
    // Gemini API list prices: input 0.30, cached 0.03, output 2.50.
    cost: (u) => perMillion(u, { input: 0.3, cached: 0.03, write: 0.3, out: 2.5 }),
  },
  {
    route: "sonnet",
    provider: "bedrock",
    model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    protocol: "bedrock.converse",
    callId: "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
    busy: {
      route: "sonnet-busy",
      model: bedrockBusyModel,
      status: 503,
      message: bedrockBusyMessage,
      retryAfter: null,
    },
    usage: pair(converseUsage, fromAnthropic),
    // Claude Sonnet 4.5's list prices, plus AWS's 10% on a geographic (`us.`) profile.
    cost: (u) => 1.1 * perMillion(u, { input: 3, cached: 0.3, write: 3.75, out: 15 }),
  },
];

export function expectedTarget(t: Target, streaming: boolean): string {
  switch (t.protocol) {
    case "openai.chat":
      return "/v1/chat/completions";
    case "anthropic.messages":
      return "/v1/messages";
    case "gemini.generate":
      return streaming
        ? `/v1beta/models/${t.model}:streamGenerateContent?alt=sse`
        : `/v1beta/models/${t.model}:generateContent`;
    case "bedrock.converse":
      return `/model/${encodeURIComponent(t.model)}/${streaming ? "converse-stream" : "converse"}`;
  }
}

/** The second turn's call and result as the upstream got them: [call id, result id, result]. */
export function pairing(t: Target, body: Json): [unknown, unknown, string] {
  const all = (xs: Json[], key: string) => xs.flatMap((x) => (x[key] ?? []) as Json[]);
  switch (t.protocol) {
    case "openai.chat": {
      const call = all(body.messages, "tool_calls")[0];
      const result = (body.messages as Json[]).find((m) => m.role === "tool");
      return [call?.id, result?.tool_call_id, JSON.stringify(result?.content)];
    }
    case "anthropic.messages": {
      const blocks = all(body.messages, "content");
      const result = blocks.find((b) => b.type === "tool_result");
      return [
        blocks.find((b) => b.type === "tool_use")?.id,
        result?.tool_use_id,
        JSON.stringify(result?.content),
      ];
    }
    case "gemini.generate": {
      const parts = all(body.contents, "parts");
      const result = parts.find((p) => p.functionResponse)?.functionResponse;
      return [
        parts.find((p) => p.functionCall)?.functionCall.id,
        result?.id,
        JSON.stringify(result),
      ];
    }
    case "bedrock.converse": {
      const blocks = all(body.messages, "content");
      const result = blocks.find((b) => b.toolResult)?.toolResult;
      return [
        blocks.find((b) => b.toolUse)?.toolUse.toolUseId,
        result?.toolUseId,
        JSON.stringify(result?.content),
      ];
    }
  }
}
