/**
 * OpenAI Responses input items ⇄ IR messages [oa `responses.d.ts` `ResponseInputItem`,
 * `ResponseInputFile`, `ResponseInputImage`, `ResponseReasoningItem`,
 * `ResponseInputItem.FunctionCallOutput`]. Plan section 2.2. Consecutive items of one role
 * become one IR message, so parallel calls of a turn stay one assistant turn.
 */
import type {
  ContentBlock,
  Instruction,
  Message,
  OpaqueState,
  Protocol,
  ThinkingBlock,
  ToolResultContent,
} from "./ir.ts";
import {
  asArray,
  asObject,
  asString,
  limits,
  type Obj,
  optString,
  parseArguments,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { fileDataDocument, parseDataUrl } from "./openai_media.ts";

export const responses: Protocol = "openai.responses";

function decodeDetail(p: Obj, field: string): "auto" | "low" | "high" | null {
  const d = optString(p, "detail", field);
  if (d === null || d === "auto" || d === "low" || d === "high") return d;
  throw new TranslationError(`${field}.detail`, `detail ${JSON.stringify(d)} cannot be translated`);
}

/** One `input_text` / `input_image` / `input_file` part (also the parts of a tool output). */
export function decodeInputPart(v: unknown, field: string, notes: Notes): ToolResultContent {
  const p = asObject(v, field);
  switch (p["type"]) {
    case "input_text":
    case "output_text":
      return { type: "text", text: asString(p["text"], `${field}.text`) };
    case "input_image": {
      const id = optString(p, "file_id", field);
      const detail = decodeDetail(p, field);
      if (id !== null) {
        return { type: "image", source: { kind: "file", fileId: id, origin: responses }, detail };
      }
      const url = asString(p["image_url"], `${field}.image_url`);
      return {
        type: "image",
        source: parseDataUrl(url) ?? { kind: "url", url, mediaType: null },
        detail,
      };
    }
    case "input_file":
      return decodeFile(p, field, notes);
    default:
      throw new TranslationError(
        `${field}.type`,
        `a content part of type ${JSON.stringify(p["type"])} cannot be translated`,
      );
  }
}

function decodeFile(p: Obj, field: string, notes: Notes): ToolResultContent {
  const title = optString(p, "filename", field);
  if (p["detail"] !== undefined) notes.add("dropped", `${field}.detail`, "file detail is OpenAI's");
  const id = optString(p, "file_id", field);
  if (id !== null) {
    return { type: "document", source: { kind: "file", fileId: id, origin: responses }, title };
  }
  const url = optString(p, "file_url", field);
  if (url !== null) {
    return { type: "document", source: { kind: "url", url, mediaType: null }, title };
  }
  const data = asString(p["file_data"], `${field}.file_data`);
  return fileDataDocument(data, `${field}.file_data`, title, notes);
}

function decodeContent(v: unknown, field: string, notes: Notes): ContentBlock[] {
  if (typeof v === "string") return v === "" ? [] : [{ type: "text", text: v }];
  return asArray(v, field, limits.blocks).map((p, i) => {
    const f = `${field}[${i}]`;
    const o = asObject(p, f);
    if (o["type"] === "refusal") {
      return { type: "text", text: asString(o["refusal"], `${f}.refusal`) };
    }
    return decodeInputPart(o, f, notes);
  });
}

function textOnly(blocks: ContentBlock[], field: string): string {
  return blocks.map((b, i) => {
    if (b.type !== "text") {
      throw new TranslationError(`${field}[${i}]`, "instructions take text only");
    }
    return b.text;
  }).join("\n\n");
}

/** A reasoning item: one thinking block per summary (or reasoning text) part; the item's state
 *  rides on its last block (a stream learns it only when the item is done), and encoders gather
 *  the stateless blocks before it into the same item. */
export function decodeReasoning(o: Obj, field: string): ThinkingBlock[] {
  const encrypted = optString(o, "encrypted_content", field);
  const itemId = optString(o, "id", field);
  const state: OpaqueState | null = encrypted === null
    ? null
    : { origin: responses, model: null, value: encrypted, itemId };
  const out: ThinkingBlock[] = [];
  const parts = (key: string, kind: "summary" | "full") => {
    if (o[key] == null) return;
    asArray(o[key], `${field}.${key}`, limits.blocks).forEach((s, i) => {
      const f = `${field}.${key}[${i}]`;
      const text = asString(asObject(s, f)["text"], `${f}.text`);
      out.push({ type: "thinking", text, kind, state: null });
    });
  };
  parts("summary", "summary");
  parts("content", "full");
  if (out.length === 0) out.push({ type: "thinking", text: "", kind: "summary", state: null });
  out.at(-1)!.state = state;
  return out;
}

function decodeOutput(o: Obj, field: string, notes: Notes): ToolResultContent[] {
  const v = o["output"];
  if (typeof v === "string") return v === "" ? [] : [{ type: "text", text: v }];
  return asArray(v, `${field}.output`, limits.blocks).map((p, i) =>
    decodeInputPart(p, `${field}.output[${i}]`, notes)
  );
}

interface Decoded {
  instructions: Instruction[];
  messages: Message[];
}

function push(messages: Message[], role: Message["role"], blocks: ContentBlock[]): void {
  if (blocks.length === 0) return;
  const last = messages.at(-1);
  if (last !== undefined && last.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

/** `input` as a string or a list of items; `instructions` first (plan section 2.2). */
export function decodeResponsesInput(v: unknown, notes: Notes): Decoded {
  const out: Decoded = { instructions: [], messages: [] };
  if (typeof v === "string") {
    push(out.messages, "user", v === "" ? [] : [{ type: "text", text: v }]);
    return out;
  }
  const names = new Map<string, string>();
  asArray(v, "input", limits.messages).forEach((item, i) => {
    const field = `input[${i}]`;
    const o = asObject(item, field);
    const type = o["type"] ?? "message";
    if (type === "message") return decodeMessageItem(o, field, out, notes);
    if (type === "function_call") {
      const text = asString(o["arguments"], `${field}.arguments`);
      const id = asString(o["call_id"], `${field}.call_id`);
      const name = asString(o["name"], `${field}.name`);
      names.set(id, name);
      const args = parseArguments(text, `${field}.arguments`);
      return push(out.messages, "assistant", [
        { type: "tool_call", id, name, arguments: args, argumentsText: text, state: null },
      ]);
    }
    if (type === "function_call_output") {
      const callId = asString(o["call_id"], `${field}.call_id`);
      return push(out.messages, "user", [{
        type: "tool_result",
        callId,
        name: names.get(callId) ?? null,
        content: decodeOutput(o, field, notes),
        isError: false,
      }]);
    }
    if (type === "reasoning") return push(out.messages, "assistant", decodeReasoning(o, field));
    throw new TranslationError(
      `${field}.type`,
      `an input item of type ${JSON.stringify(type)} cannot be translated`,
    );
  });
  return out;
}

function decodeMessageItem(o: Obj, field: string, out: Decoded, notes: Notes): void {
  const role = o["role"];
  const blocks = decodeContent(o["content"], `${field}.content`, notes);
  if (role === "system" || role === "developer") {
    if (out.messages.length > 0) {
      notes.add("relocated", `${field}`, "instructions moved before the conversation");
    }
    out.instructions.push({ role, text: textOnly(blocks, `${field}.content`) });
    return;
  }
  if (role !== "user" && role !== "assistant") {
    throw new TranslationError(`${field}.role`, `unknown role ${JSON.stringify(role)}`);
  }
  push(out.messages, role, blocks);
}
