/**
 * The IR stream's rules, checked (plan section 4): one `start` first; blocks numbered densely from
 * 0, one open at a time, each started once and stopped once; a delta only inside its own block
 * and of its kind; every tool call's arguments delivered exactly once (their concatenation is one
 * JSON object, so a repeated or overlapping fragment is caught); one `stop` after every block is
 * closed, with nothing after it; an `error` ends the stream. Used by the tests and usable at
 * runtime between a decoder and an encoder. `collectResponse` folds a checked stream into the
 * non-stream answer, so streamed and non-streamed usage and content can be compared.
 */
import type { ContentBlock, JsonObject, Response } from "./ir.ts";
import type { StreamBlockHead, StreamEvent } from "./ir_stream.ts";
import { isObject } from "./json.ts";

export class StreamViolation extends Error {
  constructor(readonly at: number, readonly rule: string) {
    super(`event ${at}: ${rule}`);
    this.name = "StreamViolation";
  }
}

const deltaKinds: Readonly<Record<string, readonly StreamBlockHead["type"][]>> = {
  text_delta: ["text"],
  thinking_delta: ["thinking"],
  state: ["thinking"],
  arguments_delta: ["tool_call"],
};

/** Bounded by the blocks it was shown; the arguments text it keeps is what the stream carried. */
/** The longest tool call arguments a stream may carry (every decoder's own bound is below it). */
export const maxCheckedArgumentChars = 16 * 1024 * 1024;

export class StreamChecker {
  #count = 0;
  #started = false;
  #ended = false;
  #next = 0;
  #open: { index: number; head: StreamBlockHead; args: string } | null = null;

  push(e: StreamEvent): void {
    const at = this.#count++;
    const fail = (rule: string) => {
      throw new StreamViolation(at, rule);
    };
    if (this.#ended) fail(`${e.type} after the stream ended`);
    if (e.type === "error") {
      this.#ended = true;
      return;
    }
    if (!this.#started && e.type !== "start") fail(`${e.type} before start`);
    switch (e.type) {
      case "start":
        if (this.#started) fail("a second start");
        this.#started = true;
        return;
      case "block_start":
        if (this.#open !== null) fail(`block ${e.index} starts while ${this.#open.index} is open`);
        if (e.index !== this.#next) fail(`block index ${e.index}, expected ${this.#next}`);
        this.#next++;
        this.#open = { index: e.index, head: e.block, args: "" };
        return;
      case "block_stop":
        if (this.#open === null || this.#open.index !== e.index) {
          fail(`block_stop ${e.index} for a block that is not open`);
        }
        if (this.#open!.head.type === "tool_call") checkArguments(this.#open!.args, fail);
        this.#open = null;
        return;
      case "stop":
        if (this.#open !== null) fail(`stop while block ${this.#open.index} is open`);
        this.#ended = true;
        return;
      default: {
        const open = this.#open;
        if (open === null || open.index !== e.index) fail(`${e.type} outside block ${e.index}`);
        if (!(deltaKinds[e.type] ?? []).includes(open!.head.type)) {
          fail(`${e.type} inside a ${open!.head.type} block`);
        }
        if (e.type === "arguments_delta") {
          // Bounded: the decoders bound one event, not a call made of a million of them.
          if (open!.args.length + e.json.length > maxCheckedArgumentChars) {
            fail(`tool call arguments longer than ${maxCheckedArgumentChars} characters`);
          }
          open!.args += e.json;
        }
      }
    }
  }

  /** The stream ended: it must have said how (stop or error). */
  end(): void {
    if (!this.#ended) {
      throw new StreamViolation(this.#count, "the stream ended without stop or error");
    }
  }
}

function checkArguments(text: string, fail: (rule: string) => void): void {
  if (text === "") fail("a tool call without arguments (expected at least `{}`)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    fail(`tool call arguments are not one JSON value: ${text.slice(0, 80)}`);
  }
  if (!isObject(parsed)) fail("tool call arguments are not a JSON object");
}

/** Checks a whole stream; the first violation, or null. */
export function checkStream(events: readonly StreamEvent[]): StreamViolation | null {
  const c = new StreamChecker();
  try {
    for (const e of events) c.push(e);
    c.end();
  } catch (err) {
    if (err instanceof StreamViolation) return err;
    throw err;
  }
  return null;
}

/** The answer a checked stream carried, as the non-stream codecs decode it; null after an error. */
export function collectResponse(events: readonly StreamEvent[]): Response | null {
  let res: Response | null = null;
  const blocks: ContentBlock[] = [];
  for (const e of events) {
    if (e.type === "start") {
      res = {
        id: e.id,
        model: e.model,
        content: blocks,
        stopReason: "other",
        providerStopReason: null,
        stopSequence: null,
        usage: e.usage,
      };
    } else if (e.type === "block_start") blocks[e.index] = headBlock(e.block);
    else if (e.type === "text_delta" || e.type === "thinking_delta") {
      (blocks[e.index] as { text: string }).text += e.text;
    } else if (e.type === "state") (blocks[e.index] as { state: unknown }).state = e.state;
    else if (e.type === "arguments_delta") {
      const b = blocks[e.index] as { argumentsText: string };
      b.argumentsText += e.json;
    } else if (e.type === "stop" && res !== null) {
      res.stopReason = e.stopReason;
      res.providerStopReason = e.providerStopReason;
      res.stopSequence = e.stopSequence;
      res.usage = e.usage;
    } else if (e.type === "error") return null;
  }
  for (const b of blocks) {
    if (b.type === "tool_call") b.arguments = JSON.parse(b.argumentsText!) as JsonObject;
  }
  return res;
}

function headBlock(h: StreamBlockHead): ContentBlock {
  switch (h.type) {
    case "text":
      return { type: "text", text: "" };
    case "thinking":
      return { type: "thinking", text: "", kind: h.kind, state: null };
    case "redacted_thinking":
      return { type: "redacted_thinking", state: h.state };
    case "tool_call":
      return {
        type: "tool_call",
        id: h.id,
        name: h.name,
        arguments: {},
        argumentsText: "",
        state: h.state,
      };
  }
}
