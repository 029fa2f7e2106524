/**
 * The fault matrix's clients: the official `openai` and `@anthropic-ai/sdk` SDKs, with their own
 * retries off (the gateway's are measured), and what the client ended up with. The verdict the
 * issue cares about: a complete answer, a clean error (an HTTP error or a protocol error event the
 * SDK raises), a broken connection (not clean, but not mistaken for an answer), or a truncated
 * success: the SDK returned normally with part of an answer, the bug failover must never cause.
 */
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import type { ClientKind } from "./routing_cases.ts";

export type ClientOutcome =
  | "complete"
  | "clean_error"
  | "broken"
  | "timeout"
  | "truncated_success"
  | "garbled";

export interface ClientResult {
  outcome: ClientOutcome;
  /** Which target's full text the client received, when it received one. */
  answered_by: "primary" | "fallback" | null;
  /** Status and message of an error, or how much text came before it. */
  detail: string;
  ms: number;
}

interface Got {
  text: string;
  finished: boolean;
  /** A protocol error event the SDK delivered as an event, not as a throw (Responses). */
  failed: string | null;
}

const clientTimeoutMs = 25_000;

/**
 * The clients send no provider key (the SDKs need one configured; `null` removes the header): the
 * gateway's key pools supply one per target, which is what lets a route fall over to another
 * provider (a key a client sent for one provider is never forwarded to another).
 */
export function makeClients(origin: string) {
  return {
    openai: new OpenAI({
      baseURL: `${origin}/openai/v1`,
      apiKey: "unused",
      defaultHeaders: { authorization: null },
      maxRetries: 0,
      timeout: clientTimeoutMs,
    }),
    anthropic: new Anthropic({
      baseURL: `${origin}/anthropic`,
      apiKey: "unused",
      defaultHeaders: { "x-api-key": null, authorization: null },
      maxRetries: 0,
      timeout: clientTimeoutMs,
    }),
  };
}
export type Clients = ReturnType<typeof makeClients>;

const messages = [{ role: "user" as const, content: "Say something." }];

/** Fills `got` as the answer arrives, so that a throw mid-stream leaves what came before it. */
async function call(c: Clients, kind: ClientKind, model: string, got: Got): Promise<Got> {
  switch (kind) {
    case "chat": {
      const r = await c.openai.chat.completions.create({ model, messages });
      got.text = r.choices[0]?.message.content ?? "";
      got.finished = r.choices[0]?.finish_reason === "stop";
      return got;
    }
    case "chat_stream": {
      const s = await c.openai.chat.completions.create({
        model,
        messages,
        stream: true,
        stream_options: { include_usage: true },
      });
      for await (const chunk of s) {
        got.text += chunk.choices[0]?.delta.content ?? "";
        if (chunk.choices[0]?.finish_reason) got.finished = true;
      }
      return got;
    }
    case "responses_stream": {
      const s = await c.openai.responses.create({ model, input: "Say something.", stream: true });
      for await (const e of s) {
        if (e.type === "response.output_text.delta") got.text += e.delta;
        if (e.type === "response.completed") got.finished = true;
        if (e.type === "response.failed") {
          got.failed = `response.failed: ${e.response.error?.message ?? "?"}`;
        }
        if (e.type === "error") got.failed = `error event: ${e.message}`;
      }
      return got;
    }
    case "messages": {
      const r = await c.anthropic.messages.create({ model, max_tokens: 64, messages });
      got.text = r.content.map((b) => (b.type === "text" ? b.text : "")).join("");
      got.finished = r.stop_reason === "end_turn";
      return got;
    }
    case "messages_stream": {
      const s = await c.anthropic.messages.create({
        model,
        max_tokens: 64,
        messages,
        stream: true,
      });
      for await (const e of s) {
        if (e.type === "content_block_delta" && e.delta.type === "text_delta") {
          got.text += e.delta.text;
        }
        if (e.type === "message_stop") got.finished = true;
      }
      return got;
    }
  }
}

const short = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** One client request and its verdict against the two texts the targets can give. */
export async function runClient(
  c: Clients,
  kind: ClientKind,
  model: string,
  full: { primary: string; fallback: string },
): Promise<ClientResult> {
  const t0 = performance.now();
  const partial: Got = { text: "", finished: false, failed: null };
  try {
    const got = await call(c, kind, model, partial);
    const ms = Math.round(performance.now() - t0);
    if (got.failed !== null) {
      return { outcome: "clean_error", answered_by: null, detail: short(got.failed), ms };
    }
    const by = got.text === full.primary
      ? "primary"
      : got.text === full.fallback
      ? "fallback"
      : null;
    if (!got.finished) {
      return {
        outcome: "truncated_success",
        answered_by: null,
        detail: `returned normally with ${got.text.length} chars, no end of answer`,
        ms,
      };
    }
    if (by === null) {
      return {
        outcome: "garbled",
        answered_by: null,
        detail: short(`text: ${got.text}`),
        ms,
      };
    }
    return { outcome: "complete", answered_by: by, detail: "", ms };
  } catch (err) {
    const ms = Math.round(performance.now() - t0);
    return { ...classifyError(err, partial), ms };
  }
}

function classifyError(err: unknown, partial: Got): Omit<ClientResult, "ms"> {
  const name = (err as { constructor?: { name?: string } })?.constructor?.name ?? "Error";
  const message = err instanceof Error ? err.message : String(err);
  const prefix = partial.text ? `after ${partial.text.length} chars: ` : "";
  if (name.includes("Timeout")) {
    return { outcome: "timeout", answered_by: null, detail: `${prefix}${name}` };
  }
  if (name === "APIConnectionError" || !(err instanceof OpenAI.APIError || isAnthropicError(err))) {
    return { outcome: "broken", answered_by: null, detail: short(`${prefix}${name}: ${message}`) };
  }
  const status = (err as { status?: number }).status;
  return {
    outcome: "clean_error",
    answered_by: null,
    // The SDKs' messages start with the status already ("500 The server had an error...").
    detail: short(
      `${prefix}${message.startsWith(String(status)) ? "" : `${status ?? "in-stream"} `}${message}`,
    ),
  };
}

function isAnthropicError(err: unknown): boolean {
  return err instanceof Anthropic.APIError;
}
