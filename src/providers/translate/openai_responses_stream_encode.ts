/**
 * IR stream events → OpenAI Responses stream events, each written when its IR event arrives
 * (plan section 4) [oa `responses.d.ts` `ResponseStreamEvent`]. Consecutive text blocks share one
 * message item (one content part each); consecutive thinking blocks share one reasoning item
 * (one summary part each) until a `state` closes it, as the non-stream encoder groups them.
 * `output_index` counts items, `content_index`/`summary_index` count parts within an item,
 * `sequence_number` counts events. The `…done` events and `response.completed` repeat the whole
 * text, as the protocol requires; that is the answer the client receives anyway.
 */
import type { OpaqueState, StopReason, Usage } from "./ir.ts";
import type { StreamBlockHead, StreamEvent } from "./ir_stream.ts";
import type { Obj } from "./json.ts";
import { type Notes, TranslationError } from "./notes.ts";
import { encodeResponsesUsage, statusOfStop } from "./openai_responses_response.ts";
import { responsesStreamError } from "./stream_errors.ts";

const responses = "openai.responses";

interface OpenItem {
  item: Obj;
  outputIndex: number;
  kind: "message" | "reasoning" | "function_call";
  /** A reasoning item closes at its block's stop once its state came (or the state was foreign). */
  closing: boolean;
}
interface OpenBlock {
  head: StreamBlockHead;
  part: number;
  text: string;
}

export interface ResponsesStreamOptions {
  /** `created_at` in Unix seconds: the caller's clock, so the codec stays pure. */
  createdAt: number;
}

export class ResponsesStreamEncoder {
  #seq = 0;
  #id = "";
  #model = "";
  #item: OpenItem | null = null;
  readonly #output: Obj[] = [];
  readonly #blocks = new Map<number, OpenBlock>();

  constructor(private readonly options: ResponsesStreamOptions, private readonly notes: Notes) {}

