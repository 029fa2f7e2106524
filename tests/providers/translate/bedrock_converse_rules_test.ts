/**
 * Bedrock Converse rules the goldens do not show one by one: stop reasons both ways, the 400s
 * naming the field, tool declarations Bedrock requires, Converse's missing `none` choice,
 * reasoning only to the protocol and model that made it, Claude's extra fields, usage through
 * the one Converse reader and never invented.
 */
import assert from "node:assert/strict";
import {
  type ContentBlock,
  decodeChatResponse,
  decodeConverseRequest,
  decodeConverseResponse,
  decodeConverseUsage,
  encodeChatResponse,
  encodeConverseRequest,
  encodeConverseResponse,
  noSampling,
  Notes,
  openaiDialect,
  type Request,
  type Response,
  stopReasons,
  stopToConverse,
  TranslationError,
  unknownUsage,
} from "../../../src/providers/translate/mod.ts";

const claude = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const nova = "amazon.nova-pro-v1:0";
const path = { model: claude, stream: false };
const meta = { id: "a", model: claude };
const auto = { anthropicFields: null };

const base: Request = {
  model: claude,
  instructions: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  toolChoice: null,
  parallelToolCalls: null,
  maxOutputTokens: 4096,
  sampling: noSampling,
  stop: [],
  responseFormat: null,
  reasoning: null,
  stream: false,
  user: null,
  previousResponseId: null,
};

function refused(run: () => unknown, field: string): void {
  assert.throws(run, (e: unknown) => e instanceof TranslationError && e.field === field, field);
}

function fields(notes: Notes): string[] {
  return notes.list.map((n) => `${n.code} ${n.field}`);
}

const call: ContentBlock = {
  type: "tool_call",
  id: "t1",
  name: "lookup",
  arguments: { q: "x" },
  argumentsText: null,
  state: null,
};
const result: ContentBlock = {
  type: "tool_result",
  callId: "t1",
  name: "lookup",
  content: [{ type: "text", text: "r" }],
  isError: false,
};
const withHistory: Request = {
  ...base,
  messages: [
    { role: "user", content: [{ type: "text", text: "go" }] },
    { role: "assistant", content: [call] },
    { role: "user", content: [result] },
  ],
};

Deno.test("converse stop reasons: every Converse value to the IR and to Chat", () => {
  const table: [string, string, string][] = [
    ["end_turn", "end_turn", "stop"],
    ["max_tokens", "max_tokens", "length"],
    ["stop_sequence", "stop_sequence", "stop"],
    ["tool_use", "tool_use", "tool_calls"],
    ["content_filtered", "content_filter", "content_filter"],
    ["guardrail_intervened", "content_filter", "content_filter"],
    ["malformed_tool_use", "malformed_tool_call", "stop"],
    ["malformed_model_output", "malformed_tool_call", "stop"],
    ["model_context_window_exceeded", "context_window_exceeded", "length"],
    ["something_new", "other", "stop"],
  ];
  for (const [wire, ir, chat] of table) {
    const body = { output: { message: { role: "assistant", content: [] } }, stopReason: wire };
    const res = decodeConverseResponse(body, meta, new Notes());
    assert.equal(res.stopReason, ir, wire);
    assert.equal(res.providerStopReason, wire);
    const out = encodeChatResponse(res, { dialect: openaiDialect, created: 0 }, new Notes()) as {
      choices: { finish_reason: string }[];
    };
    assert.equal(out.choices[0]!.finish_reason, chat, wire);
  }
  // Every IR reason has a Converse value, and Chat's reasons reach Converse's names.
  for (const r of stopReasons) assert.equal(typeof stopToConverse[r], "string", r);
  const chat = {
    id: "c",
    model: "g",
    choices: [{ message: { content: "x" }, finish_reason: "content_filter" }],
  };
  const res = decodeChatResponse(chat, openaiDialect, new Notes());
  assert.equal(encodeConverseResponse(res, new Notes())["stopReason"], "content_filtered");
});

