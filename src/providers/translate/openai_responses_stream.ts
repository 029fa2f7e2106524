/**
 * OpenAI Responses stream events → IR stream events, one upstream event at a time, nothing
 * buffered (plan section 4) [oa `responses.d.ts` `ResponseStreamEvent`]. The caller parses the
 * SSE `data:` (or WebSocket frame) JSON and hands each object to `push`.
 *
 * IR indices are dense from 0 in arrival order. Each content part of a message is one text
 * block; each summary part (or reasoning text part) of a reasoning item is one thinking block,
 * and the item's `encrypted_content` — complete only in `response.output_item.done` [oa
 * `ResponseReasoningItem.encrypted_content` doc comment] — rides as a `state` event on the item's
 * last block, whose stop waits for it. A call's arguments are emitted once: the final
 * `…arguments.done` / `output_item.done` text is used for checking, and only a missing suffix is
 * forwarded.
 */
import { type Protocol, unknownUsage } from "./ir.ts";
import type { StreamEvent } from "./ir_stream.ts";
import { asObject, asString, isObject, type Obj, optNumber, optString } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { decodeResponsesUsage, stopOfResponse } from "./openai_responses_response.ts";
import { streamErrorOf } from "./stream_errors.ts";

const responses: Protocol = "openai.responses";
/** Argument text kept per call for the exactly-once check; a call's arguments beyond this are
 *  refused rather than held without bound. */
export const maxArgumentsBytes = 4 * 1024 * 1024;
/** Output items one answer may open. */
const maxItems = 10_000;

interface CallState {
  index: number;
  emitted: string;
}
interface ReasoningState {
  /** The IR index of the item's block still open (its stop waits for the item's state). */
  open: number | null;
  blocks: number;
}

export class ResponsesStreamDecoder {
  #next = 0;
  #started = false;
  #finished = false;
  #hasCall = false;
  #refused = false;
  readonly #parts = new Map<string, number>();
  readonly #calls = new Map<number, CallState>();
  readonly #reasoning = new Map<number, ReasoningState>();
  readonly #ignored = new Set<number>();
  readonly #unknownTypes = new Set<string>();
  #items = 0;

  constructor(private readonly notes: Notes) {}

