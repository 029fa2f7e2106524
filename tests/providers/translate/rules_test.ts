/**
 * The rules the goldens do not show one by one: stop-reason tables both ways, the 400s naming
 * the field, notes for every drop, thinking state only to the protocol (and model) that made
 * it, effort ⇄ budget, usage never invented.
 */
import assert from "node:assert/strict";
import {
  budgetOfEffort,
  decodeAnthropicRequest,
  decodeAnthropicResponse,
  decodeChatRequest,
  decodeChatResponse,
  effortOfBudget,
  encodeAnthropicRequest,
  encodeAnthropicResponse,
  encodeChatRequest,
  encodeChatResponse,
  maxNotes,
  noSampling,
  Notes,
  type OpaqueState,
  openaiChatOptions,
  openaiDialect,
  type Request,
  type Response,
  TranslationError,
  unknownUsage,
} from "../../../src/providers/translate/mod.ts";

const baseRequest: Request = {
  model: "m",
  instructions: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  toolChoice: null,
  parallelToolCalls: null,
  maxOutputTokens: 100,
  sampling: noSampling,
  stop: [],
  responseFormat: null,
  reasoning: null,
  stream: false,
  user: null,
  previousResponseId: null,
};
const anthropicOptions = { defaultMaxTokens: null, adaptiveThinking: false };

function refused(run: () => unknown, field: string): void {
  assert.throws(run, (e: unknown) => e instanceof TranslationError && e.field === field, field);
}

Deno.test("stop reasons: Anthropic and Chat values to the IR and back", () => {
  const anthropic: [string, string, string][] = [
    ["end_turn", "end_turn", "stop"],
    ["max_tokens", "max_tokens", "length"],
    ["stop_sequence", "stop_sequence", "stop"],
    ["tool_use", "tool_use", "tool_calls"],
    ["pause_turn", "pause_turn", "stop"],
    ["refusal", "refusal", "content_filter"],
    ["model_context_window_exceeded", "context_window_exceeded", "length"],
    ["something_new", "other", "stop"],
  ];
  for (const [wire, ir, chat] of anthropic) {
    const body = {
      id: "m",
      model: "c",
      content: [],
      stop_reason: wire,
      stop_sequence: null,
      usage: null,
    };
    const res = decodeAnthropicResponse(body, new Notes());
    assert.equal(res.stopReason, ir, wire);
    assert.equal(res.providerStopReason, wire);
    const out = encodeChatResponse(res, { dialect: openaiDialect, created: 0 }, new Notes()) as {
      choices: { finish_reason: string }[];
    };
    assert.equal(out.choices[0]!.finish_reason, chat, wire);
  }
  const chat: [string, string, string][] = [
    ["stop", "end_turn", "end_turn"],
    ["length", "max_tokens", "max_tokens"],
    ["tool_calls", "tool_use", "tool_use"],
    ["content_filter", "content_filter", "refusal"],
    ["function_call", "tool_use", "tool_use"],
  ];
  for (const [wire, ir, back] of chat) {
    const body = {
      id: "c",
      model: "g",
      choices: [{ message: { content: "x" }, finish_reason: wire }],
    };
    const res = decodeChatResponse(body, openaiDialect, new Notes());
    assert.equal(res.stopReason, ir, wire);
    assert.equal(
      (encodeAnthropicResponse(res, new Notes()) as { stop_reason: string }).stop_reason,
      back,
    );
  }
});

