/**
 * OpenAI Chat Completions streams ⇄ IR stream events (plan section 4) [oa `ChatCompletionChunk`].
 * The decoder numbers blocks itself and maps Chat's `tool_calls[].index` to them, never reusing
 * the upstream's numbers (Bifrost PR #3441); a repeat of a call's full `arguments` (Bifrost
 * #5128's cause) is dropped. The encoder numbers `tool_calls[].index` by tool call only. Usage
 * comes from the `include_usage` chunk, sent to the client only when it asked for it.
 */
import type { StopReason, Usage } from "./ir.ts";
import type { ProviderError, StreamBlockHead, StreamEvent } from "./ir_stream.ts";
import { asArray, asObject, isObject, type Obj, optNumber, optString } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import type { ChatDialect } from "./openai_chat_messages.ts";
import { decodeChatUsage, encodeChatUsage, stopToChat } from "./openai_chat_response.ts";
import type { SseMessage } from "./sse_stream.ts";
import { openAiStreamError, streamCutError, streamErrorOf } from "./stream_errors.ts";

const stopFromChat: Readonly<Record<string, StopReason>> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  function_call: "tool_use",
  content_filter: "content_filter",
};

/** A call's arguments kept for the repeat check; past this, fragments are forwarded unchecked. */
const maxKeptArguments = 1024 * 1024;

interface ChatCall {
  block: number;
  text: string;
  closed: boolean;
}

type Open = { kind: "text" | "thinking" | "refusal"; index: number } | {
  kind: "call";
  index: number;
  call: ChatCall;
};

export class ChatStreamDecoder {
  #next = 0;
  #open: Open | null = null;
  #calls = new Map<number, ChatCall>();
  #finish: string | null = null;
  #refused = false;
  #usage: Usage | null = null;
  #started = false;
  #ended = false;
  #otherChoices = false;

  constructor(readonly dialect: ChatDialect, readonly notes: Notes) {}

  push(m: SseMessage): StreamEvent[] {
    if (this.#ended) return [];
    if (m.data.trim() === "[DONE]") return this.#stop();
    let body: unknown;
    try {
      body = JSON.parse(m.data);
    } catch {
      throw new TranslationError("stream.data", "an upstream chunk is not JSON");
    }
    const o = asObject(body, "stream.data");
    // The openai SDK's own rule (7.57.0 `core/streaming.js`): a data line holding `error`, or an
    // `event: error`, is an error, whatever else the chunk holds (OpenRouter sends `choices: []`).
    if ((o["error"] !== undefined && o["error"] !== null) || m.event === "error") {
      this.#ended = true;
      return [{ type: "error", error: streamErrorOf("openai.chat", o) }];
    }
    const out: StreamEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      out.push({
        type: "start",
        id: optString(o, "id", "stream.data") ?? "",
        model: optString(o, "model", "stream.data") ?? "",
        usage: decodeChatUsage(null),
      });
    }
    if (isObject(o["usage"])) this.#usage = decodeChatUsage(o["usage"]);
    const choices = o["choices"] == null ? [] : asArray(o["choices"], "stream.data.choices", 128);
    const choice = choices.find((c) => isObject(c) && (c["index"] ?? 0) === 0);
    if (choices.length > (choice === undefined ? 0 : 1) && !this.#otherChoices) {
      this.#otherChoices = true;
      this.notes.add("dropped", "choices[1]", "only the first choice is translated");
    }
    if (choice !== undefined) this.#choice(asObject(choice, "stream.data.choices[0]"), out);
    return out;
  }

