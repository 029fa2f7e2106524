/**
 * What a `StreamCommitScanner` (stream_commit.ts) holds: the answer's bytes (or WebSocket frames)
 * before its commit point, released all at once when it comes; and after a failure, the failed
 * answer within the same bound, in case routing passes it to the client after all
 * (`passThrough`). Items are kept as given (the scanner copies chunks the runtime may reuse).
 */
export type HeldItem = Uint8Array | string;

export class CommitHold {
  #items: HeldItem[] = [];
  #size = 0;
  #released = false;
  /** After a failure, the answer goes to the client after all (`takeFailed`). */
  #passing = false;
  /** Every item of a failed answer is still held (it stayed within the bound). */
  #whole = true;

  constructor(readonly maxBytes: number) {}

  /** The held items went out at the commit point; from then on items pass as they come. */
  get released(): boolean {
    return this.#released;
  }
  get passing(): boolean {
    return this.#passing;
  }

  /** Before the commit point: kept. True when the hold outgrew its bound (commit now). */
  hold(item: HeldItem, size: number): boolean {
    this.#keep(item, size);
    return this.#size > this.maxBytes;
  }

  /** At or after the commit point: everything held, the item last, the first time; then the item. */
  release(item: HeldItem, size: number): HeldItem[] {
    if (this.#released) return [item];
    this.#keep(item, size);
    return this.releaseHeld();
  }

  /** The commit point: everything held goes out. */
  releaseHeld(): HeldItem[] {
    this.#released = true;
    return this.#take();
  }

  /** An item of a failed answer: kept within the bound (else no longer whole); null until passing. */
  failed(item: HeldItem, size: number): HeldItem[] | null {
    if (this.#passing) return [item];
    if (this.#size + size <= this.maxBytes) this.#keep(item, size);
    else this.#whole = false;
    return null;
  }

  /** The failed answer, all of it, once; null when it is not whole or was taken already. */
  takeFailed(): HeldItem[] | null {
    if (this.#passing || !this.#whole) return null;
    this.#passing = true;
    return this.#take();
  }

  #keep(item: HeldItem, size: number): void {
    this.#items.push(item);
    this.#size += size;
  }

  #take(): HeldItem[] {
    const out = this.#items;
    this.#items = [];
    this.#size = 0;
    return out;
  }
}