Deno.test("a Chat answer with tool calls is a tool turn whatever finish_reason says", () => {
  const body = {
    id: "c",
    model: "local",
    choices: [{
      message: {
        content: null,
        tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      finish_reason: "stop",
    }],
  };
  assert.equal(decodeChatResponse(body, openaiDialect, new Notes()).stopReason, "tool_use");
});

Deno.test("what a cell cannot carry is a 400 naming the field", () => {
  const chat = (extra: Record<string, unknown>, messages?: unknown[]) => () =>
    decodeChatRequest(
      { model: "g", messages: messages ?? [{ role: "user", content: "x" }], ...extra },
      openaiDialect,
      new Notes(),
    );
  refused(chat({ n: 2 }), "n");
  refused(chat({ audio: { voice: "x" } }), "audio");
  refused(chat({ logprobs: true }), "logprobs");
  refused(chat({ tools: [{ type: "custom", custom: { name: "x" } }] }), "tools[0].type");
  refused(
    chat({}, [{ role: "user", content: "a" }, { role: "system", content: "late" }]),
    "messages[1].role",
  );
  refused(
    chat({}, [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }]),
    "messages[0].content[0].type",
  );
  const call = (args: string) => [
    { role: "user", content: "x" },
    {
      role: "assistant",
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: args } }],
    },
  ];
  refused(chat({}, call("[1,2]")), "messages[1].tool_calls[0].function.arguments");
  refused(chat({}, call("{oops")), "messages[1].tool_calls[0].function.arguments");
  refused(chat({}, call('"a string"')), "messages[1].tool_calls[0].function.arguments");

  const anthropic = (extra: Record<string, unknown>) => () =>
    decodeAnthropicRequest({ model: "c", max_tokens: 10, messages: [], ...extra }, new Notes());
  refused(
    anthropic({ tools: [{ type: "web_search_20250305", name: "web_search" }] }),
    "tools[0].type",
  );
  refused(anthropic({ messages: [{ role: "tool", content: "x" }] }), "messages[0].role");
  refused(
    anthropic({
      messages: [{
        role: "user",
        content: [{ type: "server_tool_use", id: "s", name: "n", input: {} }],
      }],
    }),
    "messages[0].content[0].type",
  );
  refused(
    () =>
      encodeAnthropicRequest(
        { ...baseRequest, maxOutputTokens: null },
        anthropicOptions,
        new Notes(),
      ),
    "max_tokens",
  );
  refused(
    () =>
      encodeChatRequest(
        { ...baseRequest, stop: ["a", "b", "c", "d", "e"] },
        openaiChatOptions,
        new Notes(),
      ),
    "stop",
  );
});

Deno.test("a member no codec translates is dropped with a note naming it, never silently", () => {
  const notes = new Notes();
  decodeChatRequest(
    { model: "g", messages: [{ role: "user", content: "x" }], logit_bias: { "1": 2 }, store: true },
    openaiDialect,
    notes,
  );
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [["dropped", "logit_bias"], [
    "dropped",
    "store",
  ]]);
});

Deno.test("notes are bounded: 50 kept, the rest counted", () => {
  const notes = new Notes();
  for (let i = 0; i < 70; i++) notes.add("dropped", `f${i}`, "x");
  assert.equal(notes.list.length, maxNotes);
  assert.equal(notes.omitted, 20);
});

const state = (origin: OpaqueState["origin"], model: string | null): OpaqueState => ({
  origin,
  model,
  value: "sig",
  itemId: null,
});

Deno.test("thinking state goes upstream only to the protocol and model that made it", () => {
  const cases: [OpaqueState, boolean][] = [
    [state("anthropic.messages", null), true],
    [state("anthropic.messages", "m"), true],
    [state("anthropic.messages", "other-model"), false],
    [state("gemini.generate", "m"), false],
    [state("openai.responses", "m"), false],
  ];
  for (const [s, kept] of cases) {
    const notes = new Notes();
    const req: Request = {
      ...baseRequest,
      messages: [
        { role: "user", content: [{ type: "text", text: "q" }] },
        {
          role: "assistant",
          content: [{ type: "thinking", text: "t", kind: "full", state: s }, {
            type: "text",
            text: "a",
          }],
        },
      ],
    };
    const out = encodeAnthropicRequest(req, anthropicOptions, notes) as {
      messages: { content: unknown[] }[];
    };
    const first = out.messages[1]!.content[0];
    if (kept) {
      assert.deepEqual(
        first,
        { type: "thinking", thinking: "t", signature: "sig" },
        JSON.stringify(s),
      );
    } else {
      assert.deepEqual(first, { type: "text", text: "a" }, JSON.stringify(s));
      assert.equal(notes.list[0]!.code, "thinking_state_dropped");
    }
  }
});

Deno.test("Anthropic refuses tool ids outside [a-zA-Z0-9_-]: call and result map the same way", () => {
  const notes = new Notes();
  const req: Request = {
    ...baseRequest,
    messages: [
      { role: "user", content: [{ type: "text", text: "q" }] },
      {
        role: "assistant",
        content: [{
          type: "tool_call",
          id: "fn.call:1",
          name: "f",
          arguments: {},
          argumentsText: null,
          state: null,
        }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          callId: "fn.call:1",
          name: null,
          content: [],
          isError: false,
        }],
      },
    ],
  };
  const out = encodeAnthropicRequest(req, anthropicOptions, notes) as {
    messages: { content: Record<string, unknown>[] }[];
  };
  assert.equal(out.messages[1]!.content[0]!["id"], "fn_call_1");
  assert.equal(out.messages[2]!.content[0]!["tool_use_id"], "fn_call_1");
  assert.ok(notes.list.every((n) => n.code === "converted"));
});

