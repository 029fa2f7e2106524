/**
 * Bedrock Converse content blocks ⇄ IR blocks [br `ContentBlock`, `ImageBlock`, `DocumentBlock`,
 * `ToolUseBlock`, `ToolResultBlock`, `ReasoningContentBlock`, `CachePointBlock`]. In JSON the
 * SDK's `Uint8Array` members (`source.bytes`, `redactedContent`) travel as base64 text, which the
 * IR keeps as it is. Shared by the request and response codecs (plan section 2.5).
 */
import type {
  ContentBlock,
  DocumentBlock,
  ImageBlock,
  MediaSource,
  OpaqueState,
  ToolResultBlock,
  ToolResultContent,
} from "./ir.ts";
import { asArray, asJsonObject, asObject, asString, limits, type Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";

export const converse = "bedrock.converse";

/** [br enums `ImageFormat`]. */
const imageFormats = new Set(["gif", "jpeg", "png", "webp"]);

/** [br enums `DocumentFormat`] ⇄ media types. */
const documentTypes: Readonly<Record<string, string>> = {
  pdf: "application/pdf",
  csv: "text/csv",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  html: "text/html",
  md: "text/markdown",
  txt: "text/plain",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
};
const documentFormats: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(documentTypes).map(([format, type]) => [type, format]),
);

export function converseState(value: string): OpaqueState {
  return { origin: converse, model: null, value, itemId: null };
}

/** The one member a Converse union holds (`{text}`, `{toolUse}`, …); `$unknown` never in JSON. */
function member(b: Obj, field: string): string {
  const keys = Object.keys(b).filter((k) => b[k] !== undefined && b[k] !== null);
  if (keys.length !== 1) {
    throw new TranslationError(field, `expected exactly one member, got ${keys.length}`);
  }
  return keys[0]!;
}

/**
 * Bedrock's `toolUseId`: 1 to 64 of `[a-zA-Z0-9_-]` (AWS API reference, `ToolUseBlock`; a newer
 * page also allows `.` and `:`, the stricter form is used). Ids of other providers are made to fit
 * deterministically, so a call and its result still match: refused characters become `_`, and a
 * longer id keeps 55 characters plus `_` and an 8-digit hash of the whole id.
 */
export function converseToolId(id: string, field: string, notes: Notes): string {
  if (/^[a-zA-Z0-9_-]{1,64}$/.test(id)) return id;
  notes.add(
    "converted",
    field,
    "a tool id Bedrock refuses (1-64 of a-z A-Z 0-9 _ -) was made to fit",
  );
  const safe = id.replace(/[^a-zA-Z0-9_-]/g, "_");
  if (safe.length > 64) return `${safe.slice(0, 55)}_${fnv1a(id)}`;
  return safe === "" ? "_" : safe;
}