Deno.test("converse: what a cell cannot carry is a 400 naming the field", () => {
  const req = (content: unknown[]) => () =>
    decodeConverseRequest({ messages: [{ role: "user", content }] }, path, new Notes());
  refused(
    req([{ image: { format: "png", source: { s3Location: { uri: "s3://b/k" } } } }]),
    "messages[0].content[0].image.source",
  );
  refused(
    req([{ image: { format: "bmp", source: { bytes: "AA==" } } }]),
    "messages[0].content[0].image.format",
  );
  refused(req([{ video: { format: "mp4" } }]), "messages[0].content[0].video");
  refused(req([{ text: "a", image: {} }]), "messages[0].content[0]");
  refused(
    () => decodeConverseRequest({ messages: [{ role: "system", content: [] }] }, path, new Notes()),
    "messages[0].role",
  );
  refused(
    () =>
      decodeConverseRequest(
        {
          messages: [],
          outputConfig: {
            textFormat: { type: "json_schema", structure: { jsonSchema: { schema: "{not json" } } },
          },
        },
        path,
        new Notes(),
      ),
    "outputConfig.textFormat.structure.jsonSchema.schema",
  );
  refused(
    () =>
      decodeConverseRequest(
        { messages: [], toolConfig: { toolChoice: { none: {} } } },
        path,
        new Notes(),
      ),
    "toolConfig.toolChoice",
  );
  const url: Request = {
    ...base,
    messages: [{
      role: "user",
      content: [{
        type: "image",
        source: { kind: "url", url: "https://x/y.png", mediaType: null },
        detail: null,
      }],
    }],
  };
  refused(() => encodeConverseRequest(url, auto, new Notes()), "messages[0].content[0].source");
  const tiff: Request = {
    ...base,
    messages: [{
      role: "user",
      content: [{
        type: "image",
        source: { kind: "base64", mediaType: "image/tiff", data: "AA==" },
        detail: null,
      }],
    }],
  };
  refused(() => encodeConverseRequest(tiff, auto, new Notes()), "messages[0].content[0]");
});

Deno.test("converse: a history with tool blocks but no tools declares them (Bedrock refuses otherwise)", () => {
  const notes = new Notes();
  const out = encodeConverseRequest(withHistory, auto, notes);
  assert.deepEqual(out["toolConfig"], {
    tools: [{ toolSpec: { name: "lookup", inputSchema: { json: { type: "object" } } } }],
  });
  assert.deepEqual(fields(notes), ["converted toolConfig"]);
  assert.equal(encodeConverseRequest(base, auto, new Notes())["toolConfig"], undefined);
});

Deno.test("converse: tool choice none has no Converse form: tools left out, or kept without a choice for the history", () => {
  const tools = [{
    name: "lookup",
    description: null,
    parameters: { type: "object" },
    strict: null,
  }];
  const none = { kind: "none" } as const;
  const n1 = new Notes();
  const plain = encodeConverseRequest({ ...base, tools, toolChoice: none }, auto, n1);
  assert.equal(plain["toolConfig"], undefined);
  assert.deepEqual(fields(n1), ["dropped tools"]);
  const n2 = new Notes();
  const history = encodeConverseRequest({ ...withHistory, tools, toolChoice: none }, auto, n2);
  assert.deepEqual(history["toolConfig"], {
    tools: [{ toolSpec: { name: "lookup", inputSchema: { json: { type: "object" } } } }],
  });
  assert.deepEqual(fields(n2), ["dropped toolConfig.toolChoice"]);
  const choices: [Request["toolChoice"], unknown][] = [
    [{ kind: "auto" }, { auto: {} }],
    [{ kind: "required" }, { any: {} }],
    [{ kind: "tool", name: "lookup" }, { tool: { name: "lookup" } }],
  ];
  for (const [choice, wire] of choices) {
    const out = encodeConverseRequest({ ...base, tools, toolChoice: choice }, auto, new Notes());
    assert.deepEqual((out["toolConfig"] as Record<string, unknown>)["toolChoice"], wire);
    const back = decodeConverseRequest({ messages: [], ...out }, path, new Notes());
    assert.deepEqual(back.toolChoice, choice);
  }
});

