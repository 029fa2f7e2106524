/**
 * Anthropic Messages content blocks ⇄ IR blocks [an `ContentBlockParam`, `ToolResultBlockParam`,
 * `ThinkingBlockParam`, `RedactedThinkingBlockParam`]. Shared by the request and response codecs.
 */
import type {
  ContentBlock,
  DocumentBlock,
  ImageBlock,
  MediaSource,
  OpaqueState,
  ToolCallBlock,
  ToolResultBlock,
  ToolResultContent,
} from "./ir.ts";
import {
  asArray,
  asJsonObject,
  asObject,
  asString,
  limits,
  type Obj,
  optBoolean,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";

export const anthropic = "anthropic.messages";

/** Anthropic accepts tool ids matching `^[a-zA-Z0-9_-]+$` (its own 400 text, plan section 11). */
const toolIdPattern = /^[a-zA-Z0-9_-]+$/;

export function anthropicToolId(id: string, field: string, notes: Notes): string {
  if (toolIdPattern.test(id)) return id;
  notes.add("converted", field, "characters Anthropic refuses in a tool id became `_`");
  const safe = id.replace(/[^a-zA-Z0-9_-]/g, "_");
  return safe === "" ? "_" : safe;
}

function nativeState(value: string): OpaqueState {
  return { origin: anthropic, model: null, value, itemId: null };
}

function decodeSource(v: unknown, field: string): MediaSource {
  const s = asObject(v, field);
  const type = s["type"];
  if (type === "base64") {
    return {
      kind: "base64",
      mediaType: asString(s["media_type"], `${field}.media_type`),
      data: asString(s["data"], `${field}.data`),
    };
  }
  if (type === "url") {
    return { kind: "url", url: asString(s["url"], `${field}.url`), mediaType: null };
  }
  if (type === "file") {
    return { kind: "file", fileId: asString(s["file_id"], `${field}.file_id`), origin: anthropic };
  }
  if (type === "text") {
    // A plain-text document: kept as base64 text/plain, the one form every side has.
    const data = asString(s["data"], `${field}.data`);
    return { kind: "base64", mediaType: "text/plain", data: base64OfText(data) };
  }
  throw new TranslationError(
    `${field}.type`,
    `source type ${JSON.stringify(type)} cannot be translated`,
  );
}

function decodeMedia(b: Obj, field: string, notes: Notes): ImageBlock | DocumentBlock {
  if (b["cache_control"] != null) {
    notes.add("dropped", `${field}.cache_control`, "no cache breakpoints across protocols");
  }
  const source = decodeSource(b["source"], `${field}.source`);
  if (b["type"] === "image") return { type: "image", source, detail: null };
  return { type: "document", source, title: optString(b, "title", field) };
}

function decodeResultContent(v: unknown, field: string, notes: Notes): ToolResultContent[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return v === "" ? [] : [{ type: "text", text: v }];
  return asArray(v, field, limits.blocks).map((item, i) => {
    const f = `${field}[${i}]`;
    const b = asObject(item, f);
    if (b["type"] === "text") return { type: "text", text: asString(b["text"], `${f}.text`) };
    if (b["type"] === "image" || b["type"] === "document") return decodeMedia(b, f, notes);
    throw new TranslationError(
      `${f}.type`,
      `a tool result block of type ${JSON.stringify(b["type"])} cannot be translated`,
    );
  });
}

export function decodeAnthropicBlock(v: unknown, field: string, notes: Notes): ContentBlock {
  const b = asObject(v, field);
  const type = b["type"];
  if (type !== "image" && type !== "document" && b["cache_control"] != null) {
    notes.add("dropped", `${field}.cache_control`, "no cache breakpoints across protocols");
  }
  switch (type) {
    case "text":
      if (Array.isArray(b["citations"]) && b["citations"].length > 0) {
        notes.add("dropped", `${field}.citations`, "citations are not translated");
      }
      return { type: "text", text: asString(b["text"], `${field}.text`) };
    case "image":
    case "document":
      return decodeMedia(b, field, notes);
    case "tool_use":
      return {
        type: "tool_call",
        id: asString(b["id"], `${field}.id`),
        name: asString(b["name"], `${field}.name`),
        arguments: asJsonObject(b["input"] ?? {}, `${field}.input`),
        argumentsText: null,
        state: null,
      };
    case "tool_result":
      return {
        type: "tool_result",
        callId: asString(b["tool_use_id"], `${field}.tool_use_id`),
        name: null,
        content: decodeResultContent(b["content"], `${field}.content`, notes),
        isError: optBoolean(b, "is_error", field) ?? false,
      };
    case "thinking": {
      const signature = optString(b, "signature", field);
      return {
        type: "thinking",
        text: asString(b["thinking"], `${field}.thinking`),
        kind: "full",
        state: signature === null || signature === "" ? null : nativeState(signature),
      };
    }
    case "redacted_thinking":
      return {
        type: "redacted_thinking",
        state: nativeState(asString(b["data"], `${field}.data`)),
      };
    default:
      throw new TranslationError(
        `${field}.type`,
        `a content block of type ${JSON.stringify(type)} cannot be translated`,
      );
  }
}

function encodeSource(s: MediaSource, field: string): Obj {
  switch (s.kind) {
    case "base64":
      return s.mediaType === "text/plain"
        ? { type: "text", media_type: "text/plain", data: textOfBase64(s.data, field) }
        : { type: "base64", media_type: s.mediaType, data: s.data };
    case "url":
      return { type: "url", url: s.url };
    case "file":
      if (s.origin !== anthropic) {
        throw new TranslationError(
          field,
          "a file id of another provider cannot be sent to Anthropic",
        );
      }
      return { type: "file", file_id: s.fileId };
  }
}

function encodeMedia(b: ImageBlock | DocumentBlock, field: string, notes: Notes): Obj {
  if (b.type === "image") {
    if (b.detail !== null) {
      notes.add("dropped", `${field}.detail`, "Anthropic has no image detail level");
    }
    return { type: "image", source: encodeSource(b.source, `${field}.source`) };
  }
  const out: Obj = { type: "document", source: encodeSource(b.source, `${field}.source`) };
  if (b.title !== null) out["title"] = b.title;
  return out;
}

/** Thinking goes upstream only to the protocol that made it (plan section 3). */
/** State this Anthropic model made (its signature or redacted data), which it takes back. */
export function ownState(state: OpaqueState | null, model: string): boolean {
  return state !== null && state.origin === anthropic &&
    (state.model === null || state.model === model);
}

function encodeToolCall(b: ToolCallBlock, field: string, notes: Notes): Obj {
  if (b.state !== null) {
    notes.add("thinking_state_dropped", `${field}`, `state of ${b.state.origin} on a tool call`);
  }
  return {
    type: "tool_use",
    id: anthropicToolId(b.id, `${field}.id`, notes),
    name: b.name,
    input: b.arguments,
  };
}

function encodeToolResult(b: ToolResultBlock, field: string, notes: Notes): Obj {
  const content = b.content.map((c, i) =>
    c.type === "text"
      ? { type: "text", text: c.text }
      : encodeMedia(c, `${field}.content[${i}]`, notes)
  );
  const out: Obj = {
    type: "tool_result",
    tool_use_id: anthropicToolId(b.callId, `${field}.tool_use_id`, notes),
  };
  if (content.length > 0) out["content"] = content;
  if (b.isError) out["is_error"] = true;
  return out;
}

/**
 * One IR block as an Anthropic block, or null when it is dropped (with a note). Upstream
 * (`request`), thinking without this model's signature is refused by Anthropic, so it is dropped;
 * toward a client (`response`) its text is shown with an empty signature, which comes back as no
 * state (foreign state reaches a client sealed, plan section 3, part T5).
 */
export function encodeAnthropicBlock(
  b: ContentBlock,
  field: string,
  model: string,
  notes: Notes,
  direction: "request" | "response" = "request",
): Obj | null {
  switch (b.type) {
    case "text":
      return { type: "text", text: b.text };
    case "image":
    case "document":
      return encodeMedia(b, field, notes);
    case "tool_call":
      return encodeToolCall(b, field, notes);
    case "tool_result":
      return encodeToolResult(b, field, notes);
    case "thinking":
      if (ownState(b.state, model)) {
        return { type: "thinking", thinking: b.text, signature: b.state!.value };
      }
      if (b.state !== null) {
        notes.add("thinking_state_dropped", field, `thinking state of ${b.state.origin}`);
      }
      if (direction === "response") return { type: "thinking", thinking: b.text, signature: "" };
      if (b.state === null) {
        notes.add("dropped", field, "thinking without an Anthropic signature is refused upstream");
      }
      return null;
    case "redacted_thinking":
      if (ownState(b.state, model)) return { type: "redacted_thinking", data: b.state.value };
      notes.add("thinking_state_dropped", field, `redacted thinking of ${b.state.origin}`);
      return null;
  }
}

export function base64OfText(text: string): string {
  let bin = "";
  for (const byte of new TextEncoder().encode(text)) bin += String.fromCharCode(byte);
  return btoa(bin);
}

function textOfBase64(data: string, field: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(atob(data), (c) => c.charCodeAt(0)),
    );
  } catch {
    throw new TranslationError(field, "a text/plain document is not base64 UTF-8 text");
  }
}
