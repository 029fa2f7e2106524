/**
 * In-band stream errors (an error inside a 200 stream) of each upstream protocol → the IR error,
 * through the adapters' own classifiers, so a stream codec (T4) never reads an error shape
 * itself. The status is the one the protocol documents for the error's type, when it names one.
 *
 * Shapes: Anthropic `event: error` `{type:"error", error:{type, message}}`; OpenAI Chat
 * `{error:{message, type, code}}` chunk; Responses `error` event `{type:"error", code,
 * message}` or `response.failed` `{response:{error:{code, message}}}`; Gemini `{error:{code,
 * message, status}}` chunk; Bedrock an exception message (`:exception-type`, body `{message}`).
 */
import { anthropicErrorFacts, anthropicStatusOf } from "../anthropic_errors.ts";
import { bedrockExceptionFacts, bedrockStatusOf } from "../bedrock_errors.ts";
import { geminiErrorFacts } from "../gemini_errors.ts";
import { openAiErrorFacts } from "../openai_errors.ts";
import { statusIn } from "../error_facts.ts";
import type { Protocol } from "./ir.ts";
import { providerErrorOf, type UpstreamError } from "./errors.ts";
import { isObject, type Obj } from "./json.ts";

/** The error object inside a payload: `payload.error`, `payload.response.error`, or itself. */
function errorObject(payload: unknown): Obj {
  if (!isObject(payload)) return {};
  if (isObject(payload.error)) return payload.error;
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
      const status = statusIn(e.status, e.status_code, e.code);
      return providerErrorOf(upstream, status, openAiErrorFacts(status, e));
    }
    case "gemini.generate": {
      const status = statusIn(e.code);
      return providerErrorOf(upstream, status, geminiErrorFacts(status, e));
    }
    case "bedrock.converse": {
      const status = bedrockStatusOf(exceptionType);
      const message = e.message ?? e.Message;
      return providerErrorOf(
        upstream,
        status,
        bedrockExceptionFacts(exceptionType, status, message),
      );
    }
  }
}