Deno.test("converse: reasoning state goes only to Bedrock and the model that made it", () => {
  const thinking = (origin: "bedrock.converse" | "anthropic.messages", model: string | null) => ({
    ...base,
    messages: [
      { role: "user" as const, content: [{ type: "text" as const, text: "q" }] },
      {
        role: "assistant" as const,
        content: [
          {
            type: "thinking" as const,
            text: "t",
            kind: "full" as const,
            state: { origin, model, value: "sig", itemId: null },
          },
          { type: "text" as const, text: "a" },
        ],
      },
    ],
  });
  const own = encodeConverseRequest(thinking("bedrock.converse", null), auto, new Notes());
  const blocks = (own["messages"] as { content: unknown[] }[])[1]!.content;
  assert.deepEqual(blocks[0], {
    reasoningContent: { reasoningText: { text: "t", signature: "sig" } },
  });
  for (
    const [origin, model] of [["anthropic.messages", null], [
      "bedrock.converse",
      "other-model",
    ]] as const
  ) {
    const notes = new Notes();
    const out = encodeConverseRequest(thinking(origin, model), auto, notes);
    assert.deepEqual((out["messages"] as { content: unknown[] }[])[1]!.content, [{ text: "a" }]);
    assert.deepEqual(fields(notes), ["thinking_state_dropped messages[1].content[0]"]);
  }
});

Deno.test("converse: Claude's thinking and top_k ride in additionalModelRequestFields; other models get a note", () => {
  const effort: Request = {
    ...base,
    reasoning: { enabled: true, effort: "low", budgetTokens: null, summary: null },
    sampling: { ...noSampling, temperature: 0.5, topK: 5 },
  };
  const n1 = new Notes();
  const out = encodeConverseRequest(effort, auto, n1);
  assert.deepEqual(out["additionalModelRequestFields"], {
    thinking: { type: "enabled", budget_tokens: 2048 },
  });
  assert.equal((out["inferenceConfig"] as Record<string, unknown>)["temperature"], undefined);
  assert.deepEqual(fields(n1), ["converted reasoning.effort", "dropped temperature"]);
  const n2 = new Notes();
  const other = encodeConverseRequest({ ...effort, model: nova }, auto, n2);
  assert.equal(other["additionalModelRequestFields"], undefined);
  assert.equal((other["inferenceConfig"] as Record<string, unknown>)["temperature"], 0.5);
  assert.deepEqual(fields(n2), ["dropped reasoning", "dropped top_k"]);
  const n3 = new Notes();
  const forced = encodeConverseRequest(
    {
      ...effort,
      sampling: noSampling,
      tools: [{ name: "f", description: null, parameters: {}, strict: null }],
      toolChoice: { kind: "required" },
    },
    auto,
    n3,
  );
  assert.equal(forced["additionalModelRequestFields"], undefined);
  assert.deepEqual(fields(n3), ["dropped reasoning"]);
  const off = encodeConverseRequest(
    { ...base, reasoning: { enabled: false, effort: null, budgetTokens: null, summary: null } },
    auto,
    new Notes(),
  );
  assert.deepEqual(off["additionalModelRequestFields"], { thinking: { type: "disabled" } });
  // An ARN names no provider: the route's option says whether the fields are Claude's.
  const arn = "arn:aws:bedrock:us-east-1:1:application-inference-profile/abc";
  const viaArn = encodeConverseRequest({ ...effort, model: arn, sampling: noSampling }, {
    anthropicFields: true,
  }, new Notes());
  assert.deepEqual(viaArn["additionalModelRequestFields"], {
    thinking: { type: "enabled", budget_tokens: 2048 },
  });
});

