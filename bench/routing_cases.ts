/**
 * The fault matrix of issue 19: each case is a client request (protocol, streamed or not) to a
 * route of two targets, the primary and the fallback, each answered by the fault upstream's
 * scripts. Every case runs once per commit mode, with its own route and target models
 * (`<case>.<mode>`, `<case>.<mode>.primary`, `.fallback`), so queues never mix.
 */
import {
  answerOf,
  chatJson,
  chatSseEvents,
  inBandErrors,
  malformedEvent,
  messagesJson,
  messagesSseEvents,
  providerErrors,
  responsesSseEvents,
} from "../tests/support/fault_bodies.ts";
import {
  type FaultRequest,
  type FaultScript,
  jsonScript,
  sseScript,
} from "../tests/support/fault_upstream.ts";
import type { Answer } from "../tests/support/wire_events.ts";

export type CommitMode = "first_content" | "complete";
export const commitModes: CommitMode[] = ["first_content", "complete"];

export type ClientKind =
  | "chat"
  | "chat_stream"
  | "responses_stream"
  | "messages"
  | "messages_stream";

export type Expected = "complete" | "clean_error";

export interface FaultCase {
  id: string;
  what: string;
  client: ClientKind;
  /** Scripts of the primary target (a queue whose last entry repeats, or a function). */
  primary: (a: Answer) => FaultScript[] | ((r: FaultRequest) => FaultScript);
  fallback: (a: Answer) => FaultScript[] | ((r: FaultRequest) => FaultScript);
  /**
   * The primary's provider points at the upstream's reset listener (a real TCP RST); its scripts
   * then only answer the unrouted request, which goes to the ordinary listener.
   */
  primaryResets?: boolean;
  /** The fallback is marked `on_context_length`. */
  largerContext?: boolean;
  /** Client requests sent one after the other (the flapping primary), `pauseMs` apart. */
  requests?: number;
  pauseMs?: number;
  breaker?: { failures: number; open_ms: number };
  expect: Record<CommitMode, Expected>;
}

export const texts = {
  primary: (id: string) => `Primary answer of ${id}: the quick brown fox jumps over the lazy dog.`,
  fallback: (id: string) => `Fallback answer of ${id}: pack my box with five dozen liquor jugs.`,
};

export const isAnthropic = (c: ClientKind) => c.startsWith("messages");

/** A complete, healthy answer in the client's protocol. */
export function okScript(client: ClientKind, a: Answer): FaultScript {
  switch (client) {
    case "chat":
      return jsonScript("ok", 200, chatJson(a));
    case "chat_stream":
      return sseScript("ok", chatSseEvents(a));
    case "responses_stream":
      return sseScript("ok", responsesSseEvents(a));
    case "messages":
      return jsonScript("ok", 200, messagesJson(a), { "request-id": "req_fault" });
    case "messages_stream":
      return sseScript("ok", messagesSseEvents(a));
  }
}

const both = (e: Expected): Record<CommitMode, Expected> => ({ first_content: e, complete: e });
/** Fails after the first content: the client already has part of the answer in first_content. */
const afterCommit: Record<CommitMode, Expected> = {
  first_content: "clean_error",
  complete: "complete",
};

const ok = (client: ClientKind) => (a: Answer) => [okScript(client, a)];
const json = (name: string, status: number, body: string, h: Record<string, string> = {}) =>
  jsonScript(name, status, body, h);
const byteOf = (events: string[], upto: number, extra: number) =>
  new TextEncoder().encode(events.slice(0, upto).join("")).byteLength + extra;

/** A Messages request whose last message is the assistant's: continuation by prefill. */
function rejectsPrefill(a: Answer) {
  return (r: FaultRequest): FaultScript => {
    try {
      const msgs = (JSON.parse(r.body) as { messages?: { role?: string }[] }).messages ?? [];
      if (msgs.at(-1)?.role === "assistant") {
        return json("prefill_rejected", 400, providerErrors.anthropicPrefill);
      }
    } catch { /* not JSON: answer normally */ }
    return sseScript("ok", messagesSseEvents(a));
  };
}

