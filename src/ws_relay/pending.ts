/**
 * Which open response a server event belongs to. The protocol allows one response at a time per
 * socket, but a client may still send a second `response.create` before the first ends; the
 * relay forwards it and keeps both open here, oldest first. Pure, table-tested.
 *
 * Rules, in order:
 * - an event naming a `response.id` goes to the response that has that id; `response.created`
 *   gives its id to the oldest response without one;
 * - an `error` event (it names no response) goes to the first response still waiting for its
 *   `response.created` when an older one has started (the upstream refusing the second create),
 *   else to the oldest;
 * - anything else (deltas, `codex.rate_limits`) goes to the oldest open response;
 * - a terminal event closes the response it went to.
 */
import type { WsServerEvent } from "../providers/mod.ts";

export interface PendingEntry {
  /** Set from `response.created` (or the first event that names one). */
  responseId: string | null;
}

export class PendingResponses<T extends PendingEntry> {
  readonly #open: T[] = [];

  get size(): number {
    return this.#open.length;
  }

  /** The oldest open response, if any. */
  get oldest(): T | undefined {
    return this.#open[0];
  }

  push(entry: T): void {
    this.#open.push(entry);
  }

  /** The response `event` belongs to (removed when the event ends it); undefined: none open. */
  take(event: WsServerEvent): T | undefined {
    const entry = this.#find(event);
    if (entry === undefined) return undefined;
    if (event.responseId !== null && entry.responseId === null) {
      entry.responseId = event.responseId;
    }
    if (event.terminal) this.#open.splice(this.#open.indexOf(entry), 1);
    return entry;
  }

  /** Every open response, oldest first, and none afterwards (the socket closed). */
  drain(): T[] {
    return this.#open.splice(0);
  }

  #find(event: WsServerEvent): T | undefined {
    const open = this.#open;
    if (event.responseId !== null) {
      return open.find((e) => e.responseId === event.responseId) ??
        open.find((e) => e.responseId === null) ?? open[0];
    }
    if (event.type === "error" && open[0]?.responseId != null) {
      return open.find((e) => e.responseId === null) ?? open[0];
    }
    return open[0];
  }
}
