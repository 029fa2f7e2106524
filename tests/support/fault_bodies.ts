/**
 * The bytes a fault script sends, per protocol: complete answers (OpenAI Chat Completions as JSON
 * and SSE, the Responses API as SSE, Anthropic Messages as JSON and SSE, from the documented event
 * sequences of wire_events.ts where they fit) and the providers' real error bodies and in-band
 * error events. Pure: text in, frames out. `fault_upstream.ts` decides how they are sent.
 */
import {
  type Answer,
  messageObject,
  messagesEvents,
  type MessagesUsage,
  responsesEvents,
  type ResponsesUsage,
  sseFrame,
} from "./wire_events.ts";

export const chatUsage = { prompt: 21, completion: 9 } as const;
export const faultMessagesUsage: MessagesUsage = {
  input: 21,
  cacheRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
  output: 9,
};
export const faultResponsesUsage: ResponsesUsage = {
  input: 21,
  cached: 0,
  output: 9,
  reasoning: 0,
};

/** The text of an answer, split in pieces as a stream sends it. */
export function answerOf(id: string, model: string, text: string, pieceLen = 6): Answer {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += pieceLen) pieces.push(text.slice(i, i + pieceLen));
  return { id, model, pieces };
}

const data = (v: unknown) => `data: ${JSON.stringify(v)}\n\n`;

function chatChunk(a: Answer, delta: Record<string, unknown>, finish: string | null): string {
  return data({
    id: `chatcmpl-${a.id}`,
    object: "chat.completion.chunk",
    created: 1765000000,
    model: a.model,
    system_fingerprint: "fp_fault",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
}

/**
 * A streamed chat completion: the role-only chunk (no content: held before commit), one chunk
 * per piece, the finish chunk, the usage chunk (`include_usage`), then `[DONE]` unless left out.
 */
export function chatSseEvents(a: Answer, opts: { done?: boolean } = {}): string[] {
  const usage = {
    id: `chatcmpl-${a.id}`,
    object: "chat.completion.chunk",
    created: 1765000000,
    model: a.model,
    choices: [],
    usage: {
      prompt_tokens: chatUsage.prompt,
      completion_tokens: chatUsage.completion,
      total_tokens: chatUsage.prompt + chatUsage.completion,
    },
  };
  return [
    chatChunk(a, { role: "assistant", content: "", refusal: null }, null),
    ...a.pieces.map((content) => chatChunk(a, { content }, null)),
    chatChunk(a, {}, "stop"),
    data(usage),
    ...(opts.done === false ? [] : ["data: [DONE]\n\n"]),
  ];
}

/** A non-streamed chat completion. */
export function chatJson(a: Answer): string {
  return JSON.stringify({
    id: `chatcmpl-${a.id}`,
    object: "chat.completion",
    created: 1765000000,
    model: a.model,
    system_fingerprint: "fp_fault",
    choices: [{
      index: 0,
      message: { role: "assistant", content: a.pieces.join(""), refusal: null },
      logprobs: null,
      finish_reason: "stop",
    }],
    usage: {
      prompt_tokens: chatUsage.prompt,
      completion_tokens: chatUsage.completion,
      total_tokens: chatUsage.prompt + chatUsage.completion,
    },
  });
}

export const responsesSseEvents = (a: Answer) => responsesEvents(a, faultResponsesUsage);
export const messagesSseEvents = (a: Answer) => messagesEvents(a, faultMessagesUsage);
export const messagesJson = (a: Answer) => JSON.stringify(messageObject(a, faultMessagesUsage));

/** OpenAI's error body (`{"error":{message,type,param,code}}`). */
export function openaiError(
  type: string,
  message: string,
  code: string | null = null,
  param: string | null = null,
): string {
  return JSON.stringify({ error: { message, type, param, code } });
}

/** Anthropic's error body (`{"type":"error","error":{type,message},"request_id"}`). */
export function anthropicError(type: string, message: string): string {
  return JSON.stringify({
    type: "error",
    error: { type, message },
    request_id: "req_fault0000000000000000",
  });
}

/** The providers' real refusals, as their APIs word them. */
export const providerErrors = {
  openaiRateLimit: openaiError(
    "requests",
    "Rate limit reached for gpt-4o-mini in organization org-fault on requests per min (RPM): " +
      "Limit 10, Used 10, Requested 1. Please try again in 6s.",
    "rate_limit_exceeded",
  ),
  openaiServer: openaiError(
    "server_error",
    "The server had an error while processing your request. Sorry about that!",
  ),
  openaiOverloaded: openaiError(
    "server_error",
    "The engine is currently overloaded, please try again later",
  ),
  openaiContextLength: openaiError(
    "invalid_request_error",
    "This model's maximum context length is 128000 tokens. However, your messages resulted in " +
      "131072 tokens. Please reduce the length of the messages.",
    "context_length_exceeded",
    "messages",
  ),
  /** Azure OpenAI's content filter (OpenAI-format providers answer it with 400). */
  openaiContentFilter: JSON.stringify({
    error: {
      message: "The response was filtered due to the prompt triggering Azure OpenAI's content " +
        "management policy. Please modify your prompt and retry.",
      type: null,
      param: "prompt",
      code: "content_filter",
      status: 400,
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: { violence: { filtered: true, severity: "high" } },
      },
    },
  }),
  anthropicOverloaded: anthropicError("overloaded_error", "Overloaded"),
  anthropicRateLimit: anthropicError(
    "rate_limit_error",
    "This request would exceed the rate limit for your organization of 10 requests per minute.",
  ),
  anthropicContextLength: anthropicError(
    "invalid_request_error",
    "prompt is too long: 215000 tokens > 200000 maximum",
  ),
  anthropicContentFilter: anthropicError(
    "invalid_request_error",
    "Output blocked by content filtering policy",
  ),
  anthropicPrefill: anthropicError(
    "invalid_request_error",
    "This model does not support assistant message prefill. The conversation must end with a " +
      "user message.",
  ),
} as const;

/** In-band errors: what a provider sends after a 200 once the stream has started. */
export const inBandErrors = {
  openai: data({
    error: {
      message: "The server had an error while processing your request.",
      type: "server_error",
      param: null,
      code: null,
    },
  }),
  anthropic: sseFrame("error", {
    type: "error",
    error: { type: "overloaded_error", message: "Overloaded" },
  }),
  responsesFailed: (a: Answer) =>
    sseFrame("response.failed", {
      type: "response.failed",
      sequence_number: 2,
      response: {
        id: `resp_${a.id}`,
        object: "response",
        status: "failed",
        model: a.model,
        output: [],
        error: { code: "server_error", message: "The model failed to generate a response." },
        usage: null,
      },
    }),
} as const;

/** A deliberately broken event: JSON cut in the middle, then the blank line that ends it. */
export const malformedEvent = 'data: {"id":"chatcmpl-x","choices":[{"index":0,"delta":{"con\n\n';
