/**
 * IR → Anthropic Messages request [an `MessageCreateParamsBase`]: what Anthropic refuses is
 * dropped with a note or refused with a 400 naming the field (plan section 2.3).
 */
import type { Effort, Request } from "./ir.ts";
import { compact, type Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { encodeAnthropicBlock, ownState } from "./anthropic_messages_blocks.ts";
import { type BlockTarget, encodeMergedMessages } from "./merged_messages_encode.ts";
import { budgetOfEffort, minBudget } from "./reasoning.ts";
import { thinkingNotResumedWhy, thinkingResumes } from "./thinking_resume.ts";

export interface AnthropicEncodeOptions {
  /** `max_tokens` when the client gave none (Anthropic requires it): the target model's limit
   *  from the price table, or null to refuse with a 400. */
  defaultMaxTokens: number | null;
  /** The target model takes `thinking: {type: "adaptive"}` with `output_config.effort`
   *  [an `ThinkingConfigAdaptive`, `OutputConfig`]; else an effort becomes a budget. */
  adaptiveThinking: boolean;
}

function encodeSystem(req: Request, notes: Notes): string | null {
  if (req.instructions.length === 0) return null;
  req.instructions.forEach((ins, i) => {
    if (ins.role === "developer") {
      notes.add(
        "converted",
        `instructions[${i}]`,
        "developer instructions joined Anthropic's system prompt",
      );
    }
  });
  return req.instructions.map((i) => i.text).join("\n\n");
}

const blockTarget: BlockTarget = {
  name: "Anthropic",
  encodeBlock: (b, field, model, notes) => encodeAnthropicBlock(b, field, model, notes),
  isToolResult: (b) => b["type"] === "tool_result",
};

function encodeMessages(req: Request, notes: Notes): Obj[] {
  return encodeMergedMessages(req, notes, blockTarget);
}

/**
 * Anthropic refuses `tool_use`/`tool_result` blocks in a request that defines no tools
 * ("…must define tools", plan section 11); Chat accepts such a history. The tools the history
 * names are declared with an open schema and `tool_choice: none`, so the model cannot call them.
 */
function historyTools(req: Request, notes: Notes): { tools: Obj[]; choice: Obj } | null {
  if (req.tools.length > 0) return null;
  const names = new Set<string>();
  for (const m of req.messages) {
    for (const b of m.content) if (b.type === "tool_call") names.add(b.name);
  }
  if (names.size === 0) return null;
  notes.add(
    "converted",
    "tools",
    "tools named in the history were declared for Anthropic, with tool_choice none",
  );
  const tools = [...names].map((name) => ({ name, input_schema: { type: "object" } }));
  return { tools, choice: { type: "none" } };
}

function encodeTools(req: Request): Obj[] | null {
  if (req.tools.length === 0) return null;
  return req.tools.map((t) =>
    compact({
      name: t.name,
      description: t.description,
      input_schema: t.parameters,
      strict: t.strict,
    })
  );
}

/** No tools, no choice: a tool choice without tools means nothing and is not sent. */
function encodeToolChoice(req: Request): Obj | null {
  const disable = req.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  const c = req.toolChoice;
  if (req.tools.length === 0) return null;
  if (c === null) {
    return req.parallelToolCalls === false && req.tools.length > 0
      ? { type: "auto", ...disable }
      : null;
  }
  switch (c.kind) {
    case "auto":
      return { type: "auto", ...disable };
    case "required":
      return { type: "any", ...disable };
    case "none":
      return { type: "none" };
    case "tool":
      return { type: "tool", name: c.name, ...disable };
  }
}

function anthropicEffort(effort: Effort, notes: Notes): string {
  if (effort !== "minimal") return effort;
  notes.add("converted", "reasoning.effort", "Anthropic has no minimal effort; low was sent");
  return "low";
}

/** Reasoning asked for without an effort or a budget: OpenAI's default effort. */
const defaultEffort = "medium";

/**
 * Effort without a budget: adaptive thinking with that effort on models that have it
 * (`adaptiveThinking`), else a budget from the plan's table (section 2.7), noted.
 */
function encodeThinking(
  req: Request,
  maxTokens: number,
  options: AnthropicEncodeOptions,
  notes: Notes,
): { thinking: Obj | null; effort: string | null } {
  const r = req.reasoning;
  if (r === null) return { thinking: null, effort: null };
  if (!r.enabled || r.effort === "none") return { thinking: { type: "disabled" }, effort: null };
  const display = r.summary === "omitted" ? "omitted" : r.summary === null ? null : "summarized";
  if (r.budgetTokens === null && options.adaptiveThinking) {
    const effort = r.effort === null ? null : anthropicEffort(r.effort, notes);
    return { thinking: compact({ type: "adaptive", display }), effort };
  }
  // Other models refuse adaptive thinking ("adaptive thinking is not supported on this model":
  // Haiku 4.5, docker/docker-agent#3362, mnfst/llm-gateway#1908): a budget, from the default
  // effort (OpenAI's, medium) when the client asked for reasoning without one (Codex does).
  const asked = (r.effort ?? defaultEffort) as Exclude<Effort, "none">;
  const budget = r.budgetTokens ?? budgetOfEffort(asked, maxTokens);
  // A budget must be ≥1024 and below max_tokens [an `ThinkingConfigEnabled.budget_tokens`].
  if (budget < minBudget || budget >= maxTokens) {
    notes.add(
      "dropped",
      "reasoning",
      `a thinking budget of ${budget} does not fit Anthropic's 1024 ≤ budget < max_tokens ${maxTokens}`,
    );
    return { thinking: null, effort: null };
  }
  if (r.budgetTokens === null) {
    notes.add(
      "converted",
      "reasoning.effort",
      `effort ${
        r.effort ?? `${defaultEffort} (the default)`
      } became a thinking budget of ${budget} tokens`,
    );
    return { thinking: compact({ type: "enabled", budget_tokens: budget, display }), effort: null };
  }
  const effort = r.effort === null ? null : anthropicEffort(r.effort, notes);
  return { thinking: compact({ type: "enabled", budget_tokens: budget, display }), effort };
}

/**
 * "Tool use with thinking only supports tool_choice auto or none" (Anthropic's extended-thinking
 * page as quoted in run-llama/llama_index#19641): a forced tool choice wins, thinking is dropped.
 */
function thinkingAllowed(req: Request, notes: Notes): boolean {
  const r = req.reasoning;
  if (r === null || !r.enabled || r.effort === "none") return true;
  const forced = req.toolChoice?.kind === "required" || req.toolChoice?.kind === "tool";
  if (forced) {
    notes.add("dropped", "reasoning", "Anthropic refuses thinking with a forced tool choice");
  }
  return !forced;
}

/** Claude's rule on thinking in a tool loop (thinking_resume.ts): off when it cannot resume. */
function thinkingResumable(req: Request, notes: Notes): boolean {
  const r = req.reasoning;
  if (r === null || !r.enabled || r.effort === "none") return true;
  if (thinkingResumes(req, ownState)) return true;
  notes.add("dropped", "reasoning", thinkingNotResumedWhy);
  return false;
}

/** With thinking on, Anthropic takes no temperature or top_k and top_p only from 0.95 to 1
 *  [unverified: plan section 11]: those are dropped with a note. */
function thinkingSampling(req: Request, notes: Notes): Request["sampling"] {
  const s = { ...req.sampling };
  if (s.temperature !== null) {
    notes.add("dropped", "temperature", "Anthropic takes no temperature with thinking");
  }
  if (s.topK !== null) notes.add("dropped", "top_k", "Anthropic takes no top_k with thinking");
  if (s.topP !== null && s.topP < 0.95) {
    notes.add("dropped", "top_p", "Anthropic takes top_p from 0.95 with thinking");
  }
  return {
    ...s,
    temperature: null,
    topK: null,
    topP: s.topP !== null && s.topP >= 0.95 ? s.topP : null,
  };
}

function encodeFormat(f: Request["responseFormat"], notes: Notes): Obj | null {
  if (f === null || f.kind === "text") return null;
  if (f.kind === "json_object") {
    notes.add("converted", "response_format", 'JSON mode became the schema {"type":"object"}');
    return { type: "json_schema", schema: { type: "object" } };
  }
  if (f.name !== null) {
    notes.add("dropped", "response_format.json_schema.name", "Anthropic's schema has no name");
  }
  return { type: "json_schema", schema: f.schema };
}

function noteSampling(req: Request, notes: Notes): void {
  const s = req.sampling;
  if (s.seed !== null) notes.add("dropped", "seed", "Anthropic has no seed");
  if (s.presencePenalty !== null) {
    notes.add("dropped", "presence_penalty", "Anthropic has no presence penalty");
  }
  if (s.frequencyPenalty !== null) {
    notes.add("dropped", "frequency_penalty", "Anthropic has no frequency penalty");
  }
}

export function encodeAnthropicRequest(
  req: Request,
  options: AnthropicEncodeOptions,
  notes: Notes,
): Obj {
  const maxTokens = req.maxOutputTokens ?? options.defaultMaxTokens;
  if (maxTokens === null) {
    throw new TranslationError(
      "max_tokens",
      "is required by Anthropic and the target model's limit is not known; send it",
    );
  }
  noteSampling(req, notes);
  const { thinking, effort } = thinkingAllowed(req, notes) && thinkingResumable(req, notes)
    ? encodeThinking(req, maxTokens, options, notes)
    : { thinking: null, effort: null };
  const sampling = thinking !== null && thinking["type"] !== "disabled"
    ? thinkingSampling(req, notes)
    : req.sampling;
  const format = encodeFormat(req.responseFormat, notes);
  const config = compact({ effort, format });
  const history = historyTools(req, notes);
  return compact({
    model: req.model,
    max_tokens: maxTokens,
    system: encodeSystem(req, notes),
    messages: encodeMessages(req, notes),
    tools: history?.tools ?? encodeTools(req),
    tool_choice: history?.choice ?? encodeToolChoice(req),
    temperature: sampling.temperature,
    top_p: sampling.topP,
    top_k: sampling.topK,
    stop_sequences: req.stop.length === 0 ? null : req.stop,
    thinking,
    output_config: Object.keys(config).length === 0 ? null : config,
    metadata: req.user === null ? null : { user_id: req.user },
    stream: req.stream ? true : null,
  });
}