Deno.test("Anthropic with thinking: a forced tool choice drops thinking; temperature and top_k are dropped", () => {
  const reasoning = { enabled: true, effort: null, budgetTokens: 2048, summary: null };
  const forced = encodeAnthropicRequest(
    { ...baseRequest, maxOutputTokens: 4096, reasoning, toolChoice: { kind: "required" } },
    anthropicOptions,
    new Notes(),
  );
  assert.equal(forced["thinking"], undefined);
  const notes = new Notes();
  const sampled = encodeAnthropicRequest(
    {
      ...baseRequest,
      maxOutputTokens: 4096,
      reasoning,
      sampling: { ...noSampling, temperature: 0.5, topK: 5, topP: 0.97 },
    },
    anthropicOptions,
    notes,
  );
  assert.deepEqual(sampled["thinking"], { type: "enabled", budget_tokens: 2048 });
  assert.equal(sampled["temperature"], undefined);
  assert.equal(sampled["top_k"], undefined);
  assert.equal(sampled["top_p"], 0.97);
  assert.deepEqual(notes.list.map((n) => n.field), ["temperature", "top_k"]);
});

Deno.test("effort ⇄ budget: the plan's table, capped at 3/4 of max_tokens, and adaptive where the model has it", () => {
  assert.equal(budgetOfEffort("medium", null), 8192);
  // Thinking counts against the output limit: a quarter of it is left for the answer.
  assert.equal(budgetOfEffort("high", 10000), 7500);
  assert.equal(budgetOfEffort("high", 40000), 24576);
  assert.equal(budgetOfEffort("max", 500), 1024);
  const table: [number, string][] = [
    [0, "minimal"],
    [1024, "minimal"],
    [2047, "minimal"],
    [2048, "low"],
    [9000, "medium"],
    [
      24576,
      "high",
    ],
    [40000, "xhigh"],
    [64000, "max"],
  ];
  for (const [budget, effort] of table) {
    assert.equal(effortOfBudget(budget), effort, String(budget));
  }
  const req = {
    ...baseRequest,
    maxOutputTokens: 32000,
    reasoning: { enabled: true, effort: "high" as const, budgetTokens: null, summary: null },
  };
  const adaptive = encodeAnthropicRequest(
    req,
    { defaultMaxTokens: null, adaptiveThinking: true },
    new Notes(),
  );
  assert.deepEqual(adaptive["thinking"], { type: "adaptive" });
  assert.deepEqual(adaptive["output_config"], { effort: "high" });
  const budget = encodeAnthropicRequest(req, anthropicOptions, new Notes());
  assert.deepEqual(budget["thinking"], { type: "enabled", budget_tokens: 24000 });
  const chat = encodeChatRequest(
    {
      ...baseRequest,
      reasoning: { enabled: true, effort: null, budgetTokens: 3000, summary: null },
    },
    openaiChatOptions,
    new Notes(),
  );
  assert.equal(chat["reasoning_effort"], "low");
});

Deno.test("usage: Anthropic's uncached input plus cache reads and writes is the IR input; unknown stays unknown", () => {
  const res = decodeAnthropicResponse({
    id: "m",
    model: "c",
    content: [],
    stop_reason: "end_turn",
    usage: {
      input_tokens: 5,
      cache_read_input_tokens: 100,
      cache_creation_input_tokens: 10,
      output_tokens: 3,
    },
  }, new Notes());
  assert.deepEqual(res.usage, {
    inputTokens: 115,
    cachedInputTokens: 100,
    cacheWriteTokens: 10,
    outputTokens: 3,
    reasoningTokens: null,
  });
  const chat = decodeChatResponse(
    { id: "c", model: "g", choices: [{ message: { content: "x" }, finish_reason: "stop" }] },
    openaiDialect,
    new Notes(),
  );
  assert.deepEqual(chat.usage, unknownUsage);
  const notes = new Notes();
  const out = encodeAnthropicResponse(chat, notes) as { usage: Record<string, unknown> };
  assert.equal(out.usage["input_tokens"], 0);
  assert.deepEqual(notes.list.map((n) => n.code), ["usage_unknown", "usage_unknown"]);
});