  push(event: unknown): StreamEvent[] {
    const e = asObject(event, "event");
    const type = asString(e["type"], "event.type");
    if (this.#finished) throw new TranslationError("event.type", `${type} after the end`);
    if (!this.#started && type !== "response.created" && type !== "error") {
      throw new TranslationError("event.type", `${type} before response.created`);
    }
    const out: StreamEvent[] = [];
    const at = optNumber(e, "output_index", "event");
    if (at !== null && this.#ignored.has(at)) return out;
    switch (type) {
      case "response.created":
        this.#start(e, out);
        break;
      case "response.in_progress":
      case "response.queued":
      case "response.output_text.done":
      case "response.refusal.done":
      case "response.reasoning_summary_text.done":
      case "response.reasoning_summary_part.done":
      case "response.reasoning_text.done":
        break;
      case "response.output_item.added":
        this.#itemAdded(e, out);
        break;
      case "response.content_part.added":
        this.#partAdded(e, out);
        break;
      case "response.output_text.delta":
      case "response.refusal.delta":
        if (type === "response.refusal.delta") this.#refused = true;
        out.push({ type: "text_delta", index: this.#part(e), text: this.#delta(e) });
        break;
      case "response.content_part.done":
        this.#partDone(e, out);
        break;
      case "response.reasoning_summary_part.added":
        this.#thinkingStart(this.#item(e), "summary", out);
        break;
      case "response.reasoning_summary_text.delta":
        this.#thinkingDelta(e, "summary", out);
        break;
      case "response.reasoning_text.delta":
        this.#thinkingDelta(e, "full", out);
        break;
      case "response.function_call_arguments.delta":
        this.#arguments(this.#call(e), this.#delta(e), out);
        break;
      case "response.function_call_arguments.done":
        this.#argumentsDone(this.#call(e), asString(e["arguments"], "event.arguments"), out);
        break;
      case "response.output_item.done":
        this.#itemDone(e, out);
        break;
      case "response.completed":
      case "response.incomplete":
        this.#stop(asObject(e["response"], "event.response"), out);
        break;
      case "response.failed":
        this.#fail(failedPayload(e), out);
        break;
      case "error":
        this.#fail(e, out);
        break;
      default:
        if (!this.#unknownTypes.has(type) && this.#unknownTypes.size < 100) {
          this.#unknownTypes.add(type);
          this.notes.add("dropped", `event ${type}`, "a stream event the IR does not carry");
        }
    }
    return out;
  }

  #start(e: Obj, out: StreamEvent[]): void {
    if (this.#started) return;
    this.#started = true;
    const r = asObject(e["response"], "event.response");
    out.push({
      type: "start",
      id: asString(r["id"], "event.response.id"),
      model: asString(r["model"], "event.response.model"),
      usage: unknownUsage,
    });
  }

  #index(): number {
    return this.#next++;
  }

  #item(e: Obj): number {
    const at = optNumber(e, "output_index", "event");
    if (at === null) throw new TranslationError("event.output_index", "expected a number");
    return at;
  }

  #delta(e: Obj): string {
    return asString(e["delta"], "event.delta");
  }

  #itemAdded(e: Obj, out: StreamEvent[]): void {
    const at = this.#item(e);
    if (++this.#items > maxItems) {
      throw new TranslationError("event.output_index", `more than ${maxItems} output items`);
    }
    const item = asObject(e["item"], "event.item");
    switch (item["type"]) {
      case "message":
        return;
      case "reasoning":
        this.#reasoning.set(at, { open: null, blocks: 0 });
        return;
      case "function_call": {
        const index = this.#index();
        this.#hasCall = true;
        this.#calls.set(at, { index, emitted: "" });
        out.push({
          type: "block_start",
          index,
          block: {
            type: "tool_call",
            id: asString(item["call_id"], "event.item.call_id"),
            name: asString(item["name"], "event.item.name"),
            state: null,
          },
        });
        const args = optString(item, "arguments", "event.item") ?? "";
        if (args !== "") this.#arguments(this.#calls.get(at)!, args, out);
        return;
      }
      default:
        this.#ignored.add(at);
        this.notes.add(
          "dropped",
          `output[${at}]`,
          `an output item of type ${JSON.stringify(item["type"])}`,
        );
    }
  }