  push(ev: StreamEvent): Obj[] {
    const out: Obj[] = [];
    if (this.#seq === 0 && ev.type !== "start" && ev.type !== "error") {
      throw new TranslationError("event.type", `${ev.type} before the start`);
    }
    switch (ev.type) {
      case "start":
        this.#id = ev.id;
        this.#model = ev.model;
        this.#emit(out, "response.created", { response: this.#response("in_progress", null) });
        this.#emit(out, "response.in_progress", { response: this.#response("in_progress", null) });
        break;
      case "block_start":
        this.#blockStart(ev.index, ev.block, out);
        break;
      case "text_delta":
      case "thinking_delta":
        this.#delta(ev.index, ev.text, out);
        break;
      case "arguments_delta":
        this.#delta(ev.index, ev.json, out);
        break;
      case "state":
        this.#state(ev.index, ev.state);
        break;
      case "block_stop":
        this.#blockStop(ev.index, out);
        break;
      case "stop":
        this.#closeItem(out);
        this.#finish(ev.stopReason, ev.usage, out);
        break;
      case "error":
        // The item cut by the error keeps what was streamed of it, marked incomplete.
        this.#cutOpenBlocks();
        this.#closeItem(out, "incomplete");
        this.#emit(out, "response.failed", {
          response: { ...this.#response("failed", null), error: responsesStreamError(ev.error) },
        });
        break;
    }
    return out;
  }

  #emit(out: Obj[], type: string, fields: Obj): void {
    out.push({ type, sequence_number: this.#seq++, ...fields });
  }

  #response(status: string, usage: Obj | null, incomplete: Obj | null = null): Obj {
    return {
      id: this.#id,
      object: "response",
      created_at: this.options.createdAt,
      status,
      error: null,
      incomplete_details: incomplete,
      model: this.#model,
      output: status === "in_progress" ? [] : this.#output,
      usage,
    };
  }

  #openItem(kind: OpenItem["kind"], item: Obj, out: Obj[]): OpenItem {
    this.#closeItem(out);
    const open = { item, outputIndex: this.#output.length, kind, closing: false };
    this.#output.push(item);
    this.#item = open;
    this.#emit(out, "response.output_item.added", {
      output_index: open.outputIndex,
      item: structuredClone(item),
    });
    return open;
  }

  #closeItem(out: Obj[], status: "completed" | "incomplete" = "completed"): void {
    const open = this.#item;
    if (open === null) return;
    this.#item = null;
    open.item["status"] = status;
    if (open.kind === "reasoning") delete open.item["status"];
    this.#emit(out, "response.output_item.done", {
      output_index: open.outputIndex,
      item: open.item,
    });
  }

  /** The open blocks' text so far, written into the open item (a stream cut by an error). */
  #cutOpenBlocks(): void {
    const item = this.#item?.item;
    for (const { head, part, text } of this.#blocks.values()) {
      if (item === undefined) break;
      if (head.type === "tool_call") item["arguments"] = text;
      else if (head.type === "text") {
        (item["content"] as Obj[])[part] = { type: "output_text", text, annotations: [] };
      } else if (head.type === "thinking") {
        const summary = head.kind === "summary";
        const parts = item[summary ? "summary" : "content"] as Obj[];
        parts[part] = { type: summary ? "summary_text" : "reasoning_text", text };
      }
    }
    this.#blocks.clear();
  }

  #itemId(prefix: string): string {
    return `${prefix}_${this.#id}_${this.#output.length}`;
  }

  #blockStart(index: number, head: StreamBlockHead, out: Obj[]): void {
    if (this.#blocks.has(index)) throw new TranslationError(`block ${index}`, "started twice");
    let item = this.#item;
    let part = 0;
    if (head.type === "text") {
      if (item?.kind !== "message") {
        item = this.#openItem("message", {
          type: "message",
          id: this.#itemId("msg"),
          status: "in_progress",
          role: "assistant",
          content: [],
        }, out);
      }
      part = (item.item["content"] as Obj[]).length;
      const added = { type: "output_text", text: "", annotations: [] };
      (item.item["content"] as Obj[]).push(added);
      this.#emit(out, "response.content_part.added", {
        ...this.#where(item),
        content_index: part,
        part: { ...added },
      });
    } else if (head.type === "thinking") {
      if (item?.kind !== "reasoning" || item.closing) item = this.#reasoningItem(out);
      part = this.#thinkingPart(item, head.kind, out);
    } else if (head.type === "redacted_thinking") {
      item = this.#reasoningItem(out);
      this.#state(index, head.state, item);
    } else {
      this.#openItem("function_call", {
        type: "function_call",
        id: `fc_${head.id}`,
        call_id: head.id,
        name: head.name,
        arguments: "",
        status: "in_progress",
      }, out);
      if (head.state !== null) {
        this.notes.add("thinking_state_dropped", `content[${index}]`, "state on a tool call");
      }
    }
    this.#blocks.set(index, { head, part, text: "" });
  }

  #reasoningItem(out: Obj[]): OpenItem {
    return this.#openItem("reasoning", {
      type: "reasoning",
      id: this.#itemId("rs"),
      summary: [],
      encrypted_content: null,
    }, out);
  }

  #thinkingPart(item: OpenItem, kind: "full" | "summary", out: Obj[]): number {
    if (kind === "summary") {
      const summary = item.item["summary"] as Obj[];
      summary.push({ type: "summary_text", text: "" });
      this.#emit(out, "response.reasoning_summary_part.added", {
        ...this.#where(item),
        summary_index: summary.length - 1,
        part: { type: "summary_text", text: "" },
      });
      return summary.length - 1;
    }
    const content = (item.item["content"] as Obj[] | undefined) ?? [];
    item.item["content"] = content;
    content.push({ type: "reasoning_text", text: "" });
    this.#emit(out, "response.content_part.added", {
      ...this.#where(item),
      content_index: content.length - 1,
      part: { type: "reasoning_text", text: "" },
    });
    return content.length - 1;
  }

  #where(item: OpenItem): Obj {
    return { item_id: item.item["id"], output_index: item.outputIndex };
  }

  #open(index: number): { block: OpenBlock; item: OpenItem } {
    const block = this.#blocks.get(index);
    if (block === undefined || this.#item === null) {
      throw new TranslationError(`block ${index}`, "an event for a block that is not open");
    }
    return { block, item: this.#item };
  }

  #delta(index: number, delta: string, out: Obj[]): void {
    const { block, item } = this.#open(index);
    block.text += delta;
    const where = this.#where(item);
    switch (block.head.type) {
      case "text":
        return this.#emit(out, "response.output_text.delta", {
          ...where,
          content_index: block.part,
          delta,
          logprobs: [],
        });
      case "thinking":
        if (block.head.kind === "summary") {
          return this.#emit(out, "response.reasoning_summary_text.delta", {
            ...where,
            summary_index: block.part,
            delta,
          });
        }
        return this.#emit(out, "response.reasoning_text.delta", {
          ...where,
          content_index: block.part,
          delta,
        });
      case "tool_call":
        return this.#emit(out, "response.function_call_arguments.delta", { ...where, delta });
      default:
        throw new TranslationError(`block ${index}`, "redacted thinking has no deltas");
    }
  }

  #state(index: number, state: OpaqueState, at?: OpenItem): void {
    const item = at ?? this.#open(index).item;
    if (item.kind !== "reasoning") {
      this.notes.add("thinking_state_dropped", `content[${index}]`, "state outside thinking");
      return;
    }
    // Foreign state reaches a client only sealed (part T5 puts it here as this protocol's).
    if (state.origin === responses) item.item["encrypted_content"] = state.value;
    else this.notes.add("thinking_state_dropped", `content[${index}]`, `state of ${state.origin}`);
    item.closing = true;
  }

  #blockStop(index: number, out: Obj[]): void {
    const { block, item } = this.#open(index);
    this.#blocks.delete(index);
    const where = this.#where(item);
    const head = block.head;
    if (head.type === "text") {
      (item.item["content"] as Obj[])[block.part] = {
        type: "output_text",
        text: block.text,
        annotations: [],
      };
      this.#emit(out, "response.output_text.done", {
        ...where,
        content_index: block.part,
        text: block.text,
        logprobs: [],
      });
      this.#emit(out, "response.content_part.done", {
        ...where,
        content_index: block.part,
        part: { type: "output_text", text: block.text, annotations: [] },
      });
    } else if (head.type === "thinking") this.#thinkingDone(block, item, out);
    else if (head.type === "tool_call") {
      item.item["arguments"] = block.text;
      this.#emit(out, "response.function_call_arguments.done", {
        ...where,
        arguments: block.text,
      });
      this.#closeItem(out);
    }
    if (item.closing) this.#closeItem(out);
  }

  #thinkingDone(block: OpenBlock, item: OpenItem, out: Obj[]): void {
    const where = this.#where(item);
    const kind = block.head.type === "thinking" ? block.head.kind : "summary";
    if (kind === "summary") {
      const part = { type: "summary_text", text: block.text };
      (item.item["summary"] as Obj[])[block.part] = part;
      this.#emit(out, "response.reasoning_summary_text.done", {
        ...where,
        summary_index: block.part,
        text: block.text,
      });
      this.#emit(out, "response.reasoning_summary_part.done", {
        ...where,
        summary_index: block.part,
        part: { ...part },
      });
      return;
    }
    const part = { type: "reasoning_text", text: block.text };
    (item.item["content"] as Obj[])[block.part] = part;
    this.#emit(out, "response.reasoning_text.done", {
      ...where,
      content_index: block.part,
      text: block.text,
    });
    this.#emit(out, "response.content_part.done", {
      ...where,
      content_index: block.part,
      part: { ...part },
    });
  }

  #finish(stop: StopReason, usage: Usage, out: Obj[]): void {
    const { status, incomplete } = statusOfStop(stop);
    const response = this.#response(status, encodeResponsesUsage(usage, this.notes), incomplete);
    const type = status === "incomplete" ? "response.incomplete" : "response.completed";
    this.#emit(out, type, { response });
  }
}
