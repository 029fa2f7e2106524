/**
 * Gemini `Part`s ⇄ IR blocks [gg `Part`, `FunctionCall`, `FunctionResponse`, `Blob`,
 * `FileData`]; plan section 2.4. Shared by the request and answer codecs.
 *
 * `thoughtSignature` stays on the part that carried it (OmniRoute PR #9221, Bifrost #1437): on a
 * `functionCall` part it is the tool call's state; on a thought part the thinking block's; on any
 * other part (Gemini signs plain text too) it decodes to an empty thinking block just before that
 * part, which the encoder folds back onto the next part.
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
import {
  asArray,
  asJsonObject,
  asObject,
  asString,
  isObject,
  limits,
  type Obj,
  optBoolean,
  optString,
} from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";

export const gemini = "gemini.generate";

export function geminiState(value: string): OpaqueState {
  return { origin: gemini, model: null, value, itemId: null };
}

/** State goes back only to the protocol and model that made it (plan section 3). */
export function ownState(state: OpaqueState | null, model: string): boolean {
  return state !== null && state.origin === gemini &&
    (state.model === null || state.model === model);
}

function decodeBlob(v: unknown, field: string): ImageBlock | DocumentBlock {
  const o = asObject(v, field);
  const mediaType = asString(o["mimeType"], `${field}.mimeType`);
  const source: MediaSource = {
    kind: "base64",
    mediaType,
    data: asString(o["data"], `${field}.data`),
  };
  return media(source, mediaType);
}

function decodeFile(v: unknown, field: string): ImageBlock | DocumentBlock {
  const o = asObject(v, field);
  const mediaType = optString(o, "mimeType", field);
  const url = asString(o["fileUri"], `${field}.fileUri`);
  return media({ kind: "url", url, mediaType }, mediaType);
}

function media(source: MediaSource, mediaType: string | null): ImageBlock | DocumentBlock {
  return mediaType !== null && mediaType.startsWith("image/")
    ? { type: "image", source, detail: null }
    : { type: "document", source, title: null };
}

/** `response: {output: "…"}` is text; `{error: …}` an error; any other object its JSON text. */
function decodeResponseObject(r: Obj): { text: string; isError: boolean } {
  const keys = Object.keys(r);
  if (keys.length === 1 && keys[0] === "error") {
    const e = r["error"];
    return { text: typeof e === "string" ? e : JSON.stringify(e), isError: true };
  }
  if (keys.length === 1 && keys[0] === "output" && typeof r["output"] === "string") {
    return { text: r["output"], isError: false };
  }
  return { text: JSON.stringify(r), isError: false };
}

function decodeFunctionResponse(v: unknown, field: string, id: string): ToolResultBlock {
  const o = asObject(v, field);
  const response = o["response"] === undefined || o["response"] === null
    ? {}
    : asObject(o["response"], `${field}.response`);
  const { text, isError } = decodeResponseObject(response);
  const content: ToolResultContent[] = text === "" ? [] : [{ type: "text", text }];
  if (o["parts"] !== undefined && o["parts"] !== null) {
    asArray(o["parts"], `${field}.parts`, limits.blocks).forEach((p, k) => {
      const f = `${field}.parts[${k}]`;
      const part = asObject(p, f);
      if (part["inlineData"] != null) {
        content.push(decodeBlob(part["inlineData"], `${f}.inlineData`));
      } else if (part["fileData"] != null) {
        content.push(decodeFile(part["fileData"], `${f}.fileData`));
      } else throw new TranslationError(f, "expected inlineData or fileData");
    });
  }
  return {
    type: "tool_result",
    callId: id,
    name: asString(o["name"], `${field}.name`),
    content,
    isError,
  };
}

/**
 * Id prefix for calls an answer sent without ids (Gemini before 3 sends none): the answer's
 * `responseId` keeps ids of different turns apart in a client's history (Anthropic and Chat
 * clients pair results by id), in the characters every protocol accepts.
 */
export function callIdPrefix(responseId: string | null): string {
  const safe = (responseId ?? "").replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 40);
  return safe === "" ? "gemini_call_" : `gemini_${safe}_`;
}

/** Ids of calls that came without one, and their answers. */
export class CallIds {
  #pending = new Map<string, string[]>();
  #made = 0;
  constructor(readonly prefix = "gemini_call_") {}
  call(id: string | null, name: string): string {
    const real = id ?? `${this.prefix}${this.#made++}`;
    const queue = this.#pending.get(name) ?? [];
    queue.push(real);
    this.#pending.set(name, queue);
    return real;
  }
  /** An answer without an id answers the oldest unanswered call of that name. */
  result(id: string | null, name: string, field: string): string {
    const queue = this.#pending.get(name) ?? [];
    if (id !== null) {
      const at = queue.indexOf(id);
      if (at >= 0) queue.splice(at, 1);
      return id;
    }
    const first = queue.shift();
    if (first === undefined) {
      throw new TranslationError(
        `${field}.name`,
        `no earlier functionCall named ${JSON.stringify(name)} for this functionResponse to answer`,
      );
    }
    return first;
  }
}

