/**
 * Reasoning asked of an Anthropic target (issue 21 part T11, found with the real Codex): models
 * without adaptive thinking (Claude 4.5: "adaptive thinking is not supported on this model", a
 * 400) get a budget, also when the client named no effort (Codex sends `reasoning: {summary:
 * "auto"}` alone), from the default effort, medium, noted; models with it get adaptive thinking.
 * And in a tool loop Anthropic wants its own signed thinking block back before the last call (a
 * 400 otherwise): a history without one (another protocol's, or a Responses client's whose
 * reasoning item carried no Anthropic state) leaves thinking off for that request, noted.
 */
import assert from "node:assert/strict";
import {
  budgetOfEffort,
  encodeAnthropicRequest,
  noSampling,
  Notes,
  type Reasoning,
  type Request,
} from "../../../src/providers/translate/mod.ts";

const base: Request = {
  model: "m",
  instructions: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  toolChoice: null,
  parallelToolCalls: null,
  maxOutputTokens: 32000,
  sampling: noSampling,
  stop: [],
  responseFormat: null,
  reasoning: null,
  stream: false,
  user: null,
  previousResponseId: null,
};

const cases: {
  name: string;
  reasoning: Reasoning;
  adaptive: boolean;
  thinking: unknown;
  effort: string | undefined;
  notes: string[];
}[] = [
  {
    name: "no effort, no adaptive thinking: the default effort's budget",
    reasoning: { enabled: true, effort: null, budgetTokens: null, summary: "auto" },
    adaptive: false,
    thinking: {
      type: "enabled",
      budget_tokens: budgetOfEffort("medium", 32000),
      display: "summarized",
    },
    effort: undefined,
    notes: ["converted reasoning.effort"],
  },
  {
    name: "no effort, adaptive thinking: adaptive without an effort",
    reasoning: { enabled: true, effort: null, budgetTokens: null, summary: "auto" },
    adaptive: true,
    thinking: { type: "adaptive", display: "summarized" },
    effort: undefined,
    notes: [],
  },
  {
    name: "an effort, no adaptive thinking: that effort's budget",
    reasoning: { enabled: true, effort: "high", budgetTokens: null, summary: null },
    adaptive: false,
    thinking: { type: "enabled", budget_tokens: budgetOfEffort("high", 32000) },
    effort: undefined,
    notes: ["converted reasoning.effort"],
  },
  {
    name: "an effort, adaptive thinking: adaptive with the effort",
    reasoning: { enabled: true, effort: "high", budgetTokens: null, summary: null },
    adaptive: true,
    thinking: { type: "adaptive" },
    effort: "high",
    notes: [],
  },
];

for (const c of cases) {
  Deno.test(`Anthropic encode, reasoning: ${c.name}`, () => {
    const notes = new Notes();
    const body = encodeAnthropicRequest(
      { ...base, reasoning: c.reasoning },
      { defaultMaxTokens: null, adaptiveThinking: c.adaptive },
      notes,
    ) as Record<string, unknown>;
    assert.deepEqual(body["thinking"], c.thinking);
    const config = body["output_config"] as Record<string, unknown> | undefined;
    assert.equal(config?.["effort"], c.effort);
    assert.deepEqual(notes.list.map((n) => `${n.code} ${n.field}`), c.notes);
  });
}

/** A tool loop's history: the call (after `before` blocks), then its result. */
function loop(before: Request["messages"][number]["content"]): Request["messages"] {
  return [
    { role: "user", content: [{ type: "text", text: "run it" }] },
    {
      role: "assistant",
      content: [...before, {
        type: "tool_call",
        id: "toolu_1",
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
        callId: "toolu_1",
        name: "sh",
        content: [],
        isError: false,
      }],
    },
  ];
}

const signed = (origin: "anthropic.messages" | "openai.responses", model: string | null) => ({
  type: "thinking" as const,
  text: "hm",
  kind: "full" as const,
  state: { origin, model, value: "c2ln", itemId: null },
});

const resumes: { name: string; before: Request["messages"][number]["content"]; on: boolean }[] = [
  { name: "no thinking before the call (another protocol's history)", before: [], on: false },
  { name: "another protocol's state", before: [signed("openai.responses", null)], on: false },
  { name: "another model's signature", before: [signed("anthropic.messages", "x")], on: false },
  { name: "this model's signed thinking", before: [signed("anthropic.messages", "m")], on: true },
];

for (const c of resumes) {
  Deno.test(`Anthropic encode, a tool loop with thinking on: ${c.name}`, () => {
    const notes = new Notes();
    const body = encodeAnthropicRequest(
      {
        ...base,
        messages: loop(c.before),
        reasoning: { enabled: true, effort: "high", budgetTokens: null, summary: null },
      },
      { defaultMaxTokens: null, adaptiveThinking: true },
      notes,
    ) as Record<string, unknown>;
    assert.deepEqual(body["thinking"], c.on ? { type: "adaptive" } : undefined);
    const dropped = notes.list.some((n) => n.code === "dropped" && n.field === "reasoning");
    assert.equal(dropped, !c.on);
    const assistant = (body["messages"] as { content: { type: string }[] }[])[1]!;
    assert.equal(assistant.content[0]!.type, c.on ? "thinking" : "tool_use");
  });
}
