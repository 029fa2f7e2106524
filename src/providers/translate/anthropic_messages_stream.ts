/**
 * Anthropic Messages streams ⇄ IR stream events (plan section 4) [an `RawMessageStreamEvent`].
 * Decoder: `message_start` gives id, model and the input usage; `content_block_*` events become
 * IR blocks numbered densely by the decoder (server tool blocks are dropped with a note, so the
 * upstream's `index` is mapped, never reused); `signature_delta` is the thinking block's state;
 * `message_delta` carries the stop reason and the cumulative usage; `message_stop` ends it; an
 * `error` event becomes an IR error. Encoder: the same events toward an Anthropic client, indices
 * dense over the blocks it sends, usage whole in `message_delta`.
 */
import { clientErrorOf } from "./errors.ts";
import type { OpaqueState, StopReason, Usage } from "./ir.ts";
import type { ProviderError, StreamBlockHead, StreamEvent } from "./ir_stream.ts";
import { asObject, asString, isObject, type Obj, optNumber, optString } from "./json.ts";
import { Notes, TranslationError } from "./notes.ts";
import { anthropic, anthropicToolId } from "./anthropic_messages_blocks.ts";
import {
  decodeAnthropicUsage,
  encodeAnthropicUsage,
  stopToAnthropic,
} from "./anthropic_messages_response.ts";
import type { SseMessage } from "./sse_stream.ts";
import { streamCutError, streamErrorOf } from "./stream_errors.ts";

const stopFromAnthropic: Readonly<Record<string, StopReason>> = {
  end_turn: "end_turn",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  tool_use: "tool_use",
  pause_turn: "pause_turn",
  refusal: "refusal",
  model_context_window_exceeded: "context_window_exceeded",
};

interface Block {
  index: number;
  tool: boolean;
  args: boolean;
}

export class AnthropicStreamDecoder {
  #next = 0;
  /** Upstream index → IR block; null for a dropped (server tool) block. */
  #blocks = new Map<number, Block | null>();
  #model: string | null = null;
  #startUsage: Obj = {};
  #delta: Obj = {};
  #usage: Obj = {};
  #ended = false;

  constructor(readonly notes: Notes) {}

