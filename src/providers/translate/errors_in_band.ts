/**
 * In-band stream errors (an error inside a 200 stream) of each upstream protocol → the IR error,
 * through the adapters' own classifiers, so a stream codec (T4) never reads an error shape
 * itself. The status is the one the protocol documents for the error's type, when it names one.
 *
 * Shapes: Anthropic `event: error` `{type:"error", error:{type, message}}`; OpenAI Chat
 * `{error:{message, type, code}}` chunk (or `{error: "text"}`, or an `event: error` whose data
 * is the error itself); Responses `error` event `{type:"error", code, message}` (over WebSocket
 * `{type:"error", status, error:{...}}`) or `response.failed` `{response:{error:{code,
 * message}}}`; Gemini `{error:{code, message, status, details}}` chunk; Bedrock an exception
 * message (`:exception-type`, body `{message}`).
 *
 * An error whose protocol names no status (a bare string, an unknown type) is classified by
 * T6's rule for a status-less error: its wording, else `invalid_request` (400). Bedrock is the
 * exception: an exception type it does not document, arriving in a stream it had started, is
 * its server's failure (500).
 */
import { anthropicErrorFacts, anthropicStatusOf } from "../anthropic_errors.ts";
import { bedrockExceptionFacts, bedrockStatusOf } from "../bedrock_errors.ts";
import { geminiErrorFacts } from "../gemini_errors.ts";
import { openAiErrorFacts } from "../openai_errors.ts";
import { statusIn } from "../error_facts.ts";
import type { Protocol } from "./ir.ts";
import { providerErrorOf, type UpstreamError } from "./errors.ts";
import { isObject, type Obj } from "./json.ts";

/**
 * The error object inside a payload: `payload.error`, `payload.response.error`, or itself. A
 * bare-string `{"error": "..."}` (vLLM, SGLang and relays send it, aaif-goose/goose PR #8027) is
 * that text as the message, the payload's other fields (a relay's numeric `code`) kept.
 */
function errorObject(payload: unknown): Obj {
  if (!isObject(payload)) return {};
  if (isObject(payload.error)) return payload.error;
  if (typeof payload.error === "string") return { ...payload, message: payload.error };
  if (isObject(payload.response) && isObject(payload.response.error)) {
    return payload.response.error;
  }
  return payload;
}

/**
 * The IR error of an in-band error payload (the parsed JSON of the event or chunk). For
 * Bedrock, `exceptionType` is the message's `:exception-type` header; ignored elsewhere.
 */
export function inBandErrorOf(
  upstream: Protocol,
  payload: unknown,
  exceptionType: string | null = null,
): UpstreamError {
  const e = errorObject(payload);
  switch (upstream) {
    case "anthropic.messages": {
      const status = anthropicStatusOf(e.type);
      return providerErrorOf(upstream, status, anthropicErrorFacts(status, e));
    }
    case "openai.chat":
    case "openai.responses": {
      // Over WebSocket the Responses `error` frame has `status` (or `status_code`) beside its
      // nested `error` (research/issue18_agents.md).
      const o = isObject(payload) ? payload : {};
      const status = statusIn(e.status, e.status_code, e.code, o.status, o.status_code);
      return providerErrorOf(upstream, status, openAiErrorFacts(status, e));
    }
    case "gemini.generate": {
      const status = statusIn(e.code);
      return providerErrorOf(upstream, status, geminiErrorFacts(status, e));
    }
    case "bedrock.converse": {
      // A type Bedrock does not document, in a stream it had started: its server failed.
      const status = bedrockStatusOf(exceptionType) ?? 500;
      const said = e.message ?? e.Message;
      // The exception's name stays in the text: in a stream it is all that says what happened.
      const message = exceptionType === null
        ? said
        : typeof said === "string" && said.trim() !== ""
        ? `${exceptionType}: ${said}`
        : exceptionType;
      return providerErrorOf(
        upstream,
        status,
        bedrockExceptionFacts(exceptionType, status, message),
      );
    }
  }
}
