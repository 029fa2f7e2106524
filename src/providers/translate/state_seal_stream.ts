/**
 * The seal on a stream: runs between an upstream stream decoder and the client's stream encoder,
 * one IR event in, its events out, nothing held back beyond the current event (plan section 4).
 * The same slots as state_seal_response.ts. A tool call's own state becomes an empty thinking
 * block inserted before the call (Anthropic, Responses), and a redacted block Chat cannot show is
 * left out, so the sealer renumbers the blocks after them to keep the indices dense.
 */
import type { StreamBlockHead, StreamEvent } from "./ir_stream.ts";
import { maxSealedChars, type SealContext } from "./state_seal.ts";
import type { CarriedBlock } from "./state_seal_chat.ts";
import {
  type Budget,
  chatCallId,
  foreign,
  newBudget,
  sealOne,
  slotCarrier,
  withModel,
} from "./state_seal_response.ts";

interface OpenBlock {
  /** The index the client sees; null: left out. */
  out: number | null;
  head: StreamBlockHead;
  /** Chat only: the thinking text so far, for the record (Anthropic checks it with the
   *  signature); null once over `maxSealedChars`. */
  text: string | null;
}

export class StreamStateSealer {
  readonly #ctx: SealContext;
  readonly #budget: Budget = newBudget();
  readonly #blocks = new Map<number, OpenBlock>();
  #model: string | null;
  #offset = 0;
  #pending: CarriedBlock[] = [];
  #pendingField = "";

  constructor(ctx: SealContext) {
    this.#ctx = ctx;
    this.#model = ctx.model ?? null;
  }

  get #chat(): boolean {
    return this.#ctx.client === "openai.chat";
  }

  async event(e: StreamEvent): Promise<StreamEvent[]> {
    if (!this.#chat && !slotCarrier(this.#ctx.client)) return [e];
    switch (e.type) {
      case "start":
        this.#model ??= e.model;
        return [e];
      case "block_start":
        return await this.#start(e.index, e.block);
      case "thinking_delta": {
        const b = this.#blocks.get(e.index);
        if (b !== undefined && b.text !== null) {
          b.text = b.text.length + e.text.length > maxSealedChars ? null : b.text + e.text;
        }
        return this.#moved(e);
      }
      case "text_delta":
      case "arguments_delta":
        return this.#moved(e);
      case "state":
        return await this.#state(e);
      case "block_stop": {
        const b = this.#blocks.get(e.index);
        this.#blocks.delete(e.index);
        if (b === undefined) return [{ ...e, index: e.index + this.#offset }];
        return b.out === null ? [] : [{ ...e, index: b.out }];
      }
      case "stop":
        this.#flushPending();
        return [e];
      case "error":
        return [e];
    }
  }

  #moved<T extends StreamEvent & { index: number }>(e: T): T[] {
    const b = this.#blocks.get(e.index);
    if (b === undefined) return [{ ...e, index: e.index + this.#offset }];
    return b.out === null ? [] : [{ ...e, index: b.out }];
  }

  #leaveOut(index: number, head: StreamBlockHead): StreamEvent[] {
    this.#blocks.set(index, { out: null, head, text: null });
    this.#offset--;
    return [];
  }

  async #start(index: number, head: StreamBlockHead): Promise<StreamEvent[]> {
    const field = `content[${index}]`;
    if (head.type === "redacted_thinking" && foreign(head.state, this.#ctx)) {
      if (this.#chat) {
        this.#carry(
          { type: "redacted_thinking", state: withModel(head.state, this.#model) },
          field,
        );
        return this.#leaveOut(index, head);
      }
      const state = await sealOne(
        this.#ctx,
        head.state,
        "redacted",
        this.#model,
        this.#budget,
        field,
      );
      if (state === null) return this.#leaveOut(index, head);
      return this.#open(index, { ...head, state });
    }
    if (head.type === "tool_call") return await this.#call(index, head, field);
    return this.#open(index, head);
  }

  #open(index: number, head: StreamBlockHead): StreamEvent[] {
    const out = index + this.#offset;
    const text = this.#chat && head.type === "thinking" ? "" : null;
    this.#blocks.set(index, { out, head, text });
    return [{ type: "block_start", index: out, block: head }];
  }

  async #call(
    index: number,
    head: Extract<StreamBlockHead, { type: "tool_call" }>,
    field: string,
  ): Promise<StreamEvent[]> {
    const own = foreign(head.state, this.#ctx) ? withModel(head.state, this.#model) : null;
    if (this.#chat) {
      if (own === null && this.#pending.length === 0) return this.#open(index, head);
      const record = { id: head.id, state: own, blocks: this.#pending };
      this.#pending = [];
      const id = await chatCallId(this.#ctx, record, this.#budget, index);
      return this.#open(index, { ...head, id: id ?? head.id, state: null });
    }
    if (own === null) return this.#open(index, head);
    const state = await sealOne(this.#ctx, own, "call", this.#model, this.#budget, field);
    const out: StreamEvent[] = [];
    if (state !== null) {
      // The carrier block takes this index; the call and every block after move up one.
      const at = index + this.#offset;
      const kind = this.#ctx.client === "anthropic.messages" ? "full" : "summary";
      out.push(
        { type: "block_start", index: at, block: { type: "thinking", kind } },
        { type: "state", index: at, state },
        { type: "block_stop", index: at },
      );
      this.#offset++;
    }
    out.push(...this.#open(index, { ...head, state: null }));
    return out;
  }

  async #state(e: Extract<StreamEvent, { type: "state" }>): Promise<StreamEvent[]> {
    const b = this.#blocks.get(e.index);
    if (!foreign(e.state, this.#ctx)) return this.#moved(e);
    const field = `content[${e.index}]`;
    if (b === undefined || b.out === null || b.head.type !== "thinking") {
      this.#ctx.notes.add(
        "thinking_state_dropped",
        field,
        "state arrived after its tool call started; no slot is left for it",
      );
      return [];
    }
    if (this.#chat) {
      if (b.text === null) {
        this.#ctx.notes.add(
          "thinking_state_dropped",
          field,
          `thinking over ${maxSealedChars} characters cannot ride on a Chat tool call id`,
        );
      } else {
        this.#carry({
          type: "thinking",
          text: b.text,
          kind: b.head.kind,
          state: withModel(e.state, this.#model),
        }, field);
      }
      return [];
    }
    const state = await sealOne(this.#ctx, e.state, "thinking", this.#model, this.#budget, field);
    return state === null ? [] : [{ ...e, index: b.out, state }];
  }

  #carry(block: CarriedBlock, field: string): void {
    if (this.#pending.length === 0) this.#pendingField = field;
    this.#pending.push(block);
  }

  #flushPending(): void {
    if (this.#pending.length === 0) return;
    this.#ctx.notes.add(
      "thinking_state_dropped",
      this.#pendingField,
      "Chat carries thinking state only on a tool call that follows it",
    );
    this.#pending = [];
  }
}