Deno.test("converse: Converse decodes outputConfig.effort and unknown members are noted", () => {
  const notes = new Notes();
  const ir = decodeConverseRequest(
    {
      messages: [],
      outputConfig: { effort: "high" },
      guardrailConfig: { guardrailIdentifier: "g" },
      additionalModelRequestFields: { anthropic_beta: ["x"] },
    },
    path,
    notes,
  );
  assert.deepEqual(ir.reasoning, {
    enabled: true,
    effort: "high",
    budgetTokens: null,
    summary: null,
  });
  assert.deepEqual(fields(notes), [
    "dropped guardrailConfig",
    "dropped additionalModelRequestFields.anthropic_beta",
  ]);
  refused(
    () =>
      decodeConverseRequest({ messages: [], outputConfig: { effort: "huge" } }, path, new Notes()),
    "outputConfig.effort",
  );
});

Deno.test("converse usage: the Converse reader's sum, aliases once, unknown stays null", () => {
  assert.deepEqual(
    decodeConverseUsage({
      inputTokens: 10,
      outputTokens: 3,
      cacheReadInputTokens: 100,
      cacheWriteInputTokens: 7,
    }, claude),
    {
      inputTokens: 117,
      cachedInputTokens: 100,
      cacheWriteTokens: 7,
      outputTokens: 3,
      reasoningTokens: null,
    },
  );
  assert.deepEqual(
    decodeConverseUsage({ inputTokens: 10, outputTokens: 3, cacheReadInputTokenCount: 50 }, claude),
    {
      inputTokens: 60,
      cachedInputTokens: 50,
      cacheWriteTokens: 0,
      outputTokens: 3,
      reasoningTokens: null,
    },
  );
  assert.deepEqual(decodeConverseUsage(undefined, claude), unknownUsage);
  assert.deepEqual(decodeConverseUsage({ outputTokens: 3 }, claude), unknownUsage);
  const res: Response = {
    id: "a",
    model: claude,
    content: [{ type: "text", text: "x" }],
    stopReason: "end_turn",
    providerStopReason: null,
    stopSequence: null,
    usage: unknownUsage,
  };
  const notes = new Notes();
  assert.deepEqual(encodeConverseResponse(res, notes)["usage"], {
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
  });
  assert.deepEqual(fields(notes), [
    "usage_unknown usage.inputTokens",
    "usage_unknown usage.outputTokens",
  ]);
});

Deno.test("converse: tool ids Bedrock refuses are made to fit, the same on the call and its result", () => {
  const long = "call:" + "x".repeat(80);
  const history = (id: string): Request => ({
    ...withHistory,
    messages: [
      withHistory.messages[0]!,
      { role: "assistant", content: [{ ...call, id } as ContentBlock] },
      { role: "user", content: [{ ...result, callId: id } as ContentBlock] },
    ],
  });
  for (const id of [long, "fc.1/2", "ok_id-1"]) {
    const notes = new Notes();
    const out = encodeConverseRequest(history(id), auto, notes);
    const msgs = out["messages"] as { content: Record<string, Record<string, string>>[] }[];
    const useId = msgs[1]!.content[0]!["toolUse"]!["toolUseId"]!;
    const resultId = msgs[2]!.content[0]!["toolResult"]!["toolUseId"]!;
    assert.equal(useId, resultId, id);
    assert.match(useId, /^[a-zA-Z0-9_-]{1,64}$/);
    assert.equal(useId === id, id === "ok_id-1");
  }
  const a = encodeConverseRequest(history(long), auto, new Notes());
  const b = encodeConverseRequest(history(long + "y"), auto, new Notes());
  assert.notDeepEqual(a["messages"], b["messages"]);
});
