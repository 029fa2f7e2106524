/**
 * Where a Gemini `streamGenerateContent?alt=sse` chunk carries text in pieces, for the stream PII
 * redactor (`StreamTextLocator`). A chunk is a whole `GenerateContentResponse`:
 * `candidates[i].content.parts[j]` are pieces of the candidate's answer.
 *
 * - `text` parts are pieces of one text per candidate (`candidates/{index}/text`), thinking
 *   (`"thought": true`) of another (`candidates/{index}/thought`): the SDK joins them so
 *   (`GenerateContentResponse.text` skips thoughts). Several text parts in one chunk belong to
 *   the same text.
 * - Every other part is whole within its chunk: `functionCall` (`name`, `args` a whole object),
 *   `executableCode`, `codeExecutionResult`, `inlineData`, `fileData`, `functionResponse`. The
 *   redactor checks every string that is not a located piece as it stands, `args` values
 *   included, so those need no channel.
 * - A piece the redactor could not join to the rest makes the stream uninspectable: a
 *   `functionCall` streamed in pieces (Vertex's `partialArgs` / `willContinue`), or a part
 *   member this build does not know (it might be one).
 * - `finishReason` closes the candidate's texts (a later chunk may still come: server-side
 *   tools); an in-band `error` closes every text. The stream's end closes the rest.
 *
 * A copy the redactor makes to carry held-back text (before a closing chunk, or at the end)
 * leaves out what a client must not see twice: the other parts of that chunk (a function call
 * would run again), the part's `thoughtSignature`, and `usageMetadata` (the copy may come after
 * the final figures and would replace them with older ones).
 */
import { isRecord } from "./json_body.ts";
import type { JsonPath, SseEvent, StreamTextField, StreamTextLocation } from "./types.ts";

const noText: StreamTextLocation = { fields: [], closes: [] };

/** Part members known to be whole within a chunk (js-genai `Part`), beside `text`. */
const wholeMembers = new Set([
  "thought",
  "thoughtSignature",
  "inlineData",
  "fileData",
  "functionCall",
  "functionResponse",
  "executableCode",
  "codeExecutionResult",
  "videoMetadata",
  "mediaResolution",
  "partMetadata",
]);

export function locateGeminiStreamText({ data }: SseEvent): StreamTextLocation {
  if (!isRecord(data)) return noText;
  if (isRecord(data.error)) return { fields: [], closes: "all" };
  if (!Array.isArray(data.candidates)) return noText;
  const fields: StreamTextField[] = [];
  const closes: string[] = [];
  for (const [i, candidate] of data.candidates.entries()) {
    if (!isRecord(candidate)) continue;
    const channel = `candidates/${typeof candidate.index === "number" ? candidate.index : i}`;
    const content = candidate.content;
    const parts = isRecord(content) && Array.isArray(content.parts) ? content.parts : [];
    const problem = locateParts(parts, ["candidates", i, "content", "parts"], channel, fields);
    if (problem !== null) return { fields: [], closes: [], uninspectable: problem };
    if (typeof candidate.finishReason === "string") closes.push(channel);
  }
  // A copy of this chunk carrying held text leaves out its other parts and its usage.
  const others = otherParts(data.candidates);
  for (const f of fields) f.once = [...(f.once ?? []), ...others, ["usageMetadata"]];
  return { fields, closes };
}

/** The text parts of one candidate as fields; why the chunk is uninspectable, or null. */
function locateParts(
  parts: unknown[],
  at: JsonPath,
  channel: string,
  fields: StreamTextField[],
): string | null {
  for (const [j, part] of parts.entries()) {
    if (!isRecord(part)) continue;
    const unknown = Object.keys(part).find((k) => k !== "text" && !wholeMembers.has(k));
    if (unknown !== undefined && carriesText(part[unknown])) {
      return `a Gemini part of a kind the gateway does not know (${unknown.slice(0, 40)})`;
    }
    const call = part.functionCall;
    if (isRecord(call) && (call.partialArgs !== undefined || call.willContinue === true)) {
      return "a Gemini function call streamed in pieces (partialArgs)";
    }
    if (typeof part.text !== "string") continue;
    const path = [...at, j];
    fields.push({
      channel: `${channel}/${part.thought === true ? "thought" : "text"}`,
      path: [...path, "text"],
      once: "thoughtSignature" in part ? [[...path, "thoughtSignature"]] : [],
    });
  }
  return null;
}

/** Paths of the parts that are not text (left out of a copy). */
function otherParts(candidates: unknown[]): JsonPath[] {
  const out: JsonPath[] = [];
  for (const [i, candidate] of candidates.entries()) {
    if (!isRecord(candidate) || !isRecord(candidate.content)) continue;
    const parts = candidate.content.parts;
    if (!Array.isArray(parts)) continue;
    for (const [j, part] of parts.entries()) {
      if (!isRecord(part) || typeof part.text !== "string") {
        out.push(["candidates", i, "content", "parts", j]);
      }
    }
  }
  return out;
}

/** Whether a value holds a string anywhere (a member of no text is no risk). */
function carriesText(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return true;
  if (depth > 32 || typeof value !== "object" || value === null) return false;
  return Object.values(value).some((v) => carriesText(v, depth + 1));
}
