/**
 * OpenAI Chat Completions messages ⇄ IR messages [oa `ChatCompletionMessageParam`]. Chat has
 * roles where the IR has blocks: `system`/`developer` messages are instructions, `tool` messages
 * are tool results inside a user message, assistant `tool_calls` are tool call blocks.
 */
import type {
  ContentBlock,
  Instruction,
  MediaSource,
  Message,
  OpaqueState,
  ToolCallBlock,
  ToolResultBlock,
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

export const chat = "openai.chat";

export interface ChatDialect {
  /** The assistant member OpenAI-compatible servers use for thinking text (`reasoning_content`
   *  on vLLM and DeepSeek [unverified per server]); null for OpenAI, which has none. */
  reasoningField: string | null;
}

export const openaiDialect: ChatDialect = { reasoningField: null };

function decodePart(v: unknown, field: string, notes: Notes): ContentBlock {
  const p = asObject(v, field);
  switch (p["type"]) {
    case "text":
      return { type: "text", text: asString(p["text"], `${field}.text`) };
    case "image_url": {
      const img = asObject(p["image_url"], `${field}.image_url`);
      const url = asString(img["url"], `${field}.image_url.url`);
      const detail = optString(img, "detail", `${field}.image_url`);
      if (detail !== null && detail !== "auto" && detail !== "low" && detail !== "high") {
        throw new TranslationError(
          `${field}.image_url.detail`,
          `unknown detail ${JSON.stringify(detail)}`,
        );
      }
      return {
        type: "image",
        source: parseDataUrl(url) ?? { kind: "url", url, mediaType: null },
        detail,
      };
    }
    case "file":
      return decodeFile(asObject(p["file"], `${field}.file`), `${field}.file`, notes);
    default:
      throw new TranslationError(
        `${field}.type`,
        `a content part of type ${JSON.stringify(p["type"])} cannot be translated`,
      );
  }
}

function decodeFile(f: Obj, field: string, notes: Notes): ContentBlock {
  const title = optString(f, "filename", field);
  const id = optString(f, "file_id", field);
  if (id !== null) {
    return { type: "document", source: { kind: "file", fileId: id, origin: chat }, title };
  }
  const data = asString(f["file_data"], `${field}.file_data`);
  return fileDataDocument(data, `${field}.file_data`, title, notes);
}

function decodeContent(v: unknown, field: string, notes: Notes): ContentBlock[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v === "" ? [] : [{ type: "text", text: v }];
  return asArray(v, field, limits.blocks).map((p, i) => {
    const f = `${field}[${i}]`;
    if (asObject(p, f)["type"] === "refusal") {
      return { type: "text", text: asString(asObject(p, f)["refusal"], `${f}.refusal`) };
    }
    return decodePart(p, f, notes);
  });
}

function textOf(v: unknown, field: string): string {
  if (typeof v === "string") return v;
  return asArray(v, field, limits.blocks).map((p, i) =>
    asString(asObject(p, `${field}[${i}]`)["text"], `${field}[${i}].text`)
  )
    .join("");
}

function decodeToolCalls(v: unknown, field: string): ToolCallBlock[] {
  if (v === undefined || v === null) return [];
  return asArray(v, field, limits.blocks).map((c, i) => {
    const f = `${field}[${i}]`;
    const o = asObject(c, f);
    if (o["type"] !== undefined && o["type"] !== "function") {
      throw new TranslationError(
        `${f}.type`,
        `a tool call of type ${JSON.stringify(o["type"])} cannot be translated`,
      );
    }
    const fn = asObject(o["function"], `${f}.function`);
    const text = asString(fn["arguments"], `${f}.function.arguments`);
    return {
      type: "tool_call",
      id: asString(o["id"], `${f}.id`),
      name: asString(fn["name"], `${f}.function.name`),
      arguments: parseArguments(text, `${f}.function.arguments`),
      argumentsText: text,
      state: null,
    };
  });
}

function decodeAssistant(o: Obj, field: string, dialect: ChatDialect, notes: Notes): Message {
  if (o["function_call"] != null) {
    throw new TranslationError(
      `${field}.function_call`,
      "the deprecated function_call cannot be translated; use tool_calls",
    );
  }
  if (o["audio"] != null) {
    throw new TranslationError(`${field}.audio`, "audio answers cannot be translated");
  }
  const content: ContentBlock[] = [];
  const reasoning = dialect.reasoningField === null
    ? null
    : optString(o, dialect.reasoningField, field);
  if (reasoning !== null && reasoning !== "") {
    content.push({ type: "thinking", text: reasoning, kind: "full", state: null });
  }
  content.push(...decodeContent(o["content"], `${field}.content`, notes));
  const refusal = optString(o, "refusal", field);
  if (refusal !== null) content.push({ type: "text", text: refusal });
  content.push(...decodeToolCalls(o["tool_calls"], `${field}.tool_calls`));
  return { role: "assistant", content };
}

export function decodeChatMessages(
  v: unknown,
  dialect: ChatDialect,
  notes: Notes,
): { instructions: Instruction[]; messages: Message[] } {
  const instructions: Instruction[] = [];
  const messages: Message[] = [];
  const names = new Map<string, string>();
  asArray(v, "messages", limits.messages).forEach((m, i) => {
    const field = `messages[${i}]`;
    const o = asObject(m, field);
    const role = o["role"];
    if (o["name"] != null) {
      notes.add("dropped", `${field}.name`, "participant names are not translated");
    }
    if (role === "system" || role === "developer") {
      if (messages.length > 0) {
        throw new TranslationError(
          `${field}.role`,
          `a ${role} message after the conversation started cannot be translated`,
        );
      }
      instructions.push({ role, text: textOf(o["content"], `${field}.content`) });
    } else if (role === "user") {
      messages.push({
        role: "user",
        content: decodeContent(o["content"], `${field}.content`, notes),
      });
    } else if (role === "assistant") {
      const msg = decodeAssistant(o, field, dialect, notes);
      for (const b of msg.content) if (b.type === "tool_call") names.set(b.id, b.name);
      messages.push(msg);
    } else if (role === "tool") {
      const callId = asString(o["tool_call_id"], `${field}.tool_call_id`);
      const text = textOf(o["content"], `${field}.content`);
      const result: ToolResultBlock = {
        type: "tool_result",
        callId,
        name: names.get(callId) ?? null,
        content: text === "" ? [] : [{ type: "text", text }],
        isError: false,
      };
      const last = messages[messages.length - 1];
      if (
        last !== undefined && last.role === "user" &&
        last.content.every((b) => b.type === "tool_result")
      ) {
        last.content.push(result);
      } else messages.push({ role: "user", content: [result] });
    } else {
      throw new TranslationError(
        `${field}.role`,
        `a ${JSON.stringify(role)} message cannot be translated`,
      );
    }
  });
  return { instructions, messages };
}

function encodeSource(s: MediaSource, field: string): string {
  if (s.kind === "base64") return `data:${s.mediaType};base64,${s.data}`;
  if (s.kind === "url") return s.url;
  throw new TranslationError(field, "a provider file id cannot be sent as an image URL");
}

function encodePart(b: ContentBlock, field: string): Obj {
  switch (b.type) {
    case "text":
      return { type: "text", text: b.text };
    case "image": {
      const image: Obj = { url: encodeSource(b.source, `${field}.source`) };
      if (b.detail !== null) image["detail"] = b.detail;
      return { type: "image_url", image_url: image };
    }
    case "document":
      return { type: "file", file: encodeFile(b.source, b.title, field) };
    default:
      throw new TranslationError(field, `a ${b.type} block cannot be sent in a user message`);
  }
}

function encodeFile(s: MediaSource, title: string | null, field: string): Obj {
  const out: Obj = {};
  if (s.kind === "base64") out["file_data"] = `data:${s.mediaType};base64,${s.data}`;
  else if (s.kind === "file" && s.origin === chat) out["file_id"] = s.fileId;
  else {throw new TranslationError(
      `${field}.source`,
      "Chat Completions takes documents inline (base64) or as its own file ids",
    );}
  if (title !== null) out["filename"] = title;
  return out;
}

/** Chat tool messages take text only [oa `ChatCompletionToolMessageParam`]: images and documents
 *  of a result move to a user message right after the tool messages, with a note. */
function encodeToolResult(b: ToolResultBlock, field: string, moved: Obj[], notes: Notes): Obj {
  const texts: string[] = [];
  b.content.forEach((c: ToolResultContent, i) => {
    if (c.type === "text") texts.push(c.text);
    else {
      notes.add(
        "relocated",
        `${field}.content[${i}]`,
        "Chat tool messages take text only; sent in a user message after them",
      );
      moved.push(encodePart(c, `${field}.content[${i}]`));
    }
  });
  if (b.isError) notes.add("dropped", `${field}.is_error`, "Chat tool messages have no error flag");
  return { role: "tool", tool_call_id: b.callId, content: texts.join("\n") };
}

function encodeUser(m: Message, i: number, notes: Notes): Obj[] {
  const tools: Obj[] = [];
  const moved: Obj[] = [];
  const parts: Obj[] = [];
  m.content.forEach((b, j) => {
    const field = `messages[${i}].content[${j}]`;
    if (b.type === "tool_result") tools.push(encodeToolResult(b, field, moved, notes));
    else parts.push(encodePart(b, field));
  });
  const rest = [...moved, ...parts];
  if (rest.length === 0) return tools;
  const only = rest.length === 1 ? rest[0]! : null;
  const content = only !== null && only["type"] === "text" ? only["text"] : rest;
  return [...tools, { role: "user", content }];
}

function stateNote(state: OpaqueState | null, field: string, notes: Notes): void {
  if (state !== null) {
    notes.add("thinking_state_dropped", field, `Chat has no slot for state of ${state.origin}`);
  }
}

function encodeAssistant(m: Message, i: number, dialect: ChatDialect, notes: Notes): Obj {
  const texts: string[] = [];
  const thoughts: string[] = [];
  const calls: Obj[] = [];
  m.content.forEach((b, j) => {
    const field = `messages[${i}].content[${j}]`;
    if (b.type === "text") texts.push(b.text);
    else if (b.type === "tool_call") {
      stateNote(b.state, field, notes);
      const args = b.argumentsText ?? JSON.stringify(b.arguments);
      calls.push({ id: b.id, type: "function", function: { name: b.name, arguments: args } });
    } else if (b.type === "thinking") {
      stateNote(b.state, field, notes);
      if (dialect.reasoningField !== null) thoughts.push(b.text);
      else if (b.text !== "") {
        notes.add("dropped", field, "OpenAI's Chat Completions takes no thinking text");
      }
    } else if (b.type === "redacted_thinking") stateNote(b.state, field, notes);
    else {throw new TranslationError(
        field,
        `a ${b.type} block cannot be sent in an assistant message`,
      );}
  });
  const out: Obj = { role: "assistant", content: texts.length === 0 ? null : texts.join("") };
  if (dialect.reasoningField !== null && thoughts.length > 0) {
    out[dialect.reasoningField] = thoughts.join("");
  }
  if (calls.length > 0) out["tool_calls"] = calls;
  return out;
}

export function encodeChatMessages(
  instructions: Instruction[],
  messages: Message[],
  dialect: ChatDialect,
  notes: Notes,
): Obj[] {
  const out: Obj[] = instructions.map((ins) => ({ role: ins.role, content: ins.text }));
  messages.forEach((m, i) => {
    if (m.role === "user") out.push(...encodeUser(m, i, notes));
    else {
      const a = encodeAssistant(m, i, dialect, notes);
      // An assistant message with no content and no calls is refused upstream (plan section 11);
      // it happens when only foreign thinking was in it.
      if (a["content"] === null && a["tool_calls"] === undefined && Object.keys(a).length === 2) {
        notes.add(
          "dropped",
          `messages[${i}]`,
          "nothing in this message could be sent to Chat Completions",
        );
      } else out.push(a);
    }
  });
  return out;
}
