/**
 * ConverseStream events ⇄ IR stream events [br `ConverseStreamOutput`: `messageStart`,
 * `contentBlockStart`, `contentBlockDelta`, `contentBlockStop` (each with `contentBlockIndex`),
 * `messageStop`, `metadata`, and the exceptions `internalServerException`,
 * `modelStreamErrorException`, `validationException`, `throttlingException`,
 * `serviceUnavailableException`]. Works on decoded messages: the framing is
 * `../aws_eventstream.ts` (`EventStreamDecoder`, `encodeEventStreamMessage`) and
 * `../bedrock_stream.ts` (`bedrockStreamMessage`), never re-implemented here.
 *
 * Converse opens only tool blocks with `contentBlockStart` [br `ContentBlockStart`: toolUse,
 * toolResult, image]; a text or reasoning block begins with its first delta, so the decoder
 * opens the IR block there. Usage arrives last, in `metadata`, after `messageStop`: the IR
 * `stop` is emitted when `metadata` came, or by `finish` with unknown usage when it never did.
 */
import type { OpaqueState, StopReason, Usage } from "./ir.ts";
import { unknownUsage } from "./ir.ts";
import type { StreamEvent } from "./ir_stream.ts";
import { asObject, asString, isObject, limits, type Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { converse, converseState, converseToolId } from "./bedrock_converse_blocks.ts";
import {
  decodeConverseUsage,
  decodeStopReason,
  encodeConverseUsage,
  stopToConverse,
} from "./bedrock_converse_response.ts";
import {
  encodeEventStreamMessage,
  eventStreamException,
  stringHeaders,
} from "../aws_eventstream.ts";
import type { BedrockStreamMessage } from "../bedrock_stream.ts";
import { converseStreamException, streamErrorOf } from "./stream_errors.ts";

/** One ConverseStream message as the encoder gives it: an event member or an exception. */
export type ConverseStreamOut =
  | { kind: "event"; type: string; payload: Obj }
  | { kind: "exception"; type: string; message: string };

type BlockKind = "text" | "thinking" | "redacted_thinking" | "tool_call";

/** Upstream ConverseStream messages → IR events, one decoder per answer. */
export class ConverseStreamDecoder {
  /** Converse's `contentBlockIndex` → the IR's dense index and the block's kind. */
  readonly #blocks = new Map<number, { index: number; kind: BlockKind; open: boolean }>();
  #stop: { reason: StopReason; raw: string | null } | null = null;
  #done = false;

  constructor(private readonly meta: { id: string; model: string }) {}

  message(m: BedrockStreamMessage, notes: Notes): StreamEvent[] {
    if (this.#done) return [];
    if (m.messageType !== "event") return [this.#error(m)];
    const data = parsePayload(m.payload, m.type ?? "event");
    switch (m.type) {
      case "messageStart":
        return [{ type: "start", id: this.meta.id, model: this.meta.model, usage: unknownUsage }];
      case "contentBlockStart":
        return this.#start(data);
      case "contentBlockDelta":
        return this.#delta(data, notes);
      case "contentBlockStop": {
        const b = this.#block(data, "contentBlockStop");
        if (b === undefined || !b.open) return [];
        b.open = false;
        return [{ type: "block_stop", index: b.index }];
      }
      case "messageStop": {
        const raw = isObject(data) && typeof data["stopReason"] === "string"
          ? data["stopReason"]
          : null;
        this.#stop = { reason: decodeStopReason(raw), raw };
        return [];
      }
      case "metadata":
        return this.#finish(decodeConverseUsage(data["usage"], this.meta.model));
      default:
        notes.add("dropped", m.type ?? "event", "a ConverseStream event the gateway does not know");
        return [];
    }
  }

  /** The upstream ended: a `stop` with unknown usage if `metadata` never came. */
  finish(): StreamEvent[] {
    return this.#done ? [] : this.#finish(unknownUsage);
  }

  #finish(usage: Usage): StreamEvent[] {
    this.#done = true;
    const out: StreamEvent[] = [];
    for (const b of this.#blocks.values()) {
      if (b.open) out.push({ type: "block_stop", index: b.index });
      b.open = false;
    }
    const stop = this.#stop ?? { reason: "other" as const, raw: null };
    out.push({
      type: "stop",
      stopReason: stop.reason,
      providerStopReason: stop.raw,
      stopSequence: null,
      usage,
    });
    return out;
  }

  /** An exception (or error) message, through T6's table (stream_errors.ts). */
  #error(m: BedrockStreamMessage): StreamEvent {
    this.#done = true;
    let payload: unknown;
    try {
      payload = JSON.parse(m.payload);
    } catch {
      payload = null;
    }
    // Not a JSON object: the text is the message.
    if (!isObject(payload)) payload = { message: m.payload };
    return { type: "error", error: streamErrorOf("bedrock.converse", payload, m.type) };
  }

  #block(data: Obj, field: string) {
    const i = data["contentBlockIndex"];
    if (typeof i !== "number" || !Number.isSafeInteger(i) || i < 0) {
      throw new TranslationError(`${field}.contentBlockIndex`, "expected a block index");
    }
    return this.#blocks.get(i);
  }

  #open(data: Obj, field: string, kind: BlockKind): number {
    if (this.#block(data, field) !== undefined) {
      throw new TranslationError(`${field}.contentBlockIndex`, "the block was already open");
    }
    if (this.#blocks.size >= limits.blocks) {
      throw new TranslationError(field, `more than ${limits.blocks} blocks in one answer`);
    }
    const index = this.#blocks.size;
    this.#blocks.set(data["contentBlockIndex"] as number, { index, kind, open: true });
    return index;
  }

  #start(data: Obj): StreamEvent[] {
    const start = asObject(data["start"], "contentBlockStart.start");
    if (start["toolUse"] === undefined) {
      throw new TranslationError("contentBlockStart.start", "only tool blocks can be translated");
    }
    const t = asObject(start["toolUse"], "contentBlockStart.start.toolUse");
    const index = this.#open(data, "contentBlockStart", "tool_call");
    return [{
      type: "block_start",
      index,
      block: {
        type: "tool_call",
        id: asString(t["toolUseId"], "contentBlockStart.start.toolUse.toolUseId"),
        name: asString(t["name"], "contentBlockStart.start.toolUse.name"),
        state: null,
      },
    }];
  }

  #delta(data: Obj, notes: Notes): StreamEvent[] {
    const f = "contentBlockDelta.delta";
    const d = asObject(data["delta"], f);
    if (typeof d["text"] === "string") {
      return this.#into(
        data,
        "text",
        [],
        (index) => [{ type: "text_delta", index, text: d["text"] as string }],
      );
    }
    if (d["toolUse"] !== undefined) {
      const b = this.#block(data, "contentBlockDelta");
      if (b === undefined || b.kind !== "tool_call") {
        throw new TranslationError(
          `${f}.toolUse`,
          "tool input for a block that is not a tool call",
        );
      }
      const json = asString(asObject(d["toolUse"], `${f}.toolUse`)["input"], `${f}.toolUse.input`);
      return [{ type: "arguments_delta", index: b.index, json }];
    }
    if (d["reasoningContent"] !== undefined) {
      const r = asObject(d["reasoningContent"], `${f}.reasoningContent`);
      if (typeof r["redactedContent"] === "string") {
        const state = converseState(r["redactedContent"]);
        const index = this.#open(data, "contentBlockDelta", "redacted_thinking");
        return [{ type: "block_start", index, block: { type: "redacted_thinking", state } }];
      }
      if (typeof r["signature"] === "string") {
        const state = converseState(r["signature"]);
        return this.#into(data, "thinking", [], (index) => [{ type: "state", index, state }]);
      }
      const text = asString(r["text"], `${f}.reasoningContent.text`);
      return this.#into(
        data,
        "thinking",
        [],
        (index) => [{ type: "thinking_delta", index, text }],
      );
    }
    notes.add("dropped", f, "a ConverseStream delta of a kind the IR has not");
    return [];
  }

  /** A delta into the block at `contentBlockIndex`, opening it on its first delta. */
  #into(
    data: Obj,
    kind: "text" | "thinking",
    out: StreamEvent[],
    events: (index: number) => StreamEvent[],
  ): StreamEvent[] {
    const b = this.#block(data, "contentBlockDelta");
    if (b !== undefined) {
      if (b.kind !== kind || !b.open) {
        throw new TranslationError(
          "contentBlockDelta.contentBlockIndex",
          `not an open ${kind} block`,
        );
      }
      return events(b.index);
    }
    const index = this.#open(data, "contentBlockDelta", kind);
    const block = kind === "text"
      ? { type: "text" as const }
      : { type: "thinking" as const, kind: "full" as const };
    return [...out, { type: "block_start", index, block }, ...events(index)];
  }
}

