/** Table tests of the Gemini codec's rules (plan sections 2.4, 2.7, 2.8). */
import assert from "node:assert/strict";
import {
  decodeAnthropicRequest,
  decodeGeminiRequest,
  decodeGeminiResponse,
  encodeGeminiRequest,
  encodeGeminiResponse,
  geminiApiOptions,
  type GeminiEncodeOptions,
  GeminiStreamDecoder,
  Notes,
  type Request,
  stopFromGemini,
  stopToGemini,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";

const route = { model: "gemini-2.5-pro", stream: false };
const decode = (body: unknown) => decodeGeminiRequest(body, route, new Notes());
const user = { role: "user", parts: [{ text: "hi" }] };

Deno.test("gemini finishReason → IR stop reason (plan 2.8)", () => {
  const table: [string | null, boolean, string][] = [
    ["STOP", false, "end_turn"],
    ["STOP", true, "tool_use"],
    [null, true, "tool_use"],
    ["MAX_TOKENS", false, "max_tokens"],
    ["SAFETY", false, "content_filter"],
    ["RECITATION", false, "content_filter"],
    ["LANGUAGE", false, "content_filter"],
    ["BLOCKLIST", false, "content_filter"],
    ["PROHIBITED_CONTENT", false, "content_filter"],
    ["SPII", false, "content_filter"],
    ["IMAGE_SAFETY", false, "content_filter"],
    ["MALFORMED_FUNCTION_CALL", false, "malformed_tool_call"],
    ["OTHER", false, "other"],
    ["SOMETHING_NEW", false, "other"],
    [null, false, "other"],
  ];
  for (const [reason, calls, want] of table) {
    assert.equal(stopFromGemini(reason, calls), want, `${reason} calls=${calls}`);
  }
});

Deno.test("IR stop reason → gemini finishReason keeps the provider's own value when it agrees", () => {
  assert.equal(stopToGemini("content_filter", "RECITATION"), "RECITATION");
  assert.equal(stopToGemini("content_filter", "refusal"), "SAFETY");
  assert.equal(stopToGemini("tool_use", "tool_use"), "STOP");
  assert.equal(stopToGemini("max_tokens", "length"), "MAX_TOKENS");
  assert.equal(stopToGemini("context_window_exceeded", null), "MAX_TOKENS");
  assert.equal(stopToGemini("malformed_tool_call", null), "MALFORMED_FUNCTION_CALL");
  assert.equal(stopToGemini("end_turn", "MAX_TOKENS"), "STOP");
  assert.equal(stopToGemini("other", null), "OTHER");
});

Deno.test("gemini toolConfig modes ⇄ IR tool choice", () => {
  const decl = [{ functionDeclarations: [{ name: "f" }] }];
  const table: [unknown, unknown][] = [
    [{ mode: "AUTO" }, { kind: "auto" }],
    [{ mode: "NONE" }, { kind: "none" }],
    [{ mode: "ANY" }, { kind: "required" }],
    [{ mode: "ANY", allowedFunctionNames: ["f"] }, { kind: "tool", name: "f" }],
    [{ mode: "MODE_UNSPECIFIED" }, null],
  ];
  for (const [config, want] of table) {
    const ir = decode({
      contents: [user],
      tools: decl,
      toolConfig: { functionCallingConfig: config },
    });
    assert.deepEqual(ir.toolChoice, want);
    const back = encodeGeminiRequest(ir, geminiApiOptions, new Notes());
    assert.deepEqual(
      (back["toolConfig"] as { functionCallingConfig: unknown } | undefined)
        ?.functionCallingConfig ?? null,
      want === null ? null : config,
    );
  }
});

Deno.test("gemini requests that cannot be translated are refused naming the field", () => {
  const table: [unknown, string][] = [
    [{ contents: [user], tools: [{ googleSearch: {} }] }, "tools[0].googleSearch"],
    [
      {
        contents: [user],
        tools: [{ functionDeclarations: [{ name: "f" }, { name: "g" }] }],
        toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["f", "g"] } },
      },
      "toolConfig.functionCallingConfig.allowedFunctionNames",
    ],
    [
      { contents: [user], generationConfig: { candidateCount: 2 } },
      "generationConfig.candidateCount",
    ],
    [{ contents: [{ role: "system", parts: [] }] }, "contents[0].role"],
    [
      {
        contents: [user, {
          role: "user",
          parts: [{ functionResponse: { name: "f", response: {} } }],
        }],
      },
      "contents[1].parts[0].functionResponse.name",
    ],
    [
      { contents: [{ parts: [{ executableCode: { code: "1" } }] }] },
      "contents[0].parts[0].executableCode",
    ],
    [
      { contents: [user], generationConfig: { responseMimeType: "text/x.enum" } },
      "generationConfig.responseMimeType",
    ],
    [
      { contents: [user], generationConfig: { thinkingConfig: { thinkingLevel: "HUGE" } } },
      "generationConfig.thinkingConfig.thinkingLevel",
    ],
    [
      {
        contents: [user],
        tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "MAP" } }] }],
      },
      "tools[0].functionDeclarations[0].parameters.type",
    ],
  ];
  for (const [body, field] of table) {
    assert.throws(
      () => decode(body),
      (e) => e instanceof TranslationError && e.field === field,
      field,
    );
  }
});

