/** Table tests of the Gemini codec's rules (plan sections 2.4, 2.7, 2.8). */
import assert from "node:assert/strict";
import {
  decodeGeminiRequest,
  encodeGeminiRequest,
  geminiApiOptions,
  type GeminiEncodeOptions,
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