function parsePayload(payload: string, field: string): Obj {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    throw new TranslationError(field, "the event's payload is not JSON");
  }
  return asObject(v, field);
}

/** IR events → ConverseStream messages; the IR's dense index is the `contentBlockIndex`. */
export class ConverseStreamEncoder {
  /** Blocks left out (foreign redacted thinking): their stop is left out too. */
  readonly #dropped = new Set<number>();

  constructor(private readonly model: string) {}

  event(e: StreamEvent, notes: Notes): ConverseStreamOut[] {
    const ev = (type: string, payload: Obj): ConverseStreamOut => ({
      kind: "event",
      type,
      payload,
    });
    const delta = (
      index: number,
      d: Obj,
    ) => [ev("contentBlockDelta", { delta: d, contentBlockIndex: index })];
    switch (e.type) {
      case "start":
        return [ev("messageStart", { role: "assistant" })];
      case "block_start":
        if (e.block.type === "tool_call") {
          const toolUseId = converseToolId(e.block.id, `content[${e.index}].toolUseId`, notes);
          const start = { toolUse: { toolUseId, name: e.block.name } };
          return [ev("contentBlockStart", { start, contentBlockIndex: e.index })];
        }
        if (e.block.type === "redacted_thinking") {
          if (this.#own(e.block.state)) {
            return delta(e.index, { reasoningContent: { redactedContent: e.block.state.value } });
          }
          this.#dropped.add(e.index);
          notes.add(
            "thinking_state_dropped",
            `content[${e.index}]`,
            `redacted thinking of ${e.block.state.origin}`,
          );
        }
        return [];
      case "text_delta":
        return delta(e.index, { text: e.text });
      case "thinking_delta":
        return delta(e.index, { reasoningContent: { text: e.text } });
      case "state":
        if (this.#own(e.state)) {
          return delta(e.index, { reasoningContent: { signature: e.state.value } });
        }
        notes.add(
          "thinking_state_dropped",
          `content[${e.index}]`,
          `thinking state of ${e.state.origin}`,
        );
        return [];
      case "arguments_delta":
        return delta(e.index, { toolUse: { input: e.json } });
      case "block_stop":
        if (this.#dropped.has(e.index)) return [];
        return [ev("contentBlockStop", { contentBlockIndex: e.index })];
      case "stop":
        if (e.stopSequence !== null) {
          notes.add(
            "dropped",
            "stopSequence",
            "Converse's messageStop does not name the stop sequence",
          );
        }
        return [
          ev("messageStop", { stopReason: stopToConverse[e.stopReason] }),
          ev("metadata", { usage: encodeConverseUsage(e.usage, notes) }),
        ];
      case "error":
        return [{ kind: "exception", ...converseStreamException(e.error) }];
    }
  }

  /** Reasoning state goes only to the protocol and model that made it (plan section 3). */
  #own(state: OpaqueState): boolean {
    return state.origin === converse && (state.model === null || state.model === this.model);
  }
}

const utf8 = new TextEncoder();

/** One encoder output as event-stream bytes, framed by `../aws_eventstream.ts`. */
export function converseStreamBytes(out: ConverseStreamOut): Uint8Array<ArrayBuffer> {
  if (out.kind === "exception") {
    return encodeEventStreamMessage(eventStreamException(out.type, out.message));
  }
  return encodeEventStreamMessage({
    headers: stringHeaders({
      ":message-type": "event",
      ":event-type": out.type,
      ":content-type": "application/json",
    }),
    payload: utf8.encode(JSON.stringify(out.payload)),
  });
}