/** FNV-1a 32-bit as 8 hex digits: a stable short suffix, not a security measure. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function decodeBytes(source: unknown, field: string): string {
  const s = asObject(source, field);
  if (s["bytes"] !== undefined) return asString(s["bytes"], `${field}.bytes`);
  throw new TranslationError(
    field,
    "only inline bytes can be translated (S3 locations and text sources cannot)",
  );
}

function decodeImage(v: unknown, field: string): ImageBlock {
  const o = asObject(v, field);
  const format = asString(o["format"], `${field}.format`);
  if (!imageFormats.has(format)) {
    throw new TranslationError(`${field}.format`, `unknown image format ${JSON.stringify(format)}`);
  }
  const data = decodeBytes(o["source"], `${field}.source`);
  return {
    type: "image",
    source: { kind: "base64", mediaType: `image/${format}`, data },
    detail: null,
  };
}

function decodeDocument(v: unknown, field: string): DocumentBlock {
  const o = asObject(v, field);
  const format = asString(o["format"], `${field}.format`);
  const mediaType = documentTypes[format];
  if (mediaType === undefined) {
    throw new TranslationError(
      `${field}.format`,
      `unknown document format ${JSON.stringify(format)}`,
    );
  }
  const data = decodeBytes(o["source"], `${field}.source`);
  const name = o["name"];
  return {
    type: "document",
    source: { kind: "base64", mediaType, data },
    title: typeof name === "string" ? name : null,
  };
}

function decodeResultContent(v: unknown, field: string, notes: Notes): ToolResultContent[] {
  if (v === undefined || v === null) return [];
  return asArray(v, field, limits.blocks).map((item, i): ToolResultContent => {
    const f = `${field}[${i}]`;
    const b = asObject(item, f);
    const key = member(b, f);
    switch (key) {
      case "text":
        return { type: "text", text: asString(b["text"], `${f}.text`) };
      case "json":
        notes.add("converted", `${f}.json`, "a JSON tool result travels as its JSON text");
        return { type: "text", text: JSON.stringify(b["json"]) };
      case "image":
        return decodeImage(b["image"], `${f}.image`);
      case "document":
        return decodeDocument(b["document"], `${f}.document`);
      default:
        throw new TranslationError(`${f}.${key}`, "this tool result content cannot be translated");
    }
  });
}

function decodeReasoning(v: unknown, field: string): ContentBlock {
  const o = asObject(v, field);
  const key = member(o, field);
  if (key === "redactedContent") {
    return {
      type: "redacted_thinking",
      state: converseState(asString(o["redactedContent"], `${field}.redactedContent`)),
    };
  }
  if (key !== "reasoningText") {
    throw new TranslationError(`${field}.${key}`, "this reasoning content cannot be translated");
  }
  const r = asObject(o["reasoningText"], `${field}.reasoningText`);
  const signature = r["signature"];
  return {
    type: "thinking",
    text: asString(r["text"], `${field}.reasoningText.text`),
    kind: "full",
    state: typeof signature === "string" && signature !== "" ? converseState(signature) : null,
  };
}

/** One Converse block as an IR block, or null for a `cachePoint` (no IR form, noted). */
export function decodeConverseBlock(v: unknown, field: string, notes: Notes): ContentBlock | null {
  const b = asObject(v, field);
  const key = member(b, field);
  const f = `${field}.${key}`;
  switch (key) {
    case "text":
      return { type: "text", text: asString(b["text"], f) };
    case "image":
      return decodeImage(b["image"], f);
    case "document":
      return decodeDocument(b["document"], f);
    case "toolUse": {
      const t = asObject(b["toolUse"], f);
      return {
        type: "tool_call",
        id: asString(t["toolUseId"], `${f}.toolUseId`),
        name: asString(t["name"], `${f}.name`),
        arguments: asJsonObject(t["input"] ?? {}, `${f}.input`),
        argumentsText: null,
        state: null,
      };
    }
    case "toolResult": {
      const t = asObject(b["toolResult"], f);
      return {
        type: "tool_result",
        callId: asString(t["toolUseId"], `${f}.toolUseId`),
        name: null,
        content: decodeResultContent(t["content"], `${f}.content`, notes),
        isError: t["status"] === "error",
      };
    }
    case "reasoningContent":
      return decodeReasoning(b["reasoningContent"], f);
    case "cachePoint":
      notes.add("dropped", f, "no cache breakpoints across protocols");
      return null;
    default:
      throw new TranslationError(f, "a content block of this kind cannot be translated");
  }
}

function encodeSource(s: MediaSource, field: string): string {
  if (s.kind === "base64") return s.data;
  throw new TranslationError(
    field,
    s.kind === "url"
      ? "Bedrock Converse takes images and documents as bytes, not URLs; send them inline"
      : "a file id of another provider cannot be sent to Bedrock",
  );
}

