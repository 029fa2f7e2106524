/**
 * The held-text channels of a stream redactor, shared by the SSE (sse_redactor.ts) and AWS
 * event-stream (eventstream_redactor.ts) engines: one `HeldText` (prose) or `JsonHeldText`
 * (tool-call arguments) per channel a locator names, the channel's last delta event or message
 * (a copy of it carries held text out when the channel closes early), and the two bounds a
 * hostile upstream could otherwise grow without end: channels open at once, and text held back
 * plus the bytes of the last events kept. What to do past a bound (stop the stream with an
 * error) is the engine's: this only says so.
 */
import type { StreamTextField, StreamTextLocation } from "../../providers/mod.ts";
import type { Counts, RedactRules } from "../types.ts";
import { HeldText, type HeldTextLimits } from "./held_text.ts";
import { JsonHeldText } from "./json_held_text.ts";
import { getAt, setAt } from "./event_json.ts";

export const defaultMaxChannels = 1024;
export const defaultMaxHeldTotal = 16 * 1024 * 1024;

/** A channel's last delta event or message: what a copy is made of, and its size on the wire. */
export interface LastDelta {
  readonly fields: readonly StreamTextField[];
  /** Counted once however many channels keep it. */
  readonly bytes: number;
}

export interface Channel<L extends LastDelta> {
  held: HeldText | JsonHeldText;
  last: L;
  /** `held.held` when last counted into the total. */
  counted: number;
}

export interface TextChannelsOptions {
  rules: RedactRules;
  limits?: Partial<HeldTextLimits>;
  /** Shared by every channel: the stream's findings. */
  counts: Counts;
  maxChannels?: number;
  maxHeldTotal?: number;
}

/** Why a stream had to stop at a bound of its channels, as the engines tell the client. */
export const channelBounds = {
  tooMany: (max: number) => ({
    code: "pii_stream_too_many_channels",
    message:
      `The response stream opened more than ${max} text channels at once, more than the gateway's PII redaction follows.`,
  }),
  tooMuchHeld: {
    code: "pii_stream_too_large",
    message: "The response stream held more text back for PII checks than the gateway allows.",
  },
  /** The locator found text it cannot follow (`StreamTextLocation.uninspectable`). */
  uninspectable: (why: string) => ({
    code: "pii_stream_uninspectable",
    message: `The response stream carried ${why.slice(0, 200)}, which cannot be checked for PII.`,
  }),
};

export type StreamBound = { code: string; message: string };

export class TextChannels<L extends LastDelta> {
  readonly #opts: TextChannelsOptions;
  readonly #channels = new Map<string, Channel<L>>();
  /** Last deltas kept by channels, with how many keep each. */
  readonly #kept = new Map<L, number>();
  /** Held text of all channels plus the bytes of the kept deltas. */
  #heldTotal = 0;

  constructor(opts: TextChannelsOptions) {
    this.#opts = opts;
  }

  get maxChannels(): number {
    return this.#opts.maxChannels ?? defaultMaxChannels;
  }

  /** More is held back than the stream may hold. */
  get overHeld(): boolean {
    return this.#heldTotal > (this.#opts.maxHeldTotal ?? defaultMaxHeldTotal);
  }

  /**
   * The located `piece` through its channel (opened if new; `closing`: the same event ends it):
   * the text to send in its place, or null when opening it would pass `maxChannels`.
   */
  push(field: StreamTextField, last: L, piece: string, closing: boolean): string | null {
    const channel = this.#channel(field, last);
    if (channel === null) return null;
    let text = channel.held.push(piece);
    if (closing) text += this.take(field.channel, channel);
    else {
      this.#heldTotal += channel.held.held - channel.counted;
      channel.counted = channel.held.held;
    }
    return text;
  }

  /**
   * Every piece `loc` locates in `value` through its channel, the text to send written in its
   * place: whether anything changed, or the bound passed (the stream must stop).
   */
  pushAll(value: unknown, loc: StreamTextLocation, last: L): boolean | StreamBound {
    let changed = false;
    for (const f of loc.fields) {
      const piece = getAt(value, f.path);
      if (typeof piece !== "string") continue;
      const text = this.push(f, last, piece, closes(loc.closes, f.channel));
      if (text === null) return channelBounds.tooMany(this.maxChannels);
      if (text !== piece) {
        setAt(value, f.path, text);
        changed = true;
      }
    }
    return this.overHeld ? channelBounds.tooMuchHeld : changed;
  }

  /** The channels `loc` closes, but for those it carries a piece of (they close with it). */
  closedBy(loc: StreamTextLocation): [string, Channel<L>][] {
    if (loc.closes !== "all" && loc.closes.length === 0) return [];
    const own = new Set(loc.fields.map((f) => f.channel));
    return [...this.#channels].filter(([name]) => !own.has(name) && closes(loc.closes, name));
  }

  /** Every open channel, in the order they opened. */
  all(): [string, Channel<L>][] {
    return [...this.#channels];
  }

  /** Closes the channel: its held text, to send now (the channel is forgotten). */
  take(name: string, channel: Channel<L>): string {
    this.#channels.delete(name);
    this.#heldTotal -= channel.counted;
    channel.counted = 0;
    this.#release(channel.last);
    return channel.held.flush();
  }

  #channel(field: StreamTextField, last: L): Channel<L> | null {
    const name = field.channel;
    let channel = this.#channels.get(name);
    if (channel === undefined) {
      if (this.#channels.size >= this.maxChannels) return null;
      const { rules, limits, counts } = this.#opts;
      const held = field.json === true
        ? new JsonHeldText(rules, limits, counts)
        : new HeldText(rules, limits, counts);
      channel = { held, last, counted: 0 };
      this.#keep(last);
      this.#channels.set(name, channel);
      return channel;
    }
    if (channel.last !== last) {
      this.#release(channel.last);
      this.#keep(last);
    }
    channel.last = last;
    return channel;
  }

  #keep(last: L): void {
    const refs = this.#kept.get(last) ?? 0;
    if (refs === 0) this.#heldTotal += last.bytes;
    this.#kept.set(last, refs + 1);
  }

  #release(last: L): void {
    const refs = (this.#kept.get(last) ?? 1) - 1;
    if (refs > 0) this.#kept.set(last, refs);
    else {
      this.#kept.delete(last);
      this.#heldTotal -= last.bytes;
    }
  }
}

/** Whether `which` closes `channel`: by its name, a name above it, or all. */
export function closes(which: StreamTextLocation["closes"], channel: string): boolean {
  if (which === "all") return true;
  return which.some((c) => channel === c || channel.startsWith(`${c}/`));
}