export const faultCases: FaultCase[] = [
  {
    id: "429_retry_after",
    what: "429 with Retry-After: 1 and x-ratelimit-reset-requests, then up",
    client: "chat_stream",
    primary: (a) => [
      json("429_ra", 429, providerErrors.openaiRateLimit, {
        "retry-after": "1",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-remaining-requests": "0",
      }),
      okScript("chat_stream", a),
    ],
    fallback: ok("chat_stream"),
    expect: both("complete"),
  },
  {
    id: "429_no_retry_after",
    what: "Anthropic 429 without Retry-After, then up",
    client: "messages_stream",
    primary: (a) => [
      json("429", 429, providerErrors.anthropicRateLimit),
      okScript("messages_stream", a),
    ],
    fallback: ok("messages_stream"),
    expect: both("complete"),
  },
  {
    id: "429_retry_after_date",
    what: "Anthropic 429 with Retry-After as an HTTP date and anthropic-ratelimit-requests-reset " +
      "1 s ahead, then up (JSON)",
    client: "messages",
    primary: (a) => {
      let n = 0;
      // The date is computed when the request arrives, so it is always 1 s ahead.
      return () => {
        if (n++ > 0) return okScript("messages", a);
        const at = new Date(Date.now() + 1000);
        return json("429_date", 429, providerErrors.anthropicRateLimit, {
          "retry-after": at.toUTCString(),
          "anthropic-ratelimit-requests-remaining": "0",
          "anthropic-ratelimit-requests-reset": at.toISOString(),
        });
      };
    },
    fallback: ok("messages"),
    expect: both("complete"),
  },
  {
    id: "529_overloaded",
    what: "Anthropic 529 overloaded_error once, then up",
    client: "messages_stream",
    primary: (a) => [
      json("529", 529, providerErrors.anthropicOverloaded),
      okScript("messages_stream", a),
    ],
    fallback: ok("messages_stream"),
    expect: both("complete"),
  },
  {
    id: "500_once",
    what: "500 once, then up (JSON)",
    client: "chat",
    primary: (a) => [json("500", 500, providerErrors.openaiServer), okScript("chat", a)],
    fallback: ok("chat"),
    expect: both("complete"),
  },
  {
    id: "503_persistent",
    what: "503 on every attempt of the primary",
    client: "chat_stream",
    primary: () => [json("503", 503, providerErrors.openaiOverloaded)],
    fallback: ok("chat_stream"),
    expect: both("complete"),
  },
  {
    id: "reset_before_headers",
    what: "TCP reset (RST) once the request arrived, no response byte",
    client: "chat_stream",
    primaryResets: true,
    primary: () => [{ name: "close", before: "close", chunks: [] }],
    fallback: ok("chat_stream"),
    expect: both("complete"),
  },
  {
    id: "close_before_headers",
    what: "connection closed (FIN) before any response byte",
    client: "chat_stream",
    primary: () => [{ name: "close", before: "close", chunks: [] }],
    fallback: ok("chat_stream"),
    expect: both("complete"),
  },
  {
    id: "no_response",
    what: "connection accepted, no byte ever (first_byte_ms 1500)",
    client: "chat",
    primary: () => [{ name: "silent", before: "silent", chunks: [] }],
    fallback: ok("chat"),
    expect: both("complete"),
  },
  {
    id: "slow_first_token",
    what: "headers and role chunk at once, first content after 6 s (first_token_ms 1500)",
    client: "chat_stream",
    primary: (a) => [sseScript("slow", chatSseEvents(a), { delayBefore: { 1: 6000 } })],
    fallback: ok("chat_stream"),
    expect: both("complete"),
  },
  {
    id: "stream_cut",
    what: "stream cut mid-event after 3 content chunks",
    client: "chat_stream",
    primary: (a) => {
      const ev = chatSseEvents(a);
      return [sseScript("cut", ev, { cutAtByte: byteOf(ev, 4, 40) })];
    },
    fallback: ok("chat_stream"),
    expect: afterCommit,
  },
  {
    id: "stream_stall",
    what: "Anthropic stream stalls after 3 deltas (idle_ms 1500)",
    client: "messages_stream",
    primary: (a) => [sseScript("stall", messagesSseEvents(a).slice(0, 6), { end: "stall" })],
    fallback: ok("messages_stream"),
    expect: afterCommit,
  },
  {
    id: "malformed_event",
    what: "a malformed event after 2 content chunks",
    client: "chat_stream",
    primary: (a) => {
      const ev = chatSseEvents(a);
      return [sseScript("malformed", [...ev.slice(0, 3), malformedEvent, ...ev.slice(3)])];
    },
    fallback: ok("chat_stream"),
    expect: afterCommit,
  },
  {
    id: "no_done",
    what: "clean HTTP end mid-answer: no finish chunk, no [DONE]",
    client: "chat_stream",
    primary: (a) => [sseScript("no_done", chatSseEvents(a).slice(0, 4))],
    fallback: ok("chat_stream"),
    expect: afterCommit,
  },
  {
    id: "in_band_error",
    what: "Anthropic 200, message_start, ping, then event: error overloaded_error",
    client: "messages_stream",
    primary: (a) => {
      const ev = messagesSseEvents(a);
      return [sseScript("in_band", [ev[0]!, ev[2]!, inBandErrors.anthropic])];
    },
    fallback: ok("messages_stream"),
    expect: both("complete"),
  },
  {
    id: "response_failed",
    what: "Responses 200, created, in_progress, then response.failed",
    client: "responses_stream",
    primary: (a) => {
      const ev = responsesSseEvents(a);
      return [sseScript("failed", [ev[0]!, ev[1]!, inBandErrors.responsesFailed(a)])];
    },
    fallback: ok("responses_stream"),
    expect: both("complete"),
  },
  {
    id: "context_length",
    what: "Anthropic 400 prompt is too long; fallback marked on_context_length (JSON)",
    client: "messages",
    primary: () => [json("ctx", 400, providerErrors.anthropicContextLength)],
    fallback: ok("messages"),
    largerContext: true,
    expect: both("complete"),
  },
  {
    id: "content_filter",
    what: "400 content_filter: the provider's error must reach the client, no fallback",
    client: "chat",
    primary: () => [json("filter", 400, providerErrors.openaiContentFilter)],
    fallback: ok("chat"),
    expect: both("clean_error"),
  },
  {
    id: "prefill_rejected",
    what: "Anthropic stream cut after 3 deltas; the fallback rejects assistant prefill",
    client: "messages_stream",
    primary: (a) => {
      const ev = messagesSseEvents(a);
      return [sseScript("cut", ev, { cutAtByte: byteOf(ev, 6, 30) })];
    },
    fallback: rejectsPrefill,
    expect: afterCommit,
  },
  {
    id: "flapping",
    what: "8 requests 500 ms apart: primary 503 for its first 4 attempts, then up " +
      "(breaker: opens after 2 failures, probe after 1500 ms)",
    client: "chat",
    primary: (
      a,
    ) => [...Array(4).fill(json("503", 503, providerErrors.openaiOverloaded)), okScript("chat", a)],
    fallback: ok("chat"),
    requests: 8,
    pauseMs: 500,
    breaker: { failures: 2, open_ms: 1500 },
    expect: both("complete"),
  },
  {
    id: "fallback_accounting",
    what: "primary 429 with Retry-After 60 (over max_retry_after_ms): fallback at once; " +
      "the trace must name the fallback's model and tokens",
    client: "chat_stream",
    primary: () => [json("429_long", 429, providerErrors.openaiRateLimit, { "retry-after": "60" })],
    fallback: ok("chat_stream"),
    expect: both("complete"),
  },
];

/** The names of one case in one mode. */
export function namesOf(c: FaultCase, mode: CommitMode) {
  const route = `${c.id}.${mode}`;
  return { route, primary: `${route}.primary`, fallback: `${route}.fallback` };
}

/** The answers each target gives (its model, its full text). */
export function answersOf(c: FaultCase, mode: CommitMode) {
  const n = namesOf(c, mode);
  return {
    primary: answerOf(`${c.id}_p`, n.primary, texts.primary(c.id)),
    fallback: answerOf(`${c.id}_f`, n.fallback, texts.fallback(c.id)),
  };
}