/** Bedrock's document name: alphanumerics, single spaces, hyphens, parentheses, brackets. */
function documentName(title: string | null, index: string, notes: Notes, field: string): string {
  if (title === null) {
    notes.add("converted", `${field}.name`, "Bedrock requires a document name; one was made up");
    return `document-${index}`;
  }
  const safe = title.replace(/[^a-zA-Z0-9\s\-()[\]]/g, "-").replace(/\s+/g, " ").trim();
  if (safe !== title) {
    notes.add("converted", `${field}.name`, "characters Bedrock refuses in a document name");
  }
  return safe === "" ? `document-${index}` : safe;
}

function encodeMedia(b: ImageBlock | DocumentBlock, field: string, notes: Notes): Obj {
  const s = b.source;
  if (b.type === "image") {
    if (b.detail !== null) notes.add("dropped", `${field}.detail`, "Bedrock has no image detail");
    const format = s.kind === "base64" && s.mediaType.startsWith("image/")
      ? s.mediaType.slice("image/".length)
      : "";
    if (s.kind === "base64" && !imageFormats.has(format)) {
      throw new TranslationError(field, `Bedrock takes no image of type ${s.mediaType}`);
    }
    return { image: { format, source: { bytes: encodeSource(s, `${field}.source`) } } };
  }
  const format = s.kind === "base64" ? documentFormats[s.mediaType] : undefined;
  const bytes = encodeSource(s, `${field}.source`);
  if (format === undefined) {
    throw new TranslationError(field, `Bedrock takes no document of this type`);
  }
  const name = documentName(b.title, field.replace(/\W+/g, "-"), notes, field);
  return { document: { format, name, source: { bytes } } };
}

function encodeToolResult(b: ToolResultBlock, field: string, notes: Notes): Obj {
  const content = b.content.map((c, i) =>
    c.type === "text" ? { text: c.text } : encodeMedia(c, `${field}.content[${i}]`, notes)
  );
  return {
    toolResult: {
      toolUseId: converseToolId(b.callId, `${field}.toolUseId`, notes),
      content,
      ...(b.isError ? { status: "error" } : {}),
    },
  };
}

/** Reasoning goes upstream only to the protocol and model that made it (plan section 3). */
export function ownState(state: OpaqueState | null, model: string): boolean {
  return state !== null && state.origin === converse &&
    (state.model === null || state.model === model);
}

/**
 * One IR block as a Converse block, or null when dropped (noted). Upstream, reasoning without
 * Bedrock's signature is dropped (Claude refuses an unsigned thinking block); toward a client
 * its text is shown without a signature.
 */
export function encodeConverseBlock(
  b: ContentBlock,
  field: string,
  model: string,
  notes: Notes,
  direction: "request" | "response" = "request",
): Obj | null {
  switch (b.type) {
    case "text":
      return { text: b.text };
    case "image":
    case "document":
      return encodeMedia(b, field, notes);
    case "tool_call":
      if (b.state !== null) {
        notes.add("thinking_state_dropped", field, `state of ${b.state.origin} on a tool call`);
      }
      return {
        toolUse: {
          toolUseId: converseToolId(b.id, `${field}.toolUseId`, notes),
          name: b.name,
          input: b.arguments,
        },
      };
    case "tool_result":
      return encodeToolResult(b, field, notes);
    case "thinking":
      if (ownState(b.state, model)) {
        return {
          reasoningContent: { reasoningText: { text: b.text, signature: b.state!.value } },
        };
      }
      if (b.state !== null) {
        notes.add("thinking_state_dropped", field, `thinking state of ${b.state.origin}`);
      }
      if (direction === "response") {
        return { reasoningContent: { reasoningText: { text: b.text } } };
      }
      if (b.state === null) {
        notes.add("dropped", field, "reasoning without a Bedrock signature is refused upstream");
      }
      return null;
    case "redacted_thinking":
      if (ownState(b.state, model)) {
        return { reasoningContent: { redactedContent: b.state.value } };
      }
      notes.add("thinking_state_dropped", field, `redacted thinking of ${b.state.origin}`);
      return null;
  }
}
