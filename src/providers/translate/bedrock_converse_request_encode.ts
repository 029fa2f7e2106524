/**
 * IR → Bedrock Converse request body [br `ConverseRequest`]; the model id goes in the path
 * (`/model/{modelId}/converse`), so the body names none. Plan section 2.5.
 */
import type { Request } from "./ir.ts";
import { compact, type Obj } from "./json.ts";
import type { Notes } from "./notes.ts";
import { encodeConverseBlock, ownState } from "./bedrock_converse_blocks.ts";
import { type BlockTarget, encodeMergedMessages } from "./merged_messages_encode.ts";
import { budgetOfEffort, minBudget } from "./reasoning.ts";
import { thinkingNotResumedWhy, thinkingResumes } from "./thinking_resume.ts";
import { bedrockModelId } from "../bedrock_model_id.ts";

export interface ConverseEncodeOptions {
  /** The model takes Anthropic's `thinking` and `top_k` in `additionalModelRequestFields`
   *  (Claude on Bedrock); null: read it from the model id's provider (`anthropic.…`). */
  anthropicFields: boolean | null;
}

export const converseOptions: ConverseEncodeOptions = { anthropicFields: null };

function isClaude(req: Request, options: ConverseEncodeOptions): boolean {
  return options.anthropicFields ?? bedrockModelId(req.model).provider === "anthropic";
}

const blockTarget: BlockTarget = {
  name: "Bedrock",
  encodeBlock: (b, field, model, notes) => encodeConverseBlock(b, field, model, notes),
  isToolResult: (b) => b["toolResult"] !== undefined,
};

function encodeMessages(req: Request, notes: Notes): Obj[] {
  return encodeMergedMessages(req, notes, blockTarget);
}

function historyNames(req: Request): string[] {
  const names = new Set<string>();
  for (const m of req.messages) {
    for (const b of m.content) if (b.type === "tool_call") names.add(b.name);
  }
  return [...names];
}

/**
 * Bedrock refuses toolUse/toolResult blocks without a `toolConfig` (plan section 11), and
 * Converse has no `none` choice [br `ToolChoice`: auto, any, tool]. So: no tools but a history
 * with calls → the history's tools declared with an open schema, noted; choice `none` → no
 * `toolConfig` at all, or, when the history needs one, the tools without a choice, noted.
 */
function encodeToolConfig(req: Request, notes: Notes): Obj | null {
  const history = historyNames(req);
  if (req.tools.length === 0) {
    if (history.length === 0) return null;
    notes.add("converted", "toolConfig", "tools named in the history were declared for Bedrock");
    return {
      tools: history.map((name) => ({
        toolSpec: { name, inputSchema: { json: { type: "object" } } },
      })),
    };
  }
  const tools = req.tools.map((t) => ({
    toolSpec: compact({
      name: t.name,
      description: t.description,
      inputSchema: { json: t.parameters },
      strict: t.strict,
    }),
  }));
  if (req.parallelToolCalls === false) {
    notes.add("dropped", "parallel_tool_calls", "Bedrock Converse cannot forbid parallel calls");
  }
  const c = req.toolChoice;
  if (c?.kind === "none") {
    if (history.length === 0) {
      notes.add("dropped", "tools", "tool choice none: Converse has no none; tools not sent");
      return null;
    }
    notes.add(
      "dropped",
      "toolConfig.toolChoice",
      "Converse has no none; the history needs the tools",
    );
    return { tools };
  }
  const choice = c === null
    ? null
    : c.kind === "auto"
    ? { auto: {} }
    : c.kind === "required"
    ? { any: {} }
    : { tool: { name: c.name } };
  return compact({ tools, toolChoice: choice });
}