  /** The upstream closed: a stream without `[DONE]` still ends once a finish reason was seen. */
  end(): StreamEvent[] {
    if (this.#ended) return [];
    if (this.#finish !== null) return this.#stop();
    this.#ended = true;
    return [{ type: "error", error: streamCutError("openai.chat", "a finish reason") }];
  }

  #choice(c: Obj, out: StreamEvent[]): void {
    const field = "stream.data.choices[0].delta";
    const d = isObject(c["delta"]) ? c["delta"] : {};
    const reasoning = this.dialect.reasoningField === null
      ? null
      : optString(d, this.dialect.reasoningField, field);
    if (reasoning) this.#text("thinking", reasoning, out);
    const content = optString(d, "content", field);
    if (content) this.#text("text", content, out);
    const refusal = optString(d, "refusal", field);
    if (refusal) {
      this.#refused = true;
      this.#text("refusal", refusal, out);
    }
    const calls = d["tool_calls"] == null
      ? []
      : asArray(d["tool_calls"], `${field}.tool_calls`, 128);
    calls.forEach((v, i) => this.#call(asObject(v, `${field}.tool_calls[${i}]`), i, out));
    const finish = optString(c, "finish_reason", "stream.data.choices[0]");
    if (finish !== null) {
      this.#finish = finish;
      this.#close(out);
    }
  }

  #text(kind: "text" | "thinking" | "refusal", text: string, out: StreamEvent[]): void {
    if (this.#open?.kind !== kind) {
      this.#close(out);
      const index = this.#next++;
      this.#open = { kind, index };
      out.push({
        type: "block_start",
        index,
        block: kind === "thinking" ? { type: "thinking", kind: "full" } : { type: "text" },
      });
    }
    const index = this.#open!.index;
    out.push(
      kind === "thinking"
        ? { type: "thinking_delta", index, text }
        : { type: "text_delta", index, text },
    );
  }

  #call(t: Obj, i: number, out: StreamEvent[]): void {
    const field = `stream.data.choices[0].delta.tool_calls[${i}]`;
    const key = optNumber(t, "index", field) ?? i;
    const fn = isObject(t["function"]) ? t["function"] : {};
    const args = optString(fn, "arguments", `${field}.function`) ?? "";
    let call = this.#calls.get(key);
    if (call === undefined) {
      if (this.#calls.size >= 1024) throw new TranslationError(field, "more than 1024 tool calls");
      this.#close(out);
      call = { block: this.#next++, text: "", closed: false };
      this.#calls.set(key, call);
      this.#open = { kind: "call", index: call.block, call };
      out.push({
        type: "block_start",
        index: call.block,
        block: {
          type: "tool_call",
          id: optString(t, "id", field) ?? `call_${call.block}`,
          name: optString(fn, "name", `${field}.function`) ?? "",
          state: null,
        },
      });
    }
    const fresh = newArguments(call.text, args);
    if (fresh === "") return;
    if (call.closed) {
      throw new TranslationError(
        `${field}.index`,
        `arguments for tool call ${key} arrived after another block started; interleaved tool calls cannot be translated`,
      );
    }
    if (call.text.length < maxKeptArguments) call.text += fresh;
    out.push({ type: "arguments_delta", index: call.block, json: fresh });
  }

  #close(out: StreamEvent[]): void {
    const open = this.#open;
    if (open === null) return;
    if (open.kind === "call") {
      if (open.call.text === "") {
        open.call.text = "{}";
        out.push({ type: "arguments_delta", index: open.index, json: "{}" });
      }
      open.call.closed = true;
    }
    out.push({ type: "block_stop", index: open.index });
    this.#open = null;
  }

  #stop(): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (!this.#started) {
      out.push({ type: "start", id: "", model: "", usage: decodeChatUsage(null) });
      this.#started = true;
    }
    this.#close(out);
    this.#ended = true;
    const raw = this.#finish;
    let stopReason: StopReason = raw === null ? "other" : stopFromChat[raw] ?? "other";
    if (this.#calls.size > 0) stopReason = "tool_use";
    else if (this.#refused && stopReason === "end_turn") stopReason = "refusal";
    out.push({
      type: "stop",
      stopReason,
      providerStopReason: raw,
      stopSequence: null,
      usage: this.#usage ?? decodeChatUsage(null),
    });
    return out;
  }
}

/**
 * The part of `incoming` not yet emitted. A fragment that repeats everything emitted so far (a
 * complete JSON text, the server's "full arguments" chunk) adds only what follows it; any other
 * fragment is new text. Checking completeness first keeps a legitimate fragment that happens to
 * start like the emitted text (`{"a":` then `{"a":1}}`) whole.
 */
export function newArguments(emitted: string, incoming: string): string {
  if (emitted === "" || !incoming.startsWith(emitted)) return incoming;
  try {
    JSON.parse(emitted);
  } catch {
    return incoming;
  }
  return incoming.slice(emitted.length);
}

export interface ChatStreamOptions {
  dialect: ChatDialect;
  /** `created` in Unix seconds: the caller's clock, so the codec stays pure. */
  created: number;
  /** The client sent `stream_options.include_usage: true`: it gets the usage chunk. */
  includeUsage: boolean;
}

export class ChatStreamEncoder {
  #id = "";
  #model = "";
  #calls = new Map<number, number>();
  #dropped = new Set<number>();

