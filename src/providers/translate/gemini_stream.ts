/**
 * Gemini `streamGenerateContent?alt=sse` ⇄ IR stream events (plan section 4). Each `data:` event
 * is a whole `GenerateContentResponse`: text and thought text come in pieces, a `functionCall`
 * part comes whole (one `block_start`, one `arguments_delta`, one `block_stop`), and every chunk
 * repeats the running `usageMetadata`, of which only the last counts (gemini_usage.ts). Framing
 * (`data: …\n\n`) is the caller's; these classes take and give parsed chunks.
 */
import { clientErrorOf } from "./errors.ts";
import type { OpaqueState, StopReason, Usage } from "./ir.ts";
import { unknownUsage } from "./ir.ts";
import type { StreamEvent } from "./ir_stream.ts";
import { asArray, asObject, isObject, limits, type Obj, optString } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { callIdPrefix, geminiState, ownState } from "./gemini_parts.ts";
import {
  decodeGeminiUsage,
  encodeGeminiUsage,
  stopFromGemini,
  stopToGemini,
} from "./gemini_response.ts";
import type { GeminiPartOptions } from "./gemini_parts_encode.ts";
import { streamCutError, streamErrorOf } from "./stream_errors.ts";

type Open = { index: number; kind: "text" | "thinking" } | null;

/** Upstream Gemini chunks → IR events. Bounded: at most `limits.blocks` blocks per answer. */
export class GeminiStreamDecoder {
  #next = 0;
  #open: Open = null;
  #started = false;
  #reason: string | null = null;
  #blocked = false;
  #calls = 0;
  #usage: Usage = { ...unknownUsage };
  #done = false;
  #prefix = callIdPrefix(null);

  constructor(readonly model: string, readonly notes: Notes) {}