/** Claude's thinking in the extra fields; same rules as T0's Anthropic encoder. */
function encodeThinking(req: Request, claude: boolean, notes: Notes): Obj | null {
  const r = req.reasoning;
  if (r === null) return null;
  if (!claude) {
    notes.add("dropped", "reasoning", "the model's reasoning fields are not known to the gateway");
    return null;
  }
  if (!r.enabled || r.effort === "none") return { type: "disabled" };
  const forced = req.toolChoice?.kind === "required" || req.toolChoice?.kind === "tool";
  if (forced) {
    notes.add("dropped", "reasoning", "Claude refuses thinking with a forced tool choice");
    return null;
  }
  // Claude's rule on thinking in a tool loop (thinking_resume.ts).
  if (!thinkingResumes(req, ownState)) {
    notes.add("dropped", "reasoning", thinkingNotResumedWhy);
    return null;
  }
  const budget = r.budgetTokens ?? budgetOfEffort(r.effort ?? "medium", req.maxOutputTokens);
  if (budget < minBudget || (req.maxOutputTokens !== null && budget >= req.maxOutputTokens)) {
    notes.add(
      "dropped",
      "reasoning",
      `a thinking budget of ${budget} does not fit 1024 ≤ budget < maxTokens`,
    );
    return null;
  }
  if (r.budgetTokens === null) {
    notes.add(
      "converted",
      "reasoning.effort",
      `effort ${r.effort ?? "default"} became a thinking budget of ${budget} tokens`,
    );
  }
  return { type: "enabled", budget_tokens: budget };
}

function encodeFormat(f: Request["responseFormat"], notes: Notes): Obj | null {
  if (f === null || f.kind === "text") return null;
  const schema = f.kind === "json_object" ? { type: "object" } : f.schema;
  if (f.kind === "json_object") {
    notes.add("converted", "response_format", 'JSON mode became the schema {"type":"object"}');
  }
  const name = f.kind === "json_schema" ? f.name : null;
  return {
    type: "json_schema",
    structure: { jsonSchema: compact({ schema: JSON.stringify(schema), name }) },
  };
}

function noteSampling(req: Request, notes: Notes): void {
  const s = req.sampling;
  if (s.seed !== null) notes.add("dropped", "seed", "Bedrock Converse has no seed");
  if (s.presencePenalty !== null) notes.add("dropped", "presence_penalty", "Converse has none");
  if (s.frequencyPenalty !== null) notes.add("dropped", "frequency_penalty", "Converse has none");
  if (req.user !== null) notes.add("dropped", "user", "Converse has no end-user field");
}

export function encodeConverseRequest(
  req: Request,
  options: ConverseEncodeOptions,
  notes: Notes,
): Obj {
  noteSampling(req, notes);
  const claude = isClaude(req, options);
  const thinking = encodeThinking(req, claude, notes);
  const thinkingOn = thinking !== null && thinking["type"] === "enabled";
  let { temperature, topP, topK } = req.sampling;
  if (topK !== null && !claude) {
    notes.add("dropped", "top_k", "the model's top_k field is not known to the gateway");
    topK = null;
  }
  if (thinkingOn && (temperature !== null || topK !== null)) {
    notes.add("dropped", "temperature", "Claude takes no temperature or top_k with thinking");
    temperature = null;
    topK = null;
  }
  if (thinkingOn && topP !== null && topP < 0.95) {
    notes.add("dropped", "top_p", "Claude takes top_p from 0.95 with thinking");
    topP = null;
  }
  const inference = compact({
    maxTokens: req.maxOutputTokens,
    temperature,
    topP,
    stopSequences: req.stop.length === 0 ? null : req.stop,
  });
  const extra = compact({ thinking, top_k: topK });
  const format = encodeFormat(req.responseFormat, notes);
  return compact({
    messages: encodeMessages(req, notes),
    system: req.instructions.length === 0 ? null : req.instructions.map((i) => ({ text: i.text })),
    inferenceConfig: Object.keys(inference).length === 0 ? null : inference,
    toolConfig: encodeToolConfig(req, notes),
    additionalModelRequestFields: Object.keys(extra).length === 0 ? null : extra,
    outputConfig: format === null ? null : { textFormat: format },
  });
}
