/**
 * Facts about one Gemini `GenerateContentResponse` (a streamed chunk or the whole answer), shared
 * by the usage reader (gemini_usage.ts) and the commit rules (commit_gemini.ts) so that both agree
 * on what "the answer ended" means.
 *
 * Shapes from js-genai `src/types.ts` (`GenerateContentResponse`, `Part`, `FinishReason`,
 * `BlockedReason`) and the recordings under `test/system/recordings/` (repo @ 6e9b35c).
 */
import { isRecord, type JsonObject } from "./json_body.ts";

/** Part members that carry no output by themselves (an empty text with a thought signature). */
const silentPartMembers = new Set(["text", "thought", "thoughtSignature"]);

/**
 * Finish reasons that mean the provider refused to answer (js-genai `FinishReason`): before any
 * output they are a content-policy answer, not an empty success.
 */
export const policyFinishReasons = new Set([
  "SAFETY",
  "PROHIBITED_CONTENT",
  "SPII",
  "BLOCKLIST",
  "IMAGE_SAFETY",
  "RECITATION",
]);

export interface ChunkFacts {
  /** Some candidate part carries output: text (thoughts included), a call, code, media, ... */
  content: boolean;
  /** The first candidate `finishReason` found, or null. */
  finishReason: string | null;
  /** `promptFeedback.blockReason`: the prompt was refused (a 200 with no candidates). */
  blockReason: string | null;
}

/**
 * A part is output unless it holds only an empty `text`, `thought` and `thoughtSignature`. Part
 * kinds the rules do not know (`functionCall`, `executableCode`, `inlineData`, `toolCall`, new
 * ones) are output: the client acts on them.
 */
export function partHasOutput(part: unknown): boolean {
  if (!isRecord(part)) return false;
  if (typeof part.text === "string" && part.text !== "") return true;
  for (const key of Object.keys(part)) {
    if (!silentPartMembers.has(key)) return true;
  }
  return false;
}

export function chunkFacts(chunk: JsonObject): ChunkFacts {
  let content = false;
  let finishReason: string | null = null;
  const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
  for (const c of candidates) {
    if (!isRecord(c)) continue;
    if (finishReason === null && typeof c.finishReason === "string" && c.finishReason !== "") {
      finishReason = c.finishReason;
    }
    const parts = isRecord(c.content) && Array.isArray(c.content.parts) ? c.content.parts : [];
    if (!content && parts.some(partHasOutput)) content = true;
  }
  const feedback = chunk.promptFeedback;
  const block = isRecord(feedback) && typeof feedback.blockReason === "string" &&
      feedback.blockReason !== "" && feedback.blockReason !== "BLOCKED_REASON_UNSPECIFIED"
    ? feedback.blockReason
    : null;
  return { content, finishReason, blockReason: block };
}

/**
 * Whether a stream has ended, chunk by chunk. A `finishReason` does not end a Gemini stream: with
 * server-side tools (MCP, code execution) a chunk with `finishReason: "STOP"` comes first and the
 * stream goes on (recording `Chats_Tests_sendMessage_multiple_messages_with_server_side_MCP_tools_
 * stream.json`). So the answer is finished when a finish (or a prompt block) came and no output
 * came after it; a usage-only chunk after the finish changes nothing.
 */
export class FinishTracker {
  #finished = false;

  get finished(): boolean {
    return this.#finished;
  }

  observe(facts: { content: boolean; finishReason: string | null; blockReason: string | null }) {
    if (facts.finishReason !== null || facts.blockReason !== null) this.#finished = true;
    else if (facts.content) this.#finished = false;
  }
}

/**
 * `"key"` as a member name in raw JSON text, with a value starting with `valueStart` (a quote for a
 * string, `[` for an array), found without parsing. Text inside string values has its quotes
 * escaped, so a key quoted there is preceded by a backslash, not by `{`, `,` or whitespace.
 */
export function hasMember(data: string, quotedKey: string, valueStart: number): boolean {
  for (let at = data.indexOf(quotedKey); at !== -1; at = data.indexOf(quotedKey, at + 1)) {
    const before = data.charCodeAt(at - 1);
    if (before !== 123 && before !== 44 && !isSpace(before)) continue;
    let i = at + quotedKey.length;
    while (isSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) !== 58) continue;
    i++;
    while (isSpace(data.charCodeAt(i))) i++;
    if (data.charCodeAt(i) === valueStart) return true;
  }
  return false;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}
