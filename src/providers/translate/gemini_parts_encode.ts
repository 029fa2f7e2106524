/**
 * IR blocks → Gemini parts [gg `Part`]. Upstream (`request`) only Gemini's own state of the
 * target model is sent back, on the part that carried it; thinking text of another origin is
 * never sent as Gemini's thinking (LiteLLM #22997). Toward a client (`response`) thinking text is
 * shown as a thought part, with its signature only when it is Gemini's.
 */
import type { ContentBlock, OpaqueState, ToolCallBlock, ToolResultBlock } from "./ir.ts";
import { isObject, type Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { encodeGeminiMedia, ownState } from "./gemini_parts.ts";

export interface GeminiPartOptions {
  /** Send `functionCall.id`/`functionResponse.id`: the Gemini API takes them; Vertex refused
   *  them until late 2026 ("Unknown name \"id\"", charmbracelet/fantasy#265, vercel/ai#15664). */
  callIds: boolean;
  /** Images and documents of a tool result go in `functionResponse.parts` [gg
   *  `FunctionResponse.parts`; model support unverified]; false: parts after it, noted. */
  mediaInFunctionResponse: boolean;
}

export type Direction = "request" | "response";

function encodeCall(
  b: ToolCallBlock,
  field: string,
  model: string,
  o: GeminiPartOptions,
  notes: Notes,
): Obj {
  const call: Obj = o.callIds ? { id: b.id, name: b.name, args: b.arguments } : {
    name: b.name,
    args: b.arguments,
  };
  const part: Obj = { functionCall: call };
  if (ownState(b.state, model)) part["thoughtSignature"] = b.state!.value;
  else if (b.state !== null) {
    notes.add("thinking_state_dropped", field, `state of ${b.state.origin} on a tool call`);
  }
  return part;
}

/** Text parsing to a JSON object is sent as that object; other text as `{output}`/`{error}`. */
function responseObject(b: ToolResultBlock, field: string, notes: Notes): Obj {
  const texts = b.content.filter((c) => c.type === "text").map((c) => c.text);
  if (texts.length > 1) {
    notes.add("converted", `${field}.content`, "the texts of a tool result were joined for Gemini");
  }
  const text = texts.join("\n\n");
  let parsed: unknown = null;
  try {
    parsed = text === "" ? null : JSON.parse(text);
  } catch { /* plain text */ }
  if (b.isError) return { error: isObject(parsed) ? parsed : text };
  return isObject(parsed) ? parsed : { output: text };
}

function encodeResult(
  b: ToolResultBlock,
  field: string,
  o: GeminiPartOptions,
  notes: Notes,
): Obj[] {
  if (b.name === null) {
    throw new TranslationError(
      `${field}.callId`,
      "Gemini needs the function name of a tool result and no call with this id came before it",
    );
  }
  const r: Obj = o.callIds ? { id: b.callId, name: b.name } : { name: b.name };
  r["response"] = responseObject(b, field, notes);
  const media = b.content.flatMap((c, k) =>
    c.type === "text" ? [] : [encodeGeminiMedia(c, `${field}.content[${k}]`, notes)]
  );
  if (media.length === 0) return [{ functionResponse: r }];
  if (o.mediaInFunctionResponse) return [{ functionResponse: { ...r, parts: media } }];
  notes.add("relocated", `${field}.content`, "tool result media became parts after the response");
  return [{ functionResponse: r }, ...media];
}

/**
 * Blocks of one message as parts. An empty signed thinking block (a signature Gemini put on a
 * plain part) goes back onto the next part.
 */
export function encodeGeminiParts(
  blocks: ContentBlock[],
  field: string,
  model: string,
  o: GeminiPartOptions,
  direction: Direction,
  notes: Notes,
): Obj[] {
  const parts: Obj[] = [];
  let carried: string | null = null;
  blocks.forEach((b, j) => {
    const f = `${field}[${j}]`;
    if (b.type === "thinking" && b.text === "" && ownState(b.state, model) && carried === null) {
      carried = b.state!.value;
      return;
    }
    const made = encodeBlock(b, f, model, o, direction, notes);
    if (carried !== null && made.length > 0 && made[0]!["thoughtSignature"] === undefined) {
      made[0] = { ...made[0], thoughtSignature: carried };
      carried = null;
    }
    parts.push(...made);
  });
  if (carried !== null) parts.push({ text: "", thoughtSignature: carried });
  if (direction === "request") signFirstCall(parts, field, model, notes);
  return parts;
}

/**
 * Gemini 3 refuses a step whose first function call has no thought signature ("Function call is
 * missing a thought_signature in functionCall parts", a 400 quoted in
 * lbjlaq/Antigravity-Manager#3202); a call made by another protocol, or whose signature a client
 * could not keep, gets the value Gemini documents for that case (ai.google.dev thought-signatures
 * FAQ, as gemini-cli and jeremychone/rust-genai#115 send it), noted.
 */
const signsCalls = /gemini-[3-9]/;
const skipThoughtSignature = "skip_thought_signature_validator";

function signFirstCall(parts: Obj[], field: string, model: string, notes: Notes): void {
  if (!signsCalls.test(model)) return;
  const calls = parts.filter((p) => p["functionCall"] !== undefined);
  if (calls.length === 0 || calls.some((p) => p["thoughtSignature"] !== undefined)) return;
  calls[0]!["thoughtSignature"] = skipThoughtSignature;
  notes.add(
    "converted",
    field,
    "a function call without Gemini's thought signature was sent with its documented skip value",
  );
}

function encodeBlock(
  b: ContentBlock,
  f: string,
  model: string,
  o: GeminiPartOptions,
  direction: Direction,
  notes: Notes,
): Obj[] {
  switch (b.type) {
    case "text":
      return [{ text: b.text }];
    case "image":
    case "document":
      return [encodeGeminiMedia(b, f, notes)];
    case "tool_call":
      return [encodeCall(b, f, model, o, notes)];
    case "tool_result":
      return encodeResult(b, f, o, notes);
    case "thinking":
      return encodeThinking(b.text, b.state, f, model, direction, notes);
    case "redacted_thinking":
      notes.add("thinking_state_dropped", f, `redacted thinking of ${b.state.origin}`);
      return [];
  }
}

function encodeThinking(
  text: string,
  state: OpaqueState | null,
  f: string,
  model: string,
  direction: Direction,
  notes: Notes,
): Obj[] {
  if (ownState(state, model)) return [{ text, thought: true, thoughtSignature: state!.value }];
  if (state !== null) notes.add("thinking_state_dropped", f, `thinking state of ${state.origin}`);
  if (direction === "response") return text === "" ? [] : [{ text, thought: true }];
  if (state === null && text !== "") {
    notes.add("dropped", f, "thinking without a Gemini signature is not sent to Gemini");
  }
  return [];
}
