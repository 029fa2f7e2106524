/**
 * The request and response bodies a trace stores: capped at `tracing.body_max_size`, redacted
 * under the request's PII policy where the upstream stages did not already do it, and with the
 * provider key scrubbed out. Kept apart from the exchange so its lifecycle stays readable; the
 * exchange asks for the bodies once, when it ends.
 */
import { Buffer } from "node:buffer";
import { decodesAsIs } from "../bytes.ts";
import type { StoredScrubber } from "../secrets/mod.ts";
import type { ProviderAdapter } from "../providers/mod.ts";
import {
  redactSseTextSteps,
  redactStoredBody,
  type StorageDropReason,
  type StoredBody,
  type StreamRedactor,
} from "../pii/mod.ts";
import { type HeaderPairs, headerValue } from "./headers.ts";
import { scrubKey, withoutCutCharacter } from "./stored_body.ts";
import type { BodyCapture } from "./tap.ts";
import type { ExchangePii } from "./exchange_pii.ts";

/** The capture may hold a redaction margin beyond the cap: what is stored never does. */
function capped(bytes: Uint8Array, max: number, truncated: boolean): StoredBody {
  if (bytes.byteLength <= max) return { bytes, truncated };
  return { bytes: withoutCutCharacter(bytes.subarray(0, max)).slice(), truncated: true };
}

/** The stream engine over a whole captured event stream, for stored copies. */
export function storedStreamRedactor(adapter: ProviderAdapter): StreamRedactor | undefined {
  const locate = adapter.locateStreamText;
  if (locate === undefined) return undefined;
  return (text, rules, meter) =>
    redactSseTextSteps(text, { locate, rules, mode: "redact", budget: meter.budget }, meter);
}

/** The parts of the exchange's config that decide what is stored. */
export interface TraceBodiesContext {
  captureBodies: boolean;
  bodyMaxSize: number;
  storedSecrets?: StoredScrubber;
}

/**
 * The exchange as the stored bodies see it, read when it ends: by then the upstream stages have
 * said whether they redacted already.
 */
export interface TraceBodiesSource {
  /** Only its headers are read (the request body's content type). */
  readonly req: Pick<Request, "headers">;
  readonly route: { readonly adapter: ProviderAdapter };
  readonly requestBody: Uint8Array<ArrayBuffer> | null;
  readonly capture: BodyCapture | null;
  readonly responseRedacted: boolean;
  readonly responseHeaders: HeaderPairs | null;
}

export class TraceBodies {
  /** Why a stored body was dropped rather than stored unredacted (the first reason only). */
  piiDropped: StorageDropReason | null = null;
  /** Stored bodies redacted before the trace is built (see `redactStored`). */
  #storedRequest: StoredBody | null = null;
  #storedResponse: StoredBody | null = null;

  constructor(
    private readonly ctx: TraceBodiesContext,
    private readonly x: TraceBodiesSource,
    /** The exchange's PII state: what storage redaction finds is added to its counts. */
    private readonly pii: ExchangePii,
  ) {}

  /** The stored copy of this side still needs redacting (the upstream stage did not do it). */
  redactsStored(side: "request_body" | "response_body"): boolean {
    const applied = this.pii.applied;
    if (applied === null || !applied.policy.stages[side]) return false;
    return side === "request_body"
      ? this.pii.redactedRequestBody === null
      : !this.x.responseRedacted;
  }

