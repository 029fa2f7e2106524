/**
 * OpenAI Responses answer ⇄ IR [oa `responses.d.ts` `Response`, `ResponseOutputItem`,
 * `ResponseUsage`]. Stop reasons: plan section 2.8; `status` + `incomplete_details.reason`
 * decide, and function_call items make a tool turn.
 */
import {
  type ContentBlock,
  type Response,
  type StopReason,
  unknownUsage,
  type Usage,
} from "./ir.ts";
import {
  asArray,
  asObject,
  asString,
  isObject,
  limits,
  type Obj,
  optNumber,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { decodeReasoning, responses } from "./openai_responses_items.ts";
import { requiredUsageCount } from "./usage_count.ts";
import { modelArguments } from "./model_arguments.ts";

export function decodeResponsesUsage(v: unknown): Usage {
  if (!isObject(v)) {
    return { ...unknownUsage };
  }
  const input = isObject(v["input_tokens_details"]) ? v["input_tokens_details"] : {};
  const output = isObject(v["output_tokens_details"]) ? v["output_tokens_details"] : {};
  return {
    inputTokens: optNumber(v, "input_tokens", "usage"),
    cachedInputTokens: optNumber(input, "cached_tokens", "usage.input_tokens_details"),
    // [oa `ResponseUsage.InputTokensDetails.cache_write_tokens`] (openai 7.57.0).
    cacheWriteTokens: optNumber(input, "cache_write_tokens", "usage.input_tokens_details"),
    outputTokens: optNumber(v, "output_tokens", "usage"),
    reasoningTokens: optNumber(output, "reasoning_tokens", "usage.output_tokens_details"),
  };
}

interface Decoded {
  content: ContentBlock[];
  refused: boolean;
}

function decodeItem(v: unknown, field: string, out: Decoded, notes: Notes): void {
  const o = asObject(v, field);
  switch (o["type"]) {
    case "message":
      asArray(o["content"], `${field}.content`, limits.blocks).forEach((p, j) => {
        const f = `${field}.content[${j}]`;
        const part = asObject(p, f);
        if (part["type"] === "refusal") {
          out.refused = true;
          out.content.push({ type: "text", text: asString(part["refusal"], `${f}.refusal`) });
        } else if (part["type"] === "output_text") {
          out.content.push({ type: "text", text: asString(part["text"], `${f}.text`) });
        } else notes.add("dropped", f, `a ${JSON.stringify(part["type"])} part is not translated`);
      });
      return;
    case "function_call": {
      const text = asString(o["arguments"], `${field}.arguments`);
      out.content.push({
        type: "tool_call",
        id: asString(o["call_id"], `${field}.call_id`),
        name: asString(o["name"], `${field}.name`),
        arguments: modelArguments(text, `${field}.arguments`, notes),
        argumentsText: text,
        state: null,
      });
      return;
    }
    case "reasoning":
      out.content.push(...decodeReasoning(o, field));
      return;
    default:
      notes.add("dropped", field, `an output item of type ${JSON.stringify(o["type"])}`);
  }
}

/** `status` + `incomplete_details.reason` of a response object, and what its output held. */
export function stopOfResponse(
  o: Obj,
  hasCall: boolean,
  refused: boolean,
): { stop: StopReason; raw: string | null } {
  const status = optString(o, "status", "");
  const details = isObject(o["incomplete_details"]) ? o["incomplete_details"] : {};
  const reason = optString(details, "reason", "incomplete_details");
  if (status === "incomplete") {
    const raw = reason === null ? "incomplete" : `incomplete:${reason}`;
    if (reason === "max_output_tokens") return { stop: "max_tokens", raw };
    if (reason === "content_filter") return { stop: "content_filter", raw };
    return { stop: "other", raw };
  }
  if (status !== "completed") return { stop: "other", raw: status };
  if (hasCall) return { stop: "tool_use", raw: status };
  return { stop: refused ? "refusal" : "end_turn", raw: status };
}

export function decodeResponsesResponse(body: unknown, notes: Notes): Response {
  const o = asObject(body, "body");
  const d: Decoded = { content: [], refused: false };
  asArray(o["output"], "output", limits.blocks).forEach((item, i) =>
    decodeItem(item, `output[${i}]`, d, notes)
  );
  const hasCall = d.content.some((b) => b.type === "tool_call");
  const { stop, raw } = stopOfResponse(o, hasCall, d.refused);
  return {
    id: asString(o["id"], "id"),
    model: asString(o["model"], "model"),
    content: d.content,
    stopReason: stop,
    providerStopReason: raw,
    stopSequence: null,
    usage: decodeResponsesUsage(o["usage"]),
  };
}

const count = requiredUsageCount("Responses'");

export function encodeResponsesUsage(u: Usage, notes: Notes): Obj {
  const input = count(u.inputTokens, "usage.input_tokens", notes);
  const output = count(u.outputTokens, "usage.output_tokens", notes);
  const inputDetails: Obj = {
    cached_tokens: count(u.cachedInputTokens, "usage.input_tokens_details.cached_tokens", notes),
  };
  if (u.cacheWriteTokens !== null) inputDetails["cache_write_tokens"] = u.cacheWriteTokens;
  return {
    input_tokens: input,
    input_tokens_details: inputDetails,
    output_tokens: output,
    output_tokens_details: {
      reasoning_tokens: count(
        u.reasoningTokens,
        "usage.output_tokens_details.reasoning_tokens",
        notes,
      ),
    },
    total_tokens: input + output,
  };
}

/** IR stop reason → `status` and `incomplete_details` (plan section 2.8). */
export function statusOfStop(stop: StopReason): { status: string; incomplete: Obj | null } {
  if (stop === "max_tokens" || stop === "context_window_exceeded") {
    return { status: "incomplete", incomplete: { reason: "max_output_tokens" } };
  }
  if (stop === "content_filter") {
    return { status: "incomplete", incomplete: { reason: "content_filter" } };
  }
  return { status: "completed", incomplete: null };
}

export interface ResponsesResponseOptions {
  /** `created_at` in Unix seconds: the caller's clock, so the codec stays pure. */
  createdAt: number;
}

export function encodeResponsesResponse(
  res: Response,
  options: ResponsesResponseOptions,
  notes: Notes,
): Obj {
  const output = encodeOutputItems(res, notes);
  const { status, incomplete } = statusOfStop(res.stopReason);
  return {
    id: res.id,
    object: "response",
    created_at: options.createdAt,
    status,
    error: null,
    incomplete_details: incomplete,
    model: res.model,
    output,
    usage: encodeResponsesUsage(res.usage, notes),
  };
}

/** Item ids the client may send back: the upstream's when this protocol made them, else minted
 *  from the answer id and the position, so the same answer always gives the same ids. */
export function encodeOutputItems(res: Response, notes: Notes): Obj[] {
  const items: Obj[] = [];
  let texts: Obj[] = [];
  const refusal = res.stopReason === "refusal";
  const flush = () => {
    if (texts.length === 0) return;
    items.push({
      type: "message",
      id: `msg_${res.id}_${items.length}`,
      status: "completed",
      role: "assistant",
      content: texts,
    });
    texts = [];
  };
  let reasoning: Obj | null = null;
  res.content.forEach((b, i) => {
    const field = `content[${i}]`;
    if (b.type !== "thinking" && b.type !== "redacted_thinking") reasoning = null;
    if (b.type === "text") {
      texts.push(
        refusal
          ? { type: "refusal", refusal: b.text }
          : { type: "output_text", text: b.text, annotations: [] },
      );
      return;
    }
    flush();
    if (b.type === "tool_call") {
      items.push({
        type: "function_call",
        id: `fc_${b.id}`,
        call_id: b.id,
        name: b.name,
        arguments: b.argumentsText ?? JSON.stringify(b.arguments),
        status: "completed",
      });
    } else if (b.type === "thinking" || b.type === "redacted_thinking") {
      reasoning = thinkingItem(b, reasoning, res.id, items, field, notes);
    } else throw new TranslationError(field, `an answer cannot hold a ${b.type} block`);
  });
  flush();
  return items;
}

/** Consecutive thinking blocks are one reasoning item until a block carrying a state closes it
 *  (decodeReasoning). Foreign state shows no encrypted content (the seal, part T5, has already
 *  put it here when it may travel). Returns the item still open, or null. */
function thinkingItem(
  b: Extract<ContentBlock, { type: "thinking" | "redacted_thinking" }>,
  open: Obj | null,
  id: string,
  items: Obj[],
  field: string,
  notes: Notes,
): Obj | null {
  let item = open;
  if (item === null) {
    item = {
      type: "reasoning",
      id: `rs_${id}_${items.length}`,
      summary: [],
      encrypted_content: null,
    };
    items.push(item);
  }
  if (b.type === "thinking" && b.text !== "") {
    if (b.kind === "summary") {
      (item["summary"] as Obj[]).push({ type: "summary_text", text: b.text });
    } else {
      const content = (item["content"] as Obj[] | undefined) ?? [];
      content.push({ type: "reasoning_text", text: b.text });
      item["content"] = content;
    }
  }
  const state = b.state;
  if (state === null) return item;
  if (state.origin !== responses) {
    notes.add("thinking_state_dropped", field, `state of ${state.origin}`);
    return null;
  }
  if (state.itemId !== null) item["id"] = state.itemId;
  item["encrypted_content"] = state.value;
  return null;
}