function deep(n: number): Record<string, unknown> {
  let s: Record<string, unknown> = { type: "string" };
  for (let i = 0; i < n; i++) s = { type: "object", properties: { a: s } };
  return s;
}

Deno.test("gemini schema depth is bounded both ways", () => {
  assert.throws(
    () =>
      decode({
        contents: [user],
        tools: [{ functionDeclarations: [{ name: "f", parametersJsonSchema: deep(40) }] }],
      }),
    (e) =>
      e instanceof TranslationError &&
      e.field.startsWith("tools[0].functionDeclarations[0].parametersJsonSchema"),
  );
  const ir = decode({ contents: [user] });
  ir.tools = [{ name: "f", description: null, parameters: deep(70) as never, strict: null }];
  assert.throws(
    () => encodeGeminiRequest(ir, geminiApiOptions, new Notes()),
    (e) => e instanceof TranslationError && e.field.startsWith("tools[0].parameters"),
  );
});

Deno.test("gemini thinking: budget, level, off, effort conversion (plan 2.7)", () => {
  const base = decode({ contents: [user] });
  const budget = { ...geminiApiOptions, thinkingField: "thinkingBudget" as const };
  const level = { ...geminiApiOptions, thinkingField: "thinkingLevel" as const };
  const table: [Request["reasoning"], GeminiEncodeOptions, unknown][] = [
    [{ enabled: false, effort: null, budgetTokens: null, summary: null }, budget, {
      thinkingBudget: 0,
    }],
    [{ enabled: true, effort: "high", budgetTokens: null, summary: "auto" }, budget, {
      includeThoughts: true,
      thinkingBudget: 24576,
    }],
    [{ enabled: true, effort: null, budgetTokens: 3000, summary: null }, budget, {
      thinkingBudget: 3000,
    }],
    [{ enabled: true, effort: "medium", budgetTokens: null, summary: "omitted" }, level, {
      includeThoughts: false,
      thinkingLevel: "MEDIUM",
    }],
    [{ enabled: true, effort: null, budgetTokens: 9000, summary: null }, level, {
      thinkingLevel: "MEDIUM",
    }],
    [{ enabled: true, effort: "max", budgetTokens: null, summary: null }, level, {
      thinkingLevel: "XHIGH",
    }],
    [{ enabled: false, effort: null, budgetTokens: null, summary: null }, level, {
      thinkingLevel: "MINIMAL",
    }],
  ];
  for (const [reasoning, options, want] of table) {
    const out = encodeGeminiRequest({ ...base, reasoning }, options, new Notes());
    assert.deepEqual((out["generationConfig"] as Record<string, unknown>)["thinkingConfig"], want);
  }
  assert.deepEqual(
    decode({ contents: [user], generationConfig: { thinkingConfig: { thinkingBudget: -1 } } })
      .reasoning,
    { enabled: true, effort: null, budgetTokens: null, summary: null },
  );
  assert.deepEqual(
    decode({ contents: [user], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } })
      .reasoning,
    { enabled: false, effort: null, budgetTokens: null, summary: null },
  );
});

