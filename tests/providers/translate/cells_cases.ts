/**
 * The conformance cases (plan section 9): each case's client request in the three client
 * protocols (absent where the protocol cannot say it), and the upstream's answer it gets, described
 * once (cells_wire.ts writes it in each provider's format) or an upstream error.
 */
import type { Answer } from "./cells_wire.ts";
import { mediaCases, small } from "./cells_cases_media.ts";

export type ClientId = "openai.chat" | "openai.responses" | "anthropic.messages";
export const clientIds: readonly ClientId[] = [
  "openai.chat",
  "openai.responses",
  "anthropic.messages",
];

type Obj = Record<string, unknown>;

/** An upstream error as the provider sends it, per upstream protocol: status, headers, body. */
export interface UpstreamErrorWire {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface Case {
  requests: Partial<Record<ClientId, Obj>>;
  /** Why a client protocol has no request for this case (the matrix says so). */
  inexpressible?: Partial<Record<ClientId, string>>;
  /** `stream_golden`: the codec tests' recorded stream of the upstream's protocol. */
  answer: Answer | ErrorCase | "stream_overloaded" | "stream_golden";
}

export type ErrorCase = "error_429" | "error_overloaded" | "error_5xx";

const weather = {
  name: "get_weather",
  description: "Current weather in a city",
  schema: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
};
const time = {
  name: "get_time",
  description: "Local time in a city",
  schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

const chatTools = [weather, time].map((t) => ({
  type: "function",
  function: { name: t.name, description: t.description, parameters: t.schema },
}));
const responsesTools = [weather, time].map((t) => ({
  type: "function",
  name: t.name,
  description: t.description,
  parameters: t.schema,
  strict: false,
}));
const anthropicTools = [weather, time].map((t) => ({
  name: t.name,
  description: t.description,
  input_schema: t.schema,
}));

const ask = "Weather and time in Paris and Oslo?";
const chatAsk = [{ role: "user", content: ask }];

/** A request in each protocol with one user text and the given extra members. */
function plain(text: string, extra: Partial<Record<ClientId, Obj>> = {}): Case["requests"] {
  return {
    "openai.chat": {
      model: "gpt-4.1",
      messages: [{ role: "user", content: text }],
      ...extra["openai.chat"],
    },
    "openai.responses": { model: "gpt-5.1", input: text, ...extra["openai.responses"] },
    "anthropic.messages": {
      model: "claude-sonnet-4-5",
      max_tokens: 1024,
      messages: [{ role: "user", content: text }],
      ...extra["anthropic.messages"],
    },
  };
}

/** The tools of every tool case, with the given tool choice per protocol. */
function withTools(choice: Partial<Record<ClientId, unknown>>): Case["requests"] {
  const r = plain(ask, {
    "openai.chat": { tools: chatTools, parallel_tool_calls: true },
    "openai.responses": { tools: responsesTools, parallel_tool_calls: true },
    "anthropic.messages": { tools: anthropicTools },
  });
  for (const id of clientIds) {
    if (choice[id] !== undefined) r[id] = { ...r[id], tool_choice: choice[id] };
  }
  return r;
}

const parallelCalls: Answer = {
  text: "Looking both up.",
  calls: [
    { id: "Paris1", name: "get_weather", args: { city: "Paris" } },
    { id: "Oslo2", name: "get_weather", args: { city: "Oslo" } },
    { id: "Time3", name: "get_time", args: { city: "Oslo" } },
  ],
  stop: "tool",
  usage: { input: 210, cacheRead: 1024, cacheWrite: 0, output: 61, reasoning: 0 },
};
const oneCall: Answer = {
  calls: [{ id: "Paris1", name: "get_weather", args: { city: "Paris" } }],
  stop: "tool",
  usage: { input: 210, cacheRead: 0, cacheWrite: 0, output: 18, reasoning: 0 },
};

export const cases: Record<string, Case> = {
  ...mediaCases,
  sampling_stop: {
    requests: plain("Count to five, then say END.", {
      "openai.chat": { temperature: 0.2, top_p: 0.9, max_completion_tokens: 100, stop: ["END"] },
      "openai.responses": { temperature: 0.2, top_p: 0.9, max_output_tokens: 100 },
      "anthropic.messages": {
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        max_tokens: 100,
        stop_sequences: ["END"],
      },
    }),
    answer: {
      text: "1 2 3 4 5 ",
      stop: "stop_sequence",
      stopSequence: "END",
      usage: { input: 14, cacheRead: 0, cacheWrite: 0, output: 10, reasoning: 0 },
    },
  },
  tools_parallel: {
    requests: withTools({}),
    answer: parallelCalls,
  },
  tool_choice_none: {
    requests: withTools({
      "openai.chat": "none",
      "openai.responses": "none",
      "anthropic.messages": { type: "none" },
    }),
    answer: { text: "I will not call a tool.", stop: "end", usage: small },
  },
  tool_choice_required: {
    requests: withTools({
      "openai.chat": "required",
      "openai.responses": "required",
      "anthropic.messages": { type: "any" },
    }),
    answer: oneCall,
  },
  tool_choice_named: {
    requests: withTools({
      "openai.chat": { type: "function", function: { name: "get_weather" } },
      "openai.responses": { type: "function", name: "get_weather" },
      "anthropic.messages": { type: "tool", name: "get_weather", disable_parallel_tool_use: true },
    }),
    answer: oneCall,
  },
  json_schema: {
    requests: plain("Extract the total of: 'Total: 42 EUR'.", {
      "openai.chat": {
        response_format: {
          type: "json_schema",
          json_schema: { name: "total", schema: totalSchema(), strict: true },
        },
      },
      "openai.responses": {
        text: {
          format: { type: "json_schema", name: "total", schema: totalSchema(), strict: true },
        },
      },
      "anthropic.messages": {
        output_config: { format: { type: "json_schema", schema: totalSchema() } },
      },
    }),
    answer: { text: '{"total":42,"currency":"EUR"}', stop: "end", usage: small },
  },
  thinking_budget: {
    requests: plain("Is 1001 prime?", {
      "openai.chat": { reasoning_effort: "high", max_completion_tokens: 16000 },
      "openai.responses": {
        reasoning: { effort: "high", summary: "auto" },
        include: ["reasoning.encrypted_content"],
        max_output_tokens: 16000,
      },
      "anthropic.messages": {
        max_tokens: 16000,
        thinking: { type: "enabled", budget_tokens: 8000 },
      },
    }),
    answer: {
      thinking: { text: "1001 = 7 * 11 * 13.", signature: "EqQBCkgIARABGAIiQCell" },
      text: "No: 1001 = 7 × 11 × 13.",
      stop: "end",
      usage: { input: 12, cacheRead: 0, cacheWrite: 0, output: 240, reasoning: 200 },
    },
  },
  usage_cache_reasoning: {
    requests: plain("Summarise the cached document.", {
      "openai.chat": { reasoning_effort: "low" },
      "openai.responses": { reasoning: { effort: "low" } },
      "anthropic.messages": {
        thinking: { type: "enabled", budget_tokens: 1024 },
        max_tokens: 4096,
      },
    }),
    answer: {
      text: "It is about caching.",
      stop: "end",
      usage: { input: 100, cacheRead: 2048, cacheWrite: 512, output: 150, reasoning: 120 },
    },
  },
  error_429: { requests: plain("Hello"), answer: "error_429" },
  error_overloaded: { requests: plain("Hello"), answer: "error_overloaded" },
  error_5xx: { requests: plain("Hello"), answer: "error_5xx" },
  stream_tools_indices: {
    requests: withStream(withTools({})),
    answer: {
      ...parallelCalls,
      thinking: { text: "Three calls, in parallel.", signature: "EqQBCkgIARABGAIiQStream" },
      usage: { ...parallelCalls.usage, output: 90, reasoning: 29 },
    },
  },
  stream_codec_golden: {
    requests: withStream(withTools({})),
    answer: "stream_golden",
  },
  stream_error_overloaded: {
    requests: withStream(plain("Write a long story.")),
    answer: "stream_overloaded",
  },
  unsupported_n: {
    requests: { "openai.chat": { model: "gpt-4.1", n: 2, messages: chatAsk } },
    inexpressible: {
      "openai.responses": "Responses has no n",
      "anthropic.messages": "Messages has no n",
    },
    answer: { text: "-", stop: "end", usage: small },
  },
  unsupported_web_search: {
    requests: plain("Latest news?", {
      "openai.chat": { model: "gpt-4o-search-preview", web_search_options: {} },
      "openai.responses": { tools: [{ type: "web_search" }] },
      "anthropic.messages": {
        tools: [{ type: "web_search_20250305", name: "web_search", max_uses: 3 }],
      },
    }),
    answer: { text: "-", stop: "end", usage: small },
  },
};

function totalSchema(): Obj {
  return {
    type: "object",
    properties: { total: { type: "number" }, currency: { type: "string" } },
    required: ["total", "currency"],
    additionalProperties: false,
  };
}

function withStream(r: Case["requests"]): Case["requests"] {
  const out: Case["requests"] = {};
  for (const id of clientIds) {
    const extra = id === "openai.chat" ? { stream_options: { include_usage: true } } : {};
    if (r[id]) out[id] = { ...r[id], stream: true, ...extra };
  }
  return out;
}
