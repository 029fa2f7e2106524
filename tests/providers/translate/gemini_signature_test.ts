/**
 * Function calls toward Gemini 3 (issue 21 part T11, found with Claude Code and Codex on a Gemini
 * 3 route): Gemini 3 refuses a step whose first function call carries no thought signature, so a
 * call without Gemini's own state (made by another protocol, or whose signature the client could
 * not keep) gets the documented `skip_thought_signature_validator`, noted; Gemini's own signature
 * is sent as it came; Gemini 2.5 and answers to a client get nothing added.
 */
import assert from "node:assert/strict";
import {
  encodeGeminiRequest,
  geminiApiOptions,
  noSampling,
  Notes,
  type OpaqueState,
  type Request,
} from "../../../src/providers/translate/mod.ts";

function call(id: string, state: OpaqueState | null) {
  return {
    type: "tool_call" as const,
    id,
    name: "sh",
    arguments: { cmd: id },
    argumentsText: null,
    state,
  };
}

function request(model: string, calls: ReturnType<typeof call>[]): Request {
  return {
    model,
    instructions: [],
    messages: [
      { role: "user", content: [{ type: "text", text: "run" }] },
      { role: "assistant", content: calls },
      {
        role: "user",
        content: calls.map((c) => ({
          type: "tool_result" as const,
          callId: c.id,
          name: "sh",
          content: [{ type: "text" as const, text: "ok" }],
          isError: false,
        })),
      },
    ],
    tools: [{ name: "sh", description: null, parameters: { type: "object" }, strict: null }],
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
}

const own: OpaqueState = {
  origin: "gemini.generate",
  model: "gemini-3-flash-preview",
  value: "R2VtaW5p",
  itemId: null,
};
const foreign: OpaqueState = { ...own, origin: "anthropic.messages" };

const cases: {
  name: string;
  model: string;
  calls: ReturnType<typeof call>[];
  signatures: (string | undefined)[];
  converted: boolean;
}[] = [
  {
    name: "Gemini 3, a call without state: the skip value",
    model: "gemini-3-flash-preview",
    calls: [call("a", null)],
    signatures: ["skip_thought_signature_validator"],
    converted: true,
  },
  {
    name: "Gemini 3, a call with another protocol's state: the skip value",
    model: "gemini-3-flash-preview",
    calls: [call("a", foreign)],
    signatures: ["skip_thought_signature_validator"],
    converted: true,
  },
  {
    name: "Gemini 3, parallel calls without state: on the first only",
    model: "gemini-3-pro-preview",
    calls: [call("a", null), call("b", null)],
    signatures: ["skip_thought_signature_validator", undefined],
    converted: true,
  },
  {
    name: "Gemini 3, Gemini's own signature: sent as it came",
    model: "gemini-3-flash-preview",
    calls: [call("a", own), call("b", null)],
    signatures: ["R2VtaW5p", undefined],
    converted: false,
  },
  {
    name: "Gemini 2.5: nothing added",
    model: "gemini-2.5-flash",
    calls: [call("a", null)],
    signatures: [undefined],
    converted: false,
  },
];

for (const c of cases) {
  Deno.test(`Gemini encode, thought signatures on calls: ${c.name}`, () => {
    const notes = new Notes();
    const body = encodeGeminiRequest(request(c.model, c.calls), {
      ...geminiApiOptions,
      thinkingField: "thinkingLevel",
    }, notes) as { contents: { parts: Record<string, unknown>[] }[] };
    const parts = body.contents[1]!.parts.filter((p) => p["functionCall"] !== undefined);
    assert.deepEqual(parts.map((p) => p["thoughtSignature"]), c.signatures);
    const converted = notes.list.some((n) =>
      n.code === "converted" && /thought signature/.test(n.why)
    );
    assert.equal(converted, c.converted);
  });
}