  /** One parsed `data:` event. */
  chunk(data: unknown): StreamEvent[] {
    if (this.#done) return [];
    const o = asObject(data, "chunk");
    const out: StreamEvent[] = [];
    if (o["error"] !== undefined && o["error"] !== null) return this.#error(o, out);
    if (!this.#started) {
      this.#started = true;
      this.#prefix = callIdPrefix(optString(o, "responseId", "chunk"));
      out.push({
        type: "start",
        id: optString(o, "responseId", "chunk") ?? "",
        model: optString(o, "modelVersion", "chunk") ?? this.model,
        usage: { ...unknownUsage },
      });
    }
    const usage = decodeGeminiUsage(o["usageMetadata"]);
    if (usage.inputTokens !== null) this.#usage = usage;
    const candidates = o["candidates"] == null
      ? []
      : asArray(o["candidates"], "chunk.candidates", 64);
    if (candidates.length === 0) {
      const feedback = isObject(o["promptFeedback"]) ? o["promptFeedback"] : {};
      const block = optString(feedback, "blockReason", "chunk.promptFeedback");
      if (block !== null) [this.#reason, this.#blocked] = [block, true];
      return out;
    }
    const c = asObject(candidates[0], "chunk.candidates[0]");
    const content = isObject(c["content"]) ? c["content"] : {};
    const parts = content["parts"] == null
      ? []
      : asArray(content["parts"], "chunk.candidates[0].content.parts", limits.blocks);
    parts.forEach((p, j) =>
      this.#part(asObject(p, `chunk.candidates[0].content.parts[${j}]`), out)
    );
    this.#reason = optString(c, "finishReason", "chunk.candidates[0]") ?? this.#reason;
    return out;
  }

  /** The body ended: close the open block and stop, or report a stream cut before its finish. */
  end(): StreamEvent[] {
    if (this.#done) return [];
    this.#done = true;
    const out: StreamEvent[] = [];
    this.#close(out);
    if (this.#reason === null) {
      out.push({ type: "error", error: streamCutError("gemini.generate", "a finishReason") });
      return out;
    }
    const stop: StopReason = this.#blocked
      ? "content_filter"
      : stopFromGemini(this.#reason, this.#calls > 0);
    out.push({
      type: "stop",
      stopReason: stop,
      providerStopReason: this.#reason,
      stopSequence: null,
      usage: this.#usage,
    });
    return out;
  }

  /** An in-band `{"error": {code, message, status, details}}` chunk, through T6's table. */
  #error(chunk: Obj, out: StreamEvent[]): StreamEvent[] {
    this.#done = true;
    this.#close(out);
    out.push({ type: "error", error: streamErrorOf("gemini.generate", chunk) });
    return out;
  }

  #open_(kind: "text" | "thinking", out: StreamEvent[]): number {
    if (this.#open !== null && this.#open.kind === kind) return this.#open.index;
    this.#close(out);
    const index = this.#take();
    out.push({
      type: "block_start",
      index,
      block: kind === "text" ? { type: "text" } : { type: "thinking", kind: "summary" },
    });
    this.#open = { index, kind };
    return index;
  }

  #close(out: StreamEvent[]): void {
    if (this.#open === null) return;
    out.push({ type: "block_stop", index: this.#open.index });
    this.#open = null;
  }

  #take(): number {
    if (this.#next >= limits.blocks) {
      throw new TranslationError(
        "chunk.candidates[0].content.parts",
        `more than ${limits.blocks} blocks in one answer`,
      );
    }
    return this.#next++;
  }

  #part(p: Obj, out: StreamEvent[]): void {
    const signature = typeof p["thoughtSignature"] === "string" && p["thoughtSignature"] !== ""
      ? geminiState(p["thoughtSignature"])
      : null;
    if (isObject(p["functionCall"])) return this.#call(p["functionCall"], signature, out);
    const text = typeof p["text"] === "string" ? p["text"] : null;
    if (text === null) {
      const kind = Object.keys(p).find((k) => k !== "thoughtSignature") ?? "(empty)";
      this.notes.add(
        "dropped",
        `candidates[0].content.parts.${kind}`,
        "this part kind has no stream form",
      );
      return;
    }
    if (p["thought"] === true) {
      const index = this.#open_("thinking", out);
      if (text !== "") out.push({ type: "thinking_delta", index, text });
      if (signature !== null) out.push({ type: "state", index, state: signature });
      return;
    }
    if (signature !== null) {
      // As the answer decoder does: a signed plain part is an empty thinking block before it.
      this.#close(out);
      const index = this.#take();
      out.push({ type: "block_start", index, block: { type: "thinking", kind: "summary" } });
      out.push({ type: "state", index, state: signature });
      out.push({ type: "block_stop", index });
    }
    if (text === "") return;
    out.push({ type: "text_delta", index: this.#open_("text", out), text });
  }

  #call(v: Obj, state: OpaqueState | null, out: StreamEvent[]): void {
    this.#close(out);
    const f = "chunk.candidates[0].content.parts.functionCall";
    const name = optString(v, "name", f);
    if (name === null) throw new TranslationError(`${f}.name`, "a function call without a name");
    const index = this.#take();
    const id = optString(v, "id", f) ?? `${this.#prefix}${this.#calls}`;
    this.#calls++;
    const args = v["args"] == null ? {} : asObject(v["args"], `${f}.args`);
    out.push({ type: "block_start", index, block: { type: "tool_call", id, name, state } });
    out.push({ type: "arguments_delta", index, json: JSON.stringify(args) });
    out.push({ type: "block_stop", index });
  }
}

/** A call's buffered argument text (Gemini sends a call whole, so the encoder must hold it). */
export const geminiMaxArgumentChars = 16 * 1024 * 1024;

/** IR events → Gemini chunks for a Gemini client. */
export class GeminiStreamEncoder {
  #id = "";
  #model = "";
  #calls = new Map<number, { id: string; name: string; state: OpaqueState | null; json: string }>();
  #thinking = new Set<number>();
  /** Thinking blocks that showed text: their signature goes on a thought part of its own. */
  #shown = new Set<number>();
  /** A signature of an empty thinking block: it rides on the next part (as gemini_parts_encode). */
  #carried: string | null = null;

  constructor(readonly options: GeminiPartOptions, readonly notes: Notes) {}

  event(e: StreamEvent): Obj[] {
    switch (e.type) {
      case "start":
        [this.#id, this.#model] = [e.id, e.model];
        return [];
      case "block_start":
        if (e.block.type === "tool_call") this.#calls.set(e.index, { ...e.block, json: "" });
        else if (e.block.type === "thinking") this.#thinking.add(e.index);
        else if (e.block.type === "redacted_thinking") {
          this.notes.add(
            "thinking_state_dropped",
            `content[${e.index}]`,
            `redacted thinking of ${e.block.state.origin}`,
          );
        }
        return [];
      case "text_delta":
        return [this.#chunk([{ text: e.text }])];
      case "thinking_delta":
        if (e.text === "") return [];
        this.#shown.add(e.index);
        return [this.#chunk([{ text: e.text, thought: true }])];
      case "state":
        return this.#state(e.index, e.state);
      case "arguments_delta": {
        const call = this.#calls.get(e.index);
        if (call === undefined) return [];
        if (call.json.length + e.json.length > geminiMaxArgumentChars) {
          throw new TranslationError(
            `content[${e.index}].arguments`,
            `a tool call's arguments pass ${geminiMaxArgumentChars} characters`,
          );
        }
        call.json += e.json;
        return [];
      }
      case "block_stop":
        return this.#stopBlock(e.index);
      case "stop":
        return [this.#final(e.stopReason, e.providerStopReason, e.usage)];
      case "error":
        return [clientErrorOf("gemini.generate", e.error).body];
    }
  }

  #state(index: number, state: OpaqueState): Obj[] {
    const call = this.#calls.get(index);
    if (call !== undefined) {
      call.state = state;
      return [];
    }
    if (!ownState(state, this.#model)) {
      this.notes.add(
        "thinking_state_dropped",
        `content[${index}]`,
        `thinking state of ${state.origin}`,
      );
      return [];
    }
    if (this.#thinking.has(index) && this.#shown.has(index)) {
      return [this.#chunk([{ text: "", thought: true, thoughtSignature: state.value }])];
    }
    this.#carried = state.value;
    return [];
  }

  #stopBlock(index: number): Obj[] {
    this.#thinking.delete(index);
    this.#shown.delete(index);
    const call = this.#calls.get(index);
    if (call === undefined) return [];
    this.#calls.delete(index);
    let args: unknown = {};
    try {
      args = call.json.trim() === "" ? {} : JSON.parse(call.json);
    } catch { /* below */ }
    if (!isObject(args)) {
      this.notes.add(
        "tool_arguments_unparsed",
        `content[${index}]`,
        "the call's arguments were not a JSON object",
      );
      args = {};
    }
    const fc: Obj = this.options.callIds
      ? { id: call.id, name: call.name, args }
      : { name: call.name, args };
    const part: Obj = { functionCall: fc };
    if (ownState(call.state, this.#model)) part["thoughtSignature"] = call.state!.value;
    else if (call.state !== null) {
      this.notes.add(
        "thinking_state_dropped",
        `content[${index}]`,
        `state of ${call.state.origin} on a tool call`,
      );
    }
    return [this.#chunk([part])];
  }

  #chunk(parts: Obj[]): Obj {
    if (this.#carried !== null && parts[0]!["thoughtSignature"] === undefined) {
      parts[0] = { ...parts[0], thoughtSignature: this.#carried };
      this.#carried = null;
    }
    return {
      candidates: [{ content: { role: "model", parts }, index: 0 }],
      modelVersion: this.#model,
      responseId: this.#id,
    };
  }

  #final(stop: StopReason, provider: string | null, usage: Usage): Obj {
    const chunk = this.#chunk([{ text: "" }]);
    (chunk["candidates"] as Obj[])[0]!["finishReason"] = stopToGemini(stop, provider);
    chunk["usageMetadata"] = encodeGeminiUsage(usage, this.notes);
    return chunk;
  }
}
