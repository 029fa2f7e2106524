/**
 * Commit rules for Gemini streams (`streamGenerateContent?alt=sse`, Gemini API and Vertex AI
 * `publishers/google`). Each event is `data: <GenerateContentResponse>`, no event names, no
 * terminator: the body simply ends (js-genai `processStreamResponse`, recordings @ 6e9b35c).
 *
 * - preamble: a chunk whose candidates carry no output (Gemini 2.5+ may open with a usage-only
 *   chunk; an empty text with a `thoughtSignature`), a finish or usage chunk after the output;
 * - content: any part with output (gemini_chunks.ts `partHasOutput`), thoughts included (`"thought":
 *   true` parts, for the reason commit_anthropic.ts gives for thinking);
 * - end: none in band. A clean end is the body ending after the answer finished: a chunk with a
 *   `finishReason` (or a prompt `blockReason`) and no output after it. A `finishReason` alone does
 *   not end the stream: with server-side tools (MCP, code execution) a `STOP` chunk comes first and
 *   the stream goes on (`FinishTracker`). Ending otherwise is `unclean_end` (`cleanEnd`).
 * - in-band error: `data: {"error": {...}}` (`@google/genai` 3.x raises it), and the raw JSON error
 *   object Gemini writes outside SSE framing (gemini_unframed.ts, fed by `unframed`); a line that
 *   is neither SSE nor such an object is malformed.
 * - content policy: a prompt `blockReason`, or a refusal `finishReason` (`SAFETY`, ...) before any
 *   output, is the provider's answer with `content_policy` facts (routing may pass it through).
 *
 * Termination: the raw JSON error object, unframed, as Gemini itself sends it (see `termination`).
 */
import { isRecord, type JsonObject } from "./json_body.ts";
import { statusIn } from "./error_facts.ts";
import { looksLikeObject, malformed, parseEvent } from "./commit_events.ts";
import type { CommitRules, EventVerdict } from "./commit_types.ts";
import { chunkFacts, FinishTracker, hasMember, policyFinishReasons } from "./gemini_chunks.ts";
import { geminiErrorFacts } from "./gemini_errors.ts";
import { UnframedJsonAssembler } from "./gemini_unframed.ts";

const errorChunk = /^\{\s*"error"/;
const QUOTE = 34;
const LBRACKET = 91;

/** The google.rpc error a termination carries, by the gateway's error code. */
function terminationStatus(code: string): { code: number; status: string } {
  if (code === "pii_blocked") return { code: 403, status: "PERMISSION_DENIED" };
  if (code.endsWith("timeout")) return { code: 504, status: "DEADLINE_EXCEEDED" };
  return { code: 500, status: "INTERNAL" };
}

function errorVerdict(error: JsonObject): EventVerdict {
  const status = statusIn(error.code);
  const facts = geminiErrorFacts(status, error);
  return { kind: "error", status, error: facts };
}

function policyVerdict(why: string): EventVerdict {
  return {
    kind: "error",
    status: null,
    error: { category: "content_policy", message: `the provider refused the request (${why})` },
  };
}

export class GeminiCommitRules implements CommitRules {
  readonly terminatorName = "a chunk with a finishReason";
  readonly #finish = new FinishTracker();
  readonly #unframed = new UnframedJsonAssembler();
  #contentSeen = false;

  classify(_name: string | null, data: string): EventVerdict {
    const parsed = parseEvent(data);
    if (!parsed.ok) return parsed.verdict;
    const chunk = parsed.value;
    if (isRecord(chunk.error)) return errorVerdict(chunk.error);
    const facts = chunkFacts(chunk);
    this.#finish.observe(facts);
    if (facts.content) {
      this.#contentSeen = true;
      return { kind: "content" };
    }
    if (this.#contentSeen) return { kind: "preamble" };
    if (facts.blockReason !== null) return policyVerdict(`blockReason ${facts.blockReason}`);
    if (facts.finishReason !== null && policyFinishReasons.has(facts.finishReason)) {
      return policyVerdict(`finishReason ${facts.finishReason}`);
    }
    return { kind: "preamble" };
  }

  glance(name: string | null, data: string): EventVerdict {
    if (errorChunk.test(data)) return this.classify(name, data);
    if (!looksLikeObject(data)) return malformed(`an event's data is not a JSON object`);
    if (hasMember(data, '"finishReason"', QUOTE) || hasMember(data, '"blockReason"', QUOTE)) {
      this.#finish.observe({ content: false, finishReason: "", blockReason: null });
    } else if (this.#finish.finished && hasMember(data, '"parts"', LBRACKET)) {
      // Only chunks after a finish are parsed: more output reopens the answer, an empty text
      // part (a last usage chunk) does not.
      const parsed = parseEvent(data);
      if (!parsed.ok) return parsed.verdict;
      this.#finish.observe(chunkFacts(parsed.value));
    }
    return { kind: "content" };
  }

  /**
   * The body ended with no terminator (Gemini has none): null when that is a clean end here,
   * else the problem.
   */
  cleanEnd(): string | null {
    if (this.#unframed.open) return "the stream ended inside a JSON text outside SSE framing";
    return this.#finish.finished
      ? null
      : "the stream ended before a chunk with a finishReason closed the answer";
  }

  /**
   * A line that is no SSE field: null while a JSON object is still open; then the error it was,
   * or malformed.
   */
  unframed(line: string): EventVerdict | null {
    const r = this.#unframed.push(line);
    if (r.kind === "pending") return null;
    return r.kind === "error" ? errorVerdict(r.error) : malformed(r.detail);
  }

  /**
   * The error `@google/genai` raises: a raw JSON error object, not SSE-framed, then the end of the
   * body. As its own network read, 2.x and 3.x `JSON.parse` it and throw `ApiError` with its
   * `code`; read together with earlier bytes it is text without a `data:` event left at the end,
   * and both throw "Incomplete JSON segment at the end". Framed as `data:` it would be an empty
   * `GenerateContentResponse` to 2.x (no error at all), and a blank line after it would make 2.x
   * drop it as an event without data: hence one line end only. The gateway's code travels as a
   * `google.rpc.ErrorInfo` reason.
   */
  termination(message: string, code: string): string {
    const { code: http, status } = terminationStatus(code);
    const info = {
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: code.toUpperCase(),
      domain: "ongoingai.gateway",
    };
    return `${JSON.stringify({ error: { code: http, message, status, details: [info] } })}\n`;
  }
}