/** One part as IR blocks (a signed plain part gives an empty thinking block before it). */
export function decodeGeminiPart(
  v: unknown,
  field: string,
  ids: CallIds,
  notes: Notes,
): ContentBlock[] {
  const p = asObject(v, field);
  const signature = optString(p, "thoughtSignature", field);
  const state = signature === null || signature === "" ? null : geminiState(signature);
  const thought = optBoolean(p, "thought", field) ?? false;
  if (p["functionCall"] != null) {
    const f = `${field}.functionCall`;
    const c = asObject(p["functionCall"], f);
    const name = asString(c["name"], `${f}.name`);
    return [{
      type: "tool_call",
      id: ids.call(optString(c, "id", f), name),
      name,
      arguments: c["args"] === undefined || c["args"] === null
        ? {}
        : asJsonObject(c["args"], `${f}.args`),
      argumentsText: null,
      state,
    }];
  }
  if (typeof p["text"] === "string" && thought) {
    return [{ type: "thinking", text: p["text"], kind: "summary", state }];
  }
  const bare = Object.keys(p).every((k) => k === "thoughtSignature" || k === "thought");
  if (bare && state !== null) return [{ type: "thinking", text: "", kind: "summary", state }];
  const block = decodePlain(p, field, ids, notes);
  return state === null ? [block] : [{ type: "thinking", text: "", kind: "summary", state }, block];
}

function decodePlain(p: Obj, field: string, ids: CallIds, notes: Notes): ContentBlock {
  if (p["text"] !== undefined) return { type: "text", text: asString(p["text"], `${field}.text`) };
  if (p["inlineData"] != null) return decodeBlob(p["inlineData"], `${field}.inlineData`);
  if (p["fileData"] != null) return decodeFile(p["fileData"], `${field}.fileData`);
  if (p["functionResponse"] != null) {
    const f = `${field}.functionResponse`;
    const r = asObject(p["functionResponse"], f);
    const name = asString(r["name"], `${f}.name`);
    const id = ids.result(optString(r, "id", f), name, f);
    if (r["willContinue"] != null || r["scheduling"] != null) {
      notes.add(
        "dropped",
        `${f}.scheduling`,
        "Gemini Live's response scheduling is not translated",
      );
    }
    return decodeFunctionResponse(r, f, id);
  }
  const kind = Object.keys(p).find((k) => k !== "thoughtSignature" && k !== "thought") ?? "(empty)";
  throw new TranslationError(`${field}.${kind}`, `a Gemini part of this kind cannot be translated`);
}

/** IR media as a Gemini `inlineData` or `fileData`; URLs Gemini cannot read are refused. */
export function encodeGeminiMedia(b: ImageBlock | DocumentBlock, field: string, notes: Notes): Obj {
  if (b.type === "image" && b.detail !== null) {
    notes.add("dropped", `${field}.detail`, "Gemini has no image detail level");
  }
  if (b.type === "document" && b.title !== null) {
    notes.add("dropped", `${field}.title`, "Gemini parts have no document title");
  }
  const s = b.source;
  switch (s.kind) {
    case "base64":
      return { inlineData: { mimeType: s.mediaType, data: s.data } };
    case "url":
      if (!geminiReadable(s.url)) {
        throw new TranslationError(
          `${field}.source.url`,
          "Gemini reads only gs:// and File API URIs; the gateway does not fetch URLs: send the bytes inline",
        );
      }
      if (s.mediaType === null) {
        throw new TranslationError(`${field}.source`, "Gemini needs the media type of a file URI");
      }
      return { fileData: { mimeType: s.mediaType, fileUri: s.url } };
    case "file":
      throw new TranslationError(
        `${field}.source`,
        `a file id of ${s.origin} cannot be sent to Gemini`,
      );
  }
}

function geminiReadable(url: string): boolean {
  return url.startsWith("gs://") ||
    url.startsWith("https://generativelanguage.googleapis.com/");
}

export function isSignedEmpty(b: ContentBlock): boolean {
  return b.type === "thinking" && b.text === "" && b.state !== null;
}

export function hasSignature(p: Obj): boolean {
  return isObject(p) && typeof p["thoughtSignature"] === "string";
}
