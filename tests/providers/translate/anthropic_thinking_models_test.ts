/**
 * Reasoning asked of an Anthropic target (issue 21 part T11, found with the real Codex): models
 * without adaptive thinking (Claude 4.5: "adaptive thinking is not supported on this model", a
 * 400) get a budget, also when the client named no effort (Codex sends `reasoning: {summary:
 * "auto"}` alone), from the default effort, medium, noted; models with it get adaptive thinking.
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