Deno.test("model arguments that are no JSON object reach the client once, as {} with a note", () => {
  const notes = new Notes();
  const res: Response = decodeChatResponse(
    {
      id: "c",
      model: "g",
      choices: [{
        message: {
          tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: '{"a":' } }],
        },
        finish_reason: "tool_calls",
      }],
    },
    openaiDialect,
    notes,
  );
  const out = encodeAnthropicResponse(res, notes) as { content: unknown[] };
  assert.deepEqual(out.content, [{ type: "tool_use", id: "1", name: "f", input: {} }]);
  assert.equal(notes.list[0]!.code, "tool_arguments_unparsed");
});

Deno.test("OpenAI-compatible dialect: reasoning_content is thinking text both ways", () => {
  const dialect = { reasoningField: "reasoning_content" };
  const res = decodeChatResponse(
    {
      id: "c",
      model: "qwen",
      choices: [{ message: { content: "4", reasoning_content: "2+2" }, finish_reason: "stop" }],
    },
    dialect,
    new Notes(),
  );
  assert.deepEqual(res.content, [{ type: "thinking", text: "2+2", kind: "full", state: null }, {
    type: "text",
    text: "4",
  }]);
  const out = encodeChatResponse(res, { dialect, created: 0 }, new Notes()) as {
    choices: { message: Record<string, unknown> }[];
  };
  assert.equal(out.choices[0]!.message["reasoning_content"], "2+2");
});

Deno.test("a Chat history with tool calls but no tools: Anthropic gets the named tools, choice none", () => {
  const notes = new Notes();
  const ir = decodeChatRequest(
    {
      model: "g",
      messages: [
        { role: "user", content: "q" },
        {
          role: "assistant",
          tool_calls: [{ id: "c1", type: "function", function: { name: "ls", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "a.txt" },
      ],
    },
    openaiDialect,
    notes,
  );
  const out = encodeAnthropicRequest({ ...ir, maxOutputTokens: 10 }, anthropicOptions, notes);
  assert.deepEqual(out["tools"], [{ name: "ls", input_schema: { type: "object" } }]);
  assert.deepEqual(out["tool_choice"], { type: "none" });
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [["converted", "tools"]]);
  const plain = encodeChatRequest(
    { ...baseRequest, toolChoice: { kind: "none" } },
    openaiChatOptions,
    new Notes(),
  );
  assert.equal(plain["tool_choice"], undefined);
});

Deno.test("a message left empty by drops is not sent (Anthropic and Chat), noted", () => {
  const req: Request = {
    ...baseRequest,
    messages: [
      { role: "user", content: [{ type: "text", text: "q" }] },
      {
        role: "assistant",
        content: [{
          type: "thinking",
          text: "",
          kind: "summary",
          state: state("gemini.generate", "x"),
        }],
      },
      { role: "user", content: [{ type: "text", text: "again" }] },
    ],
  };
  const notes = new Notes();
  const a = encodeAnthropicRequest(req, anthropicOptions, notes) as {
    messages: { role: string; content: unknown[] }[];
  };
  assert.deepEqual(a.messages, [{
    role: "user",
    content: [{ type: "text", text: "q" }, { type: "text", text: "again" }],
  }]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [[
    "thinking_state_dropped",
    "messages[1].content[0]",
  ], [
    "dropped",
    "messages[1]",
  ]]);
  const c = encodeChatRequest(req, openaiChatOptions, new Notes()) as {
    messages: { role: string }[];
  };
  assert.deepEqual(c.messages.map((m) => m.role), ["user", "user"]);
});

Deno.test("a refusal reaches a Chat client in `refusal`, and comes back from Chat as a refusal", () => {
  const res = decodeAnthropicResponse({
    id: "m",
    model: "c",
    content: [{ type: "text", text: "No." }],
    stop_reason: "refusal",
    usage: { input_tokens: 1, output_tokens: 1 },
  }, new Notes());
  const out = encodeChatResponse(res, { dialect: openaiDialect, created: 0 }, new Notes()) as {
    choices: { message: Record<string, unknown>; finish_reason: string }[];
  };
  assert.deepEqual(out.choices[0]!.message, { role: "assistant", content: null, refusal: "No." });
  assert.equal(out.choices[0]!.finish_reason, "content_filter");
  const back = decodeChatResponse(out, openaiDialect, new Notes());
  assert.deepEqual(back.content, [{ type: "text", text: "No." }]);
});