  #partAdded(e: Obj, out: StreamEvent[]): void {
    const part = asObject(e["part"], "event.part");
    const at = this.#item(e);
    if (part["type"] === "reasoning_text") return this.#thinkingStart(at, "full", out);
    if (part["type"] !== "output_text" && part["type"] !== "refusal") {
      this.notes.add("dropped", `output[${at}].content`, `a ${JSON.stringify(part["type"])} part`);
      return;
    }
    const index = this.#index();
    this.#parts.set(this.#key(e), index);
    out.push({ type: "block_start", index, block: { type: "text" } });
  }

  #key(e: Obj): string {
    const c = optNumber(e, "content_index", "event");
    if (c === null) throw new TranslationError("event.content_index", "expected a number");
    return `${this.#item(e)}:${c}`;
  }

  #part(e: Obj): number {
    const index = this.#parts.get(this.#key(e));
    if (index === undefined) {
      throw new TranslationError("event.content_index", "a delta for a part that was not added");
    }
    return index;
  }

  #partDone(e: Obj, out: StreamEvent[]): void {
    const key = this.#key(e);
    const index = this.#parts.get(key);
    if (index === undefined) return; // a reasoning part (its stop waits) or a dropped part
    this.#parts.delete(key);
    out.push({ type: "block_stop", index });
  }

  #reasoningOf(at: number): ReasoningState {
    const r = this.#reasoning.get(at);
    if (r === undefined) {
      throw new TranslationError(
        "event.output_index",
        "a reasoning event outside a reasoning item",
      );
    }
    return r;
  }

  #thinkingStart(at: number, kind: "full" | "summary", out: StreamEvent[]): void {
    const r = this.#reasoningOf(at);
    if (r.open !== null) out.push({ type: "block_stop", index: r.open });
    r.open = this.#index();
    r.blocks++;
    out.push({ type: "block_start", index: r.open, block: { type: "thinking", kind } });
  }

  #thinkingDelta(e: Obj, kind: "full" | "summary", out: StreamEvent[]): void {
    const at = this.#item(e);
    const r = this.#reasoningOf(at);
    if (r.open === null) this.#thinkingStart(at, kind, out);
    out.push({ type: "thinking_delta", index: r.open!, text: this.#delta(e) });
  }

  #call(e: Obj): CallState {
    const c = this.#calls.get(this.#item(e));
    if (c === undefined) {
      throw new TranslationError("event.output_index", "arguments for a call that was not added");
    }
    return c;
  }

  #arguments(c: CallState, delta: string, out: StreamEvent[]): void {
    if (delta === "") return;
    if (c.emitted.length + delta.length > maxArgumentsBytes) {
      throw new TranslationError("event.delta", `tool arguments beyond ${maxArgumentsBytes} bytes`);
    }
    c.emitted += delta;
    out.push({ type: "arguments_delta", index: c.index, json: delta });
  }

  /** The final text checks what was sent: a missing suffix is forwarded, a repeat is not. */
  #argumentsDone(c: CallState, text: string, out: StreamEvent[]): void {
    if (text.startsWith(c.emitted)) this.#arguments(c, text.slice(c.emitted.length), out);
    else {
      this.notes.add(
        "converted",
        `content[${c.index}].arguments`,
        "the final arguments differ from the streamed ones; the streamed ones were kept",
      );
    }
  }

  #itemDone(e: Obj, out: StreamEvent[]): void {
    const at = this.#item(e);
    const item = asObject(e["item"], "event.item");
    const call = this.#calls.get(at);
    if (call !== undefined) {
      const text = optString(item, "arguments", "event.item");
      if (text !== null) this.#argumentsDone(call, text, out);
      // Clients of object protocols parse the concatenation: an empty call is `{}` (plan 4).
      if (call.emitted === "") this.#arguments(call, "{}", out);
      this.#calls.delete(at);
      out.push({ type: "block_stop", index: call.index });
      return;
    }
    const r = this.#reasoning.get(at);
    if (r !== undefined) return this.#reasoningDone(at, r, item, out);
    // A message: parts whose `content_part.done` never came are closed with their item.
    for (const [key, index] of [...this.#parts]) {
      if (key.startsWith(`${at}:`)) {
        this.#parts.delete(key);
        out.push({ type: "block_stop", index });
      }
    }
  }

  #reasoningDone(at: number, r: ReasoningState, item: Obj, out: StreamEvent[]): void {
    if (r.open === null) this.#thinkingStart(at, "summary", out);
    const value = optString(item, "encrypted_content", "event.item");
    if (value !== null) {
      out.push({
        type: "state",
        index: r.open!,
        state: {
          origin: responses,
          model: null,
          value,
          itemId: optString(item, "id", "event.item"),
        },
      });
    }
    out.push({ type: "block_stop", index: r.open! });
    this.#reasoning.delete(at);
  }

  /** Blocks still open when the answer ends are closed, in index order. */
  #closeAll(out: StreamEvent[]): void {
    const open = [
      ...this.#parts.values(),
      ...[...this.#calls.values()].map((c) => c.index),
      ...[...this.#reasoning.values()].flatMap((r) => r.open === null ? [] : [r.open]),
    ].sort((a, b) => a - b);
    for (const index of open) out.push({ type: "block_stop", index });
    this.#parts.clear();
    this.#calls.clear();
    this.#reasoning.clear();
  }

  #stop(r: Obj, out: StreamEvent[]): void {
    this.#closeAll(out);
    this.#finished = true;
    const { stop, raw } = stopOfResponse(r, this.#hasCall, this.#refused);
    out.push({
      type: "stop",
      stopReason: stop,
      providerStopReason: raw,
      stopSequence: null,
      usage: decodeResponsesUsage(r["usage"]),
    });
  }

  /** `response.failed` or an `error` event, through T6's table (stream_errors.ts). */
  #fail(payload: Obj, out: StreamEvent[]): void {
    this.#closeAll(out);
    this.#finished = true;
    out.push({ type: "error", error: streamErrorOf(responses, payload) });
  }
}

/**
 * A `response.failed` event as an error payload. A failure that names no error is the
 * server's: `server_error` is the first code of [oa `ResponseError.code`].
 */
function failedPayload(e: Obj): Obj {
  const response = asObject(e["response"], "event.response");
  if (isObject(response["error"])) return e;
  return { error: { code: "server_error", message: "response.failed without an error" } };
}
