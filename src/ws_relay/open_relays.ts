/**
 * The relays a gateway keeps open, and those still dialing: their number in all and per caller
 * (the bounds), the ticker that runs their idle and deadline checks while any is open, and who to
 * tell once none is left (a replaced config's generation waits for that).
 */
import type { RelaySocket } from "./relay_socket.ts";

export class OpenRelays {
  readonly #relays = new Map<RelaySocket, string>();
  readonly #perOwner = new Map<string, number>();
  #dialing = 0;
  #ticker: ReturnType<typeof setInterval> | null = null;
  #onEmpty: (() => void) | null = null;

  constructor(
    private readonly tickMs: number,
    private readonly monotonic: () => number,
  ) {}

  /** Relays open now, dials in progress included. */
  get size(): number {
    return this.#relays.size + this.#dialing;
  }

  /** Open (or dialing) for this caller. */
  of(owner: string): number {
    return this.#perOwner.get(owner) ?? 0;
  }

  /** A snapshot: closing a relay while iterating removes it from the set. */
  all(): RelaySocket[] {
    return [...this.#relays.keys()];
  }

  dialing(owner: string): void {
    this.#dialing++;
    this.#count(owner, 1);
  }

  /** The dial ended: `relay` opened, or null when it did not. */
  dialed(owner: string, relay: RelaySocket | null): void {
    this.#dialing--;
    if (relay === null) {
      this.#count(owner, -1);
      return this.#emptyCheck();
    }
    this.#relays.set(relay, owner);
    if (this.#ticker !== null) return;
    const timer = setInterval(() => {
      const now = this.monotonic();
      for (const r of this.#relays.keys()) r.tick(now);
    }, this.tickMs);
    Deno.unrefTimer(timer);
    this.#ticker = timer;
  }

  closed(relay: RelaySocket): void {
    const owner = this.#relays.get(relay);
    if (owner === undefined) return;
    this.#relays.delete(relay);
    this.#count(owner, -1);
    if (this.#relays.size === 0 && this.#ticker !== null) {
      clearInterval(this.#ticker);
      this.#ticker = null;
    }
    this.#emptyCheck();
  }

  /** `onEmpty` runs once no relay is open nor dialing: at once when none is. */
  whenEmpty(onEmpty: () => void): void {
    this.#onEmpty = onEmpty;
    this.#emptyCheck();
  }

  #count(owner: string, by: 1 | -1): void {
    const n = this.of(owner) + by;
    if (n > 0) this.#perOwner.set(owner, n);
    else this.#perOwner.delete(owner);
  }

  #emptyCheck(): void {
    if (this.#onEmpty === null || this.size > 0) return;
    const empty = this.#onEmpty;
    this.#onEmpty = null;
    empty();
  }
}
