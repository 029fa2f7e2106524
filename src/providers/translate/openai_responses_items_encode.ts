/**
 * IR messages → OpenAI Responses input items (plan section 2.2). Reasoning goes upstream only
 * as an item of this protocol (and of the target model, or no model known): foreign thinking
 * is dropped with a note (plan section 3).
 */
import type {
  ContentBlock,
  MediaSource,
  Message,
  OpaqueState,
  ThinkingBlock,
  ToolResultContent,
} from "./ir.ts";
import type { Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { responses } from "./openai_responses_items.ts";

function ownState(state: OpaqueState | null, model: string): boolean {
  return state !== null && state.origin === responses &&
    (state.model === null || state.model === model);
}

function mediaUrl(s: MediaSource, field: string): Obj {
  if (s.kind === "base64") return { image_url: `data:${s.mediaType};base64,${s.data}` };
  if (s.kind === "url") return { image_url: s.url };
  if (s.origin === responses || s.origin === "openai.chat") return { file_id: s.fileId };
  throw new TranslationError(field, `a file id of ${s.origin} means nothing to OpenAI`);
}

function fileFields(s: MediaSource, field: string): Obj {
  if (s.kind === "base64") return { file_data: `data:${s.mediaType};base64,${s.data}` };
  if (s.kind === "url") return { file_url: s.url };
  if (s.origin === responses || s.origin === "openai.chat") return { file_id: s.fileId };
  throw new TranslationError(field, `a file id of ${s.origin} means nothing to OpenAI`);
}

export function encodeInputPart(b: ContentBlock, field: string): Obj {
  switch (b.type) {
    case "text":
      return { type: "input_text", text: b.text };
    case "image":
      // `detail` is required on the wire [oa `ResponseInputImage.detail`]; "auto" is its default.
      return {
        type: "input_image",
        ...mediaUrl(b.source, `${field}.source`),
        detail: b.detail ?? "auto",
      };
    case "document": {
      const out: Obj = { type: "input_file", ...fileFields(b.source, `${field}.source`) };
      if (b.title !== null) out["filename"] = b.title;
      return out;
    }
    default:
      throw new TranslationError(field, `a ${b.type} block cannot be sent as input content`);
  }
}

function encodeOutput(content: ToolResultContent[], field: string): unknown {
  if (content.length === 1 && content[0]!.type === "text") return content[0]!.text;
  if (content.length === 0) return "";
  return content.map((b, i) => encodeInputPart(b, `${field}.content[${i}]`));
}

/** The blocks of one reasoning item: stateless ones, then the one carrying the item's state
 *  (decodeReasoning). */
function reasoningItem(group: ThinkingBlock[], state: OpaqueState): Obj {
  const out: Obj = { type: "reasoning" };
  if (state.itemId !== null) out["id"] = state.itemId;
  out["summary"] = group.filter((b) => b.kind === "summary" && b.text !== "").map((b) => ({
    type: "summary_text",
    text: b.text,
  }));
  const full = group.filter((b) => b.kind === "full");
  if (full.length > 0) {
    out["content"] = full.map((b) => ({ type: "reasoning_text", text: b.text }));
  }
  out["encrypted_content"] = state.value;
  return out;
}

interface Pending {
  items: Obj[];
  texts: Obj[];
  thinking: { block: ThinkingBlock; field: string }[];
  role: Message["role"];
}

function flushText(p: Pending): void {
  if (p.texts.length === 0) return;
  p.items.push({ type: "message", role: p.role, content: p.texts });
  p.texts = [];
}

/** Thinking still waiting for its item's state when something else comes: no OpenAI item can
 *  hold it (foreign thinking text is never sent as the target's reasoning, plan section 3). */
function dropThinking(p: Pending, notes: Notes): void {
  for (const t of p.thinking) {
    notes.add("thinking_state_dropped", t.field, "thinking without Responses encrypted content");
  }
  p.thinking = [];
}

function encodeThinking(p: Pending, b: ThinkingBlock, field: string, model: string, notes: Notes) {
  flushText(p);
  if (b.state === null) {
    p.thinking.push({ block: b, field });
    return;
  }
  if (!ownState(b.state, model)) {
    dropThinking(p, notes);
    notes.add("thinking_state_dropped", field, `thinking state of ${b.state.origin}`);
    return;
  }
  p.items.push(reasoningItem([...p.thinking.map((t) => t.block), b], b.state));
  p.thinking = [];
}

function encodeBlock(p: Pending, b: ContentBlock, field: string, model: string, notes: Notes) {
  if (b.type === "thinking") return encodeThinking(p, b, field, model, notes);
  dropThinking(p, notes);
  if (b.type === "redacted_thinking") {
    if (ownState(b.state, model)) {
      flushText(p);
      p.items.push(reasoningItem([], b.state));
    } else notes.add("thinking_state_dropped", field, `redacted thinking of ${b.state.origin}`);
    return;
  }
  if (b.type === "tool_call" || b.type === "tool_result") {
    flushText(p);
    p.items.push(callItem(b, field, notes));
    return;
  }
  if (p.role === "assistant") {
    if (b.type !== "text") {
      throw new TranslationError(field, `an assistant cannot send a ${b.type}`);
    }
    p.texts.push({ type: "output_text", text: b.text });
  } else p.texts.push(encodeInputPart(b, field));
}

function callItem(b: ContentBlock, field: string, notes: Notes): Obj {
  if (b.type === "tool_call") {
    if (b.state !== null) {
      notes.add("thinking_state_dropped", field, `state of ${b.state.origin} on a tool call`);
    }
    return {
      type: "function_call",
      call_id: b.id,
      name: b.name,
      arguments: b.argumentsText ?? JSON.stringify(b.arguments),
    };
  }
  if (b.type !== "tool_result") throw new TranslationError(field, "not a tool block");
  if (b.isError) {
    notes.add("dropped", `${field}.is_error`, "Responses tool outputs have no error flag");
  }
  return {
    type: "function_call_output",
    call_id: b.callId,
    output: encodeOutput(b.content, field),
  };
}

/** Messages in order; `model` is the upstream's, whose own reasoning state alone goes back. */
export function encodeResponsesInput(messages: Message[], model: string, notes: Notes): Obj[] {
  const items: Obj[] = [];
  messages.forEach((m, i) => {
    const p: Pending = { items, texts: [], thinking: [], role: m.role };
    m.content.forEach((b, j) => encodeBlock(p, b, `messages[${i}].content[${j}]`, model, notes));
    dropThinking(p, notes);
    flushText(p);
  });
  return items;
}