  push(m: SseMessage): StreamEvent[] {
    if (this.#ended) return [];
    let body: unknown;
    try {
      body = JSON.parse(m.data);
    } catch {
      throw new TranslationError("stream.data", "an upstream event is not JSON");
    }
    const o = asObject(body, "stream.data");
    const type = asString(o["type"] ?? m.event, "stream.data.type");
    switch (type) {
      case "message_start":
        return [this.#start(asObject(o["message"], "stream.data.message"))];
      case "content_block_start":
        return this.#blockStart(o);
      case "content_block_delta":
        return this.#blockDelta(o);
      case "content_block_stop":
        return this.#blockStop(o);
      case "message_delta":
        this.#delta = isObject(o["delta"]) ? o["delta"] : {};
        // Usage in message_delta is cumulative: its counts replace message_start's.
        if (isObject(o["usage"])) this.#usage = { ...this.#usage, ...definedOnly(o["usage"]) };
        return [];
      case "message_stop":
        return this.#stop();
      case "error":
        this.#ended = true;
        return [{ type: "error", error: streamErrorOf("anthropic.messages", o) }];
      default:
        return []; // ping, and event types added later
    }
  }

  end(): StreamEvent[] {
    if (this.#ended) return [];
    this.#ended = true;
    return [{ type: "error", error: streamCutError("anthropic.messages", "message_stop") }];
  }

  #start(msg: Obj): StreamEvent {
    this.#model = optString(msg, "model", "stream.data.message");
    this.#startUsage = isObject(msg["usage"]) ? definedOnly(msg["usage"]) : {};
    this.#usage = { ...this.#startUsage };
    return {
      type: "start",
      id: optString(msg, "id", "stream.data.message") ?? "",
      model: this.#model ?? "",
      usage: decodeAnthropicUsage(isObject(msg["usage"]) ? msg["usage"] : null),
    };
  }

  #state(value: string): OpaqueState {
    return { origin: anthropic, model: null, value, itemId: null };
  }

  #blockStart(o: Obj): StreamEvent[] {
    const up = optNumber(o, "index", "stream.data") ?? 0;
    const b = asObject(o["content_block"], "stream.data.content_block");
    const type = b["type"];
    let head: StreamBlockHead;
    if (type === "text") head = { type: "text" };
    else if (type === "thinking") head = { type: "thinking", kind: "full" };
    else if (type === "redacted_thinking") {
      head = {
        type: "redacted_thinking",
        state: this.#state(asString(b["data"], "stream.data.content_block.data")),
      };
    } else if (type === "tool_use") {
      head = {
        type: "tool_call",
        id: asString(b["id"], "stream.data.content_block.id"),
        name: asString(b["name"], "stream.data.content_block.name"),
        state: null,
      };
    } else {
      this.notes.add(
        "dropped",
        `content[${up}]`,
        `Anthropic's ${String(type)} block has no counterpart`,
      );
      this.#blocks.set(up, null);
      return [];
    }
    if (this.#blocks.size >= 10_000) throw new TranslationError("stream", "more than 10000 blocks");
    const index = this.#next++;
    this.#blocks.set(up, { index, tool: head.type === "tool_call", args: false });
    const out: StreamEvent[] = [{ type: "block_start", index, block: head }];
    const text = type === "text" ? optString(b, "text", "stream.data.content_block") : null;
    if (text) out.push({ type: "text_delta", index, text });
    const thought = type === "thinking"
      ? optString(b, "thinking", "stream.data.content_block")
      : null;
    if (thought) out.push({ type: "thinking_delta", index, text: thought });
    const sig = type === "thinking" ? optString(b, "signature", "stream.data.content_block") : null;
    if (sig) out.push({ type: "state", index, state: this.#state(sig) });
    return out;
  }

  #block(o: Obj): Block | null {
    const up = optNumber(o, "index", "stream.data") ?? 0;
    const b = this.#blocks.get(up);
    if (b === undefined) {
      throw new TranslationError("stream.data.index", `block ${up} was never started`);
    }
    return b;
  }

  #blockDelta(o: Obj): StreamEvent[] {
    const b = this.#block(o);
    if (b === null) return [];
    const d = asObject(o["delta"], "stream.data.delta");
    const f = "stream.data.delta";
    switch (d["type"]) {
      case "text_delta":
        return [{ type: "text_delta", index: b.index, text: asString(d["text"], `${f}.text`) }];
      case "thinking_delta":
        return [{
          type: "thinking_delta",
          index: b.index,
          text: asString(d["thinking"], `${f}.thinking`),
        }];
      case "signature_delta":
        return [{
          type: "state",
          index: b.index,
          state: this.#state(asString(d["signature"], `${f}.signature`)),
        }];
      case "input_json_delta": {
        const json = asString(d["partial_json"], `${f}.partial_json`);
        if (json === "") return [];
        b.args = true;
        return [{ type: "arguments_delta", index: b.index, json }];
      }
      default:
        this.notes.add(
          "dropped",
          `${f}.type`,
          `Anthropic's ${String(d["type"])} has no counterpart`,
        );
        return [];
    }
  }

  #blockStop(o: Obj): StreamEvent[] {
    const b = this.#block(o);
    if (b === null) return [];
    const out: StreamEvent[] = [];
    if (b.tool && !b.args) out.push({ type: "arguments_delta", index: b.index, json: "{}" });
    out.push({ type: "block_stop", index: b.index });
    return out;
  }