/** An Anthropic history with a tool loop, for the encoder's cross-protocol rules. */
const anthropicLoop = {
  model: "claude",
  max_tokens: 100,
  messages: [
    { role: "user", content: "go" },
    {
      role: "assistant",
      content: [
        { type: "thinking", thinking: "hmm", signature: "anthropic-sig" },
        { type: "tool_use", id: "toolu_1", name: "look", input: { q: 1 } },
      ],
    },
    {
      role: "user",
      content: [{
        type: "tool_result",
        tool_use_id: "toolu_1",
        content: [{ type: "text", text: "seen" }, {
          type: "image",
          source: { type: "base64", media_type: "image/png", data: "AAAA" },
        }],
      }],
    },
  ],
};

Deno.test("gemini encode: foreign thinking is not sent; Vertex without ids; tool result media relocated", () => {
  const ir = decodeAnthropicRequest(anthropicLoop, new Notes());
  const notes = new Notes();
  const vertex = {
    callIds: false,
    mediaInFunctionResponse: false,
    thinkingField: "thinkingBudget" as const,
  };
  const out = encodeGeminiRequest({ ...ir, model: "gemini-2.5-pro" }, vertex, notes);
  assert.deepEqual(out["contents"], [
    { role: "user", parts: [{ text: "go" }] },
    { role: "model", parts: [{ functionCall: { name: "look", args: { q: 1 } } }] },
    {
      role: "user",
      parts: [
        { functionResponse: { name: "look", response: { output: "seen" } } },
        { inlineData: { mimeType: "image/png", data: "AAAA" } },
      ],
    },
  ]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [
    ["thinking_state_dropped", "messages[1].content[0]"],
    ["relocated", "messages[2].content[0].content"],
  ]);
});

Deno.test("gemini encode: state of another Gemini model stays home; a URL image is refused", () => {
  const ir = decode({
    contents: [user, {
      role: "model",
      parts: [{ functionCall: { id: "a", name: "f", args: {} }, thoughtSignature: "s" }],
    }],
  });
  const call = ir.messages[1]!.content[0]!;
  assert.equal(call.type === "tool_call" && call.state?.value, "s");
  if (call.type === "tool_call") call.state = { ...call.state!, model: "gemini-3-pro" };
  const notes = new Notes();
  const out = encodeGeminiRequest(ir, geminiApiOptions, notes);
  assert.deepEqual((out["contents"] as { parts: unknown[] }[])[1]!.parts, [{
    functionCall: { id: "a", name: "f", args: {} },
  }]);
  assert.equal(notes.list[0]!.code, "thinking_state_dropped");
  ir.messages[0]!.content.push({
    type: "image",
    source: { kind: "url", url: "https://x/y.png", mediaType: null },
    detail: null,
  });
  assert.throws(
    () => encodeGeminiRequest(ir, geminiApiOptions, new Notes()),
    (e) => e instanceof TranslationError && e.field === "messages[0].content[1].source.url",
  );
});

Deno.test("gemini answers: blocked prompt, unknown usage, function response objects", () => {
  const blocked = decodeGeminiResponse(
    {
      promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
      usageMetadata: { promptTokenCount: 7, totalTokenCount: 7 },
    },
    "gemini-2.5-flash",
    new Notes(),
  );
  assert.equal(blocked.stopReason, "content_filter");
  assert.equal(blocked.providerStopReason, "PROHIBITED_CONTENT");
  assert.deepEqual(blocked.usage, {
    inputTokens: 7,
    cachedInputTokens: 0,
    cacheWriteTokens: null,
    outputTokens: 0,
    reasoningTokens: 0,
  });
  const bare = decodeGeminiResponse(
    { candidates: [{ content: { parts: [{ text: "x" }] }, finishReason: "STOP" }] },
    "m",
    new Notes(),
  );
  assert.deepEqual(bare.usage, {
    inputTokens: null,
    cachedInputTokens: null,
    cacheWriteTokens: null,
    outputTokens: null,
    reasoningTokens: null,
  });
  assert.equal(bare.model, "m");
  const notes = new Notes();
  const out = encodeGeminiResponse(bare, geminiApiOptions, notes);
  assert.deepEqual(out["usageMetadata"], {
    promptTokenCount: 0,
    candidatesTokenCount: 0,
    totalTokenCount: 0,
  });
  assert.deepEqual(notes.list.map((n) => n.code), ["usage_unknown", "usage_unknown"]);
});