  redactStored(): Promise<unknown> | null {
    const waits: Promise<unknown>[] = [];
    if (
      this.ctx.captureBodies && this.x.requestBody !== null && this.redactsStored("request_body")
    ) {
      const type = this.x.req.headers.get("content-type");
      const r = this.#redacted(this.x.requestBody, type, false);
      if (r instanceof Promise) waits.push(r.then((b) => (this.#storedRequest = b)));
      else this.#storedRequest = r;
    }
    if (this.x.capture !== null && this.redactsStored("response_body")) {
      if (this.#unlocatedStream()) {
        // Event by event, a value split across two chunks would be stored in pieces: no copy.
        this.piiDropped ??= "uninspectable";
        return waits.length === 0 ? null : Promise.all(waits);
      }
      const r = this.#redacted(
        this.x.capture.bytes(),
        headerValue(this.x.responseHeaders ?? [], "content-type"),
        this.x.capture.truncated,
        storedStreamRedactor(this.x.route.adapter),
      );
      if (r instanceof Promise) waits.push(r.then((b) => (this.#storedResponse = b)));
      else this.#storedResponse = r;
    }
    return waits.length === 0 ? null : Promise.all(waits);
  }

  /** An event stream of a wire format without text locations: not redactable. */
  #unlocatedStream(): boolean {
    if (this.x.route.adapter.locateStreamText !== undefined) return false;
    const type = headerValue(this.x.responseHeaders ?? [], "content-type") ?? "";
    return type.toLowerCase().includes("text/event-stream");
  }

  storedResponseBody(rawKey: string | null): StoredBody | null {
    if (this.x.capture === null) return null;
    const stored = this.redactsStored("response_body")
      ? this.#storedResponse
      : capped(this.x.capture.bytes(), this.ctx.bodyMaxSize, this.x.capture.truncated);
    return withoutKey(stored, rawKey);
  }

  #redacted(
    bytes: Uint8Array,
    contentType: string | null,
    truncated: boolean,
    sse?: StreamRedactor,
  ): StoredBody | null | Promise<StoredBody | null> {
    // Configured secrets go first: a detector replacing part of one (an e-mail address inside
    // a passphrase key) would leave the rest for the trace builder's scrubber to miss.
    const clean = this.ctx.storedSecrets?.body(bytes, false) ?? bytes;
    const outcome = redactStoredBody(clean, contentType, this.pii.applied!, {
      max: this.ctx.bodyMaxSize,
      truncated,
      sse,
      counts: this.pii.counts,
      budget: this.pii.scanBudget,
    });
    const stored = (o: StoredBody | StorageDropReason): StoredBody | null => {
      if (typeof o !== "string") return o;
      this.piiDropped ??= o;
      return null;
    };
    return outcome instanceof Promise ? outcome.then(stored) : stored(outcome);
  }

  /**
   * `altered`: the stored copy is not the bytes the client sent (PII redaction, the key scrubbed
   * out, a compressed body, bytes the store cannot keep as text), so a replay of it would not be
   * the same request (the trace says so; see api/replay_plan.ts). A cut copy is `truncated`,
   * which says it already.
   */
  storedRequestBody(rawKey: string | null): StoredRequestBody | null {
    const received = this.x.requestBody;
    if (!this.ctx.captureBodies || received === null) return null;
    const encoded = (this.x.req.headers.get("content-encoding") ?? "identity").trim()
      .toLowerCase() !== "identity";
    if (this.redactsStored("request_body")) {
      const stored = withoutKey(this.#storedRequest, rawKey);
      if (stored === null) return null;
      const altered = encoded || !sameBytes(stored.bytes, received) || !decodesAsIs(stored.bytes);
      return { ...stored, altered };
    }
    const body = this.pii.redactedRequestBody ?? received;
    const truncated = body.byteLength > this.ctx.bodyMaxSize;
    const kept = truncated ? withoutCutCharacter(body.subarray(0, this.ctx.bodyMaxSize)) : body;
    // A view would carry its whole buffer into the store worker: copy just the kept bytes.
    const whole = kept.byteOffset === 0 && kept.byteLength === kept.buffer.byteLength;
    const copy = whole ? kept : kept.slice();
    const bytes = scrubKey(copy, rawKey);
    // `scrubKey` returns its input when the key is not in it: most bodies need no comparison.
    const altered = encoded || ((body !== received || bytes !== copy) &&
      !sameBytes(bytes, received)) ||
      !decodesAsIs(bytes);
    return { bytes, truncated, altered };
  }
}

/** A stored request body, and whether it differs from the bytes received. */
export interface StoredRequestBody extends StoredBody {
  altered: boolean;
}

/** Byte equality in native code (bodies may be megabytes). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
    .equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** The stored copy with the exchange's own provider key replaced, whatever its shape. */
function withoutKey(stored: StoredBody | null, rawKey: string | null): StoredBody | null {
  return stored && { bytes: scrubKey(stored.bytes, rawKey), truncated: stored.truncated };
}
