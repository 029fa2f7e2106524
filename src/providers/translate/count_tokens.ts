/**
 * Anthropic `POST /v1/messages/count_tokens` against a target of another protocol (plan section
 * 6). Pure functions; the wiring (T7) sends the requests built here and passes the answers back.
 *
 * - Gemini: `POST /v1beta/models/{model}:countTokens` with `generateContentRequest` (the form that
 *   counts `systemInstruction` and `tools` too; `contents` alone would not, and the two forms are
 *   mutually exclusive: Google's `models.countTokens` reference) → `{totalTokens}`.
 * - Bedrock: `POST /model/{modelId}/count-tokens` with `{input: {converse: {messages, system,
 *   toolConfig, additionalModelRequestFields}}}` → `{inputTokens}` (the `CountTokens` operation of
 *   `@aws-sdk/client-bedrock-runtime` 3.1178.0, `schemas_0.js`). Which models support it is not
 *   verified: a `ValidationException` there should fall back to the estimate.
 * - Anything else (OpenAI Chat/Responses, OpenAI-compatible servers): no counter, so a labelled
 *   estimate, never presented as exact (`estimateInputTokens`).
 */
import type { ContentBlock, JsonObject, Request } from "./ir.ts";
import { asObject, type Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";

/** An HTTP request to the target's counter; the wiring adds the host and credentials. */
export interface CountRequest {
  method: "POST";
  path: string;
  body: JsonObject;
}

/** The Anthropic answer (`{input_tokens}`) and the headers that go with it. */
export interface CountAnswer {
  body: { input_tokens: number };
  headers: Record<string, string>;
}

/** Header marking an answer that no tokenizer produced (plan section 6). */
export const estimateHeader = "x-ongoingai-token-estimate";

/** GenerateContentRequest members the counter reads; generationConfig counts no tokens. */
const geminiCounted = ["contents", "systemInstruction", "tools", "toolConfig", "cachedContent"];

/** Gemini `countTokens` for a generateContent body as the Gemini codec encodes it. */
export function geminiCountTokensRequest(model: string, generateBody: JsonObject): CountRequest {
  const inner: JsonObject = { model: `models/${model}` };
  for (const key of geminiCounted) {
    const v = generateBody[key];
    if (v !== undefined) inner[key] = v;
  }
  return {
    method: "POST",
    path: `/v1beta/models/${encodeURIComponent(model)}:countTokens`,
    body: { generateContentRequest: inner },
  };
}

const bedrockCounted = ["messages", "system", "toolConfig", "additionalModelRequestFields"];

/** Bedrock `CountTokens` for a Converse body as the Converse codec encodes it. */
export function bedrockCountTokensRequest(modelId: string, converseBody: JsonObject): CountRequest {
  const converse: JsonObject = {};
  for (const key of bedrockCounted) {
    const v = converseBody[key];
    if (v !== undefined) converse[key] = v;
  }
  return {
    method: "POST",
    path: `/model/${encodeURIComponent(modelId)}/count-tokens`,
    body: { input: { converse } },
  };
}

/** A count as the wire says it: a non-negative integer, or a TranslationError naming it. */
function countIn(o: Obj, key: string, field: string): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new TranslationError(`${field}.${key}`, "expected a count (a non-negative integer)");
  }
  return v;
}

/** Gemini's answer. proto3 JSON leaves a zero out, so `{}` is a count of 0, not unknown. */
export function geminiCountTokensAnswer(body: unknown): CountAnswer {
  const o = asObject(body, "countTokens");
  const n = o.totalTokens === undefined ? 0 : countIn(o, "totalTokens", "countTokens");
  return { body: { input_tokens: n }, headers: {} };
}

export function bedrockCountTokensAnswer(body: unknown): CountAnswer {
  const o = asObject(body, "CountTokens");
  return { body: { input_tokens: countIn(o, "inputTokens", "CountTokens") }, headers: {} };
}

/** Tokens per UTF-8 byte: the providers' own rule of thumb ("about 4 characters a token"). */
export const bytesPerToken = 4;
/** Per message and per instruction: OpenAI's cookbook count of role/separator tokens. */
export const messageOverhead = 3;
/** OpenAI's cost of an image: `low` detail, and `high` for 1024×1024 (4 tiles × 170 + 85);
 *  the dimensions are not read, so every other image counts as the latter. */
export const imageTokens = { low: 85, other: 765 } as const;
/** A document's pages are not read: Anthropic's lower figure for one PDF page. */
export const documentTokens = 1500;

/** UTF-8 bytes without allocating: code units < 0x80 one byte, < 0x800 two, pairs four. */
export function utf8Bytes(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

interface Tally {
  bytes: number;
  fixed: number;
}

function tallyBlock(block: ContentBlock, t: Tally): void {
  switch (block.type) {
    case "text":
      t.bytes += utf8Bytes(block.text);
      return;
    case "thinking":
      t.bytes += utf8Bytes(block.text);
      return;
    case "image":
      t.fixed += block.detail === "low" ? imageTokens.low : imageTokens.other;
      return;
    case "document":
      t.fixed += documentTokens;
      t.bytes += utf8Bytes(block.title ?? "");
      return;
    case "tool_call":
      t.bytes += utf8Bytes(block.name) +
        utf8Bytes(block.argumentsText ?? JSON.stringify(block.arguments));
      return;
    case "tool_result":
      for (const c of block.content) tallyBlock(c, t);
      return;
    case "redacted_thinking":
      // Encrypted state: its token cost is the provider's secret; not counted.
      return;
  }
}

/**
 * The labelled estimate: ⌈UTF-8 bytes of every text / 4⌉ (texts, thinking, tool names and
 * arguments, tool results, tool definitions and the JSON schema asked for) + 3 per message and
 * instruction + 3 + fixed figures per image and document. Recorded as a note and marked with
 * `x-ongoingai-token-estimate: heuristic`; encrypted thinking is not counted.
 */
export function estimateInputTokens(request: Request, notes: Notes): CountAnswer {
  const t: Tally = { bytes: 0, fixed: messageOverhead };
  for (const i of request.instructions) {
    t.bytes += utf8Bytes(i.text);
    t.fixed += messageOverhead;
  }
  for (const m of request.messages) {
    t.fixed += messageOverhead;
    for (const b of m.content) tallyBlock(b, t);
  }
  for (const tool of request.tools) {
    t.bytes += utf8Bytes(tool.name) + utf8Bytes(tool.description ?? "") +
      utf8Bytes(JSON.stringify(tool.parameters));
  }
  const format = request.responseFormat;
  if (format !== null && format.kind === "json_schema") {
    t.bytes += utf8Bytes(JSON.stringify(format.schema));
  }
  const n = Math.ceil(t.bytes / bytesPerToken) + t.fixed;
  notes.add(
    "converted",
    "input_tokens",
    "estimated: the target has no token counter; UTF-8 bytes / 4 + 3 per message, " +
      "fixed figures per image and document; not exact",
  );
  return { body: { input_tokens: n }, headers: { [estimateHeader]: "heuristic" } };
}