  #stop(): StreamEvent[] {
    this.#ended = true;
    const raw = optString(this.#delta, "stop_reason", "stream.data.delta");
    const usage: Usage = decodeAnthropicUsage(this.#usage);
    return [{
      type: "stop",
      stopReason: raw === null ? "other" : stopFromAnthropic[raw] ?? "other",
      providerStopReason: raw,
      stopSequence: optString(this.#delta, "stop_sequence", "stream.data.delta"),
      usage,
    }];
  }
}

function definedOnly(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

export function encodeAnthropicStreamError(e: ProviderError): Obj {
  return clientErrorOf("anthropic.messages", e).body as Obj;
}

function ev(type: string, body: Obj): SseMessage {
  return { event: type, data: JSON.stringify({ type, ...body }) };
}

export class AnthropicStreamEncoder {
  #model = "";
  #next = 0;
  /** IR index → wire index; absent for a block dropped here. */
  #wire = new Map<number, number>();

  constructor(readonly notes: Notes) {}

  push(e: StreamEvent): SseMessage[] {
    switch (e.type) {
      case "start":
        this.#model = e.model;
        return [ev("message_start", {
          message: {
            id: e.id,
            type: "message",
            role: "assistant",
            model: e.model,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            // Unknown counts at the start are shown once, in message_delta, where they are noted.
            usage: encodeAnthropicUsage(e.usage, new Notes()),
          },
        })];
      case "block_start":
        return this.#blockStart(e.index, e.block);
      case "text_delta":
        return this.#delta(e.index, { type: "text_delta", text: e.text });
      case "thinking_delta":
        return this.#delta(e.index, { type: "thinking_delta", thinking: e.text });
      case "state":
        if (
          e.state.origin === anthropic && (e.state.model === null || e.state.model === this.#model)
        ) {
          return this.#delta(e.index, { type: "signature_delta", signature: e.state.value });
        }
        this.notes.add(
          "thinking_state_dropped",
          `content[${e.index}]`,
          `thinking state of ${e.state.origin}`,
        );
        return [];
      case "arguments_delta":
        return this.#delta(e.index, { type: "input_json_delta", partial_json: e.json });
      case "block_stop": {
        const i = this.#wire.get(e.index);
        return i === undefined ? [] : [ev("content_block_stop", { index: i })];
      }
      case "stop":
        return [
          ev("message_delta", {
            delta: { stop_reason: stopToAnthropic[e.stopReason], stop_sequence: e.stopSequence },
            usage: encodeAnthropicUsage(e.usage, this.notes),
          }),
          ev("message_stop", {}),
        ];
      case "error":
        return [{ event: "error", data: JSON.stringify(encodeAnthropicStreamError(e.error)) }];
    }
  }

  #blockStart(index: number, h: StreamBlockHead): SseMessage[] {
    let block: Obj;
    if (h.type === "text") block = { type: "text", text: "" };
    else if (h.type === "thinking") block = { type: "thinking", thinking: "", signature: "" };
    else if (h.type === "tool_call") {
      block = {
        type: "tool_use",
        id: anthropicToolId(h.id, `content[${index}].id`, this.notes),
        name: h.name,
        input: {},
      };
      if (h.state !== null) {
        this.notes.add(
          "thinking_state_dropped",
          `content[${index}]`,
          `state of ${h.state.origin} on a tool call`,
        );
      }
    } else if (
      h.state.origin === anthropic && (h.state.model === null || h.state.model === this.#model)
    ) {
      block = { type: "redacted_thinking", data: h.state.value };
    } else {
      this.notes.add(
        "thinking_state_dropped",
        `content[${index}]`,
        `redacted thinking of ${h.state.origin}`,
      );
      return [];
    }
    const wire = this.#next++;
    this.#wire.set(index, wire);
    return [ev("content_block_start", { index: wire, content_block: block })];
  }

  #delta(index: number, delta: Obj): SseMessage[] {
    const i = this.#wire.get(index);
    return i === undefined ? [] : [ev("content_block_delta", { index: i, delta })];
  }
}