Deno.test("gemini encode: schemas reduced to Gemini's subset, names and object parameters checked", () => {
  const ir = decode({ contents: [user] });
  ir.tools = [{
    name: "f",
    description: null,
    parameters: {
      $schema: "http://json-schema.org/draft-07/schema#",
      type: "object",
      properties: {
        a: { type: "string", pattern: "^x", const: "x" },
        b: { $ref: "#/$defs/B", description: "kept out" },
        c: { type: "array", items: { type: "integer", default: 1 } },
      },
      $defs: { B: { type: "number", minimum: 0 } },
      additionalProperties: false,
      required: ["a"],
    },
    strict: true,
  }];
  const notes = new Notes();
  const out = encodeGeminiRequest(ir, geminiApiOptions, notes);
  assert.deepEqual(out["tools"], [{
    functionDeclarations: [{
      name: "f",
      parametersJsonSchema: {
        type: "object",
        properties: {
          a: { type: "string", enum: ["x"] },
          b: { $ref: "#/$defs/B" },
          c: { type: "array", items: { type: "integer" } },
        },
        $defs: { B: { type: "number", minimum: 0 } },
        additionalProperties: false,
        required: ["a"],
      },
    }],
  }]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [
    ["dropped", "tools[0].strict"],
    ["dropped", "tools[0].parameters.$schema"],
    ["dropped", "tools[0].parameters.properties.a.pattern"],
    ["converted", "tools[0].parameters.properties.a.const"],
    ["dropped", "tools[0].parameters.properties.b.description"],
    ["dropped", "tools[0].parameters.properties.c.items.default"],
  ]);
  for (
    const [tool, field] of [
      [{ name: "1bad", parameters: { type: "object" } }, "tools[0].name"],
      [{ name: "ok", parameters: { type: "string" } }, "tools[0].parameters.type"],
      [
        { name: "ok", parameters: { type: "object", properties: [] } },
        "tools[0].parameters.properties",
      ],
    ] as const
  ) {
    ir.tools = [{ ...tool, description: null, strict: null } as never];
    assert.throws(
      () => encodeGeminiRequest(ir, geminiApiOptions, new Notes()),
      (e) => e instanceof TranslationError && e.field === field,
      field,
    );
  }
});

Deno.test("gemini answers without call ids: ids from the responseId, the same streamed and not", () => {
  const parts = [
    { functionCall: { name: "f", args: { a: 1 } } },
    { functionCall: { name: "f", args: { a: 2 } } },
  ];
  const answer = {
    candidates: [{ content: { role: "model", parts }, finishReason: "STOP" }],
    responseId: "r/1",
  };
  const ir = decodeGeminiResponse(answer, "g", new Notes());
  const ids = ir.content.map((b) => b.type === "tool_call" ? b.id : "");
  assert.deepEqual(ids, ["gemini_r_1_0", "gemini_r_1_1"]);
  const d = new GeminiStreamDecoder("g", new Notes());
  const events = [...d.chunk(answer), ...d.end()];
  const streamed = events.flatMap((e) =>
    e.type === "block_start" && e.block.type === "tool_call" ? [e.block.id] : []
  );
  assert.deepEqual(streamed, ids);
  const none = decodeGeminiResponse({ ...answer, responseId: undefined }, "g", new Notes());
  assert.equal(none.content[0]!.type === "tool_call" && none.content[0]!.id, "gemini_call_0");
});