  constructor(readonly options: ChatStreamOptions, readonly notes: Notes) {}

  push(e: StreamEvent): SseMessage[] {
    switch (e.type) {
      case "start":
        this.#id = e.id;
        this.#model = e.model;
        return [this.#chunk({ role: "assistant", content: "" }, null)];
      case "block_start":
        return this.#blockStart(e.index, e.block);
      case "text_delta":
        return [this.#chunk({ content: e.text }, null)];
      case "thinking_delta":
        if (this.#dropped.has(e.index)) return [];
        return [this.#chunk({ [this.options.dialect.reasoningField!]: e.text }, null)];
      case "state":
        this.notes.add(
          "thinking_state_dropped",
          `stream.block[${e.index}]`,
          `Chat carries no ${e.state.origin} state`,
        );
        return [];
      case "arguments_delta":
        return [this.#chunk({
          tool_calls: [{ index: this.#calls.get(e.index)!, function: { arguments: e.json } }],
        }, null)];
      case "block_stop":
        return [];
      case "stop":
        return this.#stop(e.stopReason, e.usage);
      case "error":
        return [{ event: null, data: JSON.stringify({ error: encodeChatStreamError(e.error) }) }];
    }
  }

  #blockStart(index: number, block: StreamBlockHead): SseMessage[] {
    if (block.type === "tool_call") {
      const k = this.#calls.size;
      this.#calls.set(index, k);
      return [this.#chunk({
        tool_calls: [{
          index: k,
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: "" },
        }],
      }, null)];
    }
    if (block.type === "thinking" && this.options.dialect.reasoningField !== null) return [];
    if (block.type !== "text") {
      this.#dropped.add(index);
      this.notes.add("dropped", `stream.block[${index}]`, "Chat Completions shows no thinking");
    }
    return [];
  }

  #stop(reason: StopReason, usage: Usage): SseMessage[] {
    const out = [this.#chunk({}, stopToChat[reason])];
    if (this.options.includeUsage) {
      out.push({
        event: null,
        data: JSON.stringify({
          ...this.#head(),
          choices: [],
          usage: encodeChatUsage(usage, this.notes),
        }),
      });
    }
    out.push({ event: null, data: "[DONE]" });
    return out;
  }

  #head(): Obj {
    return {
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.options.created,
      model: this.#model,
    };
  }

  #chunk(delta: Obj, finish: string | null): SseMessage {
    const body: Obj = {
      ...this.#head(),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    // With include_usage every chunk but the last carries `usage: null` [oa `stream_options`].
    if (this.options.includeUsage) body["usage"] = null;
    return { event: null, data: JSON.stringify(body) };
  }
}

/** An IR error as Chat's in-band error object, through T6's client rows (stream_errors.ts). */
export function encodeChatStreamError(e: ProviderError): Obj {
  return openAiStreamError(e);
}
