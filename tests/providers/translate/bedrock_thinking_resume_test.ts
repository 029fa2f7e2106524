/**
 * Claude through Bedrock Converse in a tool loop with thinking on (issue 21 part T11): Claude
 * wants its own signed reasoning block back before the last tool call (the Anthropic API's 400,
 * which Bedrock passes on). A history without one (another protocol's, or an Anthropic client's
 * whose thinking came with an empty signature) leaves thinking off for that request, noted, as
 * the Anthropic encoder does; Bedrock's own signed reasoning keeps it on.
 */
import assert from "node:assert/strict";
import {
  converseOptions,
  encodeConverseRequest,
  noSampling,
  Notes,
  type OpaqueState,
  type Request,
} from "../../../src/providers/translate/mod.ts";

const model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

function loop(state: OpaqueState | null): Request {
  const thinking = state === null
    ? []
    : [{ type: "thinking" as const, text: "hm", kind: "full" as const, state }];
  return {
    model,
    instructions: [],
    messages: [
      { role: "user", content: [{ type: "text", text: "run it" }] },
      {
        role: "assistant",
        content: [...thinking, {
          type: "tool_call",
          id: "tooluse_1",
          name: "sh",
          arguments: {},
          argumentsText: null,
          state: null,
        }],
      },
      {
        role: "user",
        content: [{
          type: "tool_result",
          callId: "tooluse_1",
          name: "sh",
          content: [],
          isError: false,
        }],
      },
    ],
    tools: [{ name: "sh", description: null, parameters: { type: "object" }, strict: null }],
    toolChoice: null,
    parallelToolCalls: null,
    maxOutputTokens: 8000,
    sampling: noSampling,
    stop: [],
    responseFormat: null,
    reasoning: { enabled: true, effort: null, budgetTokens: 2048, summary: null },
    stream: false,
    user: null,
    previousResponseId: null,
  };
}

const signed = (origin: OpaqueState["origin"]): OpaqueState => ({
  origin,
  model,
  value: "c2ln",
  itemId: null,
});

const cases: { name: string; state: OpaqueState | null; on: boolean }[] = [
  { name: "no reasoning before the call", state: null, on: false },
  { name: "the Anthropic API's signature", state: signed("anthropic.messages"), on: false },
  { name: "Bedrock's own signed reasoning", state: signed("bedrock.converse"), on: true },
];

for (const c of cases) {
  Deno.test(`Converse encode, a Claude tool loop with thinking on: ${c.name}`, () => {
    const notes = new Notes();
    const body = encodeConverseRequest(loop(c.state), converseOptions, notes) as Record<
      string,
      Record<string, unknown> | undefined
    >;
    const thinking = body["additionalModelRequestFields"]?.["thinking"];
    assert.deepEqual(thinking, c.on ? { type: "enabled", budget_tokens: 2048 } : undefined);
    const dropped = notes.list.some((n) => n.code === "dropped" && n.field === "reasoning");
    assert.equal(dropped, !c.on);
  });
}
