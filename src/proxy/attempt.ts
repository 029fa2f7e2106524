/**
 * One attempt: the request sent once to one upstream, and that upstream's answer as the gateway
 * reads it on the side (timings, the usage parser, the stored capture, the decoded copy of a
 * compressed body, byte and chunk counts). The exchange holds the attempt whose answer the client
 * gets; a retry or a fallback to another upstream would be a new attempt in its place.
 */
import type {
  PreparedRequest,
  ProviderAdapter,
  ResponseInfo,
  StreamFraming,
  UsageParser,
  UsageReport,
} from "../providers/mod.ts";
import {
  type DecodeLimits,
  type DecoderFormat,
  defaultDecodeLimits,
  SideDecoder,
} from "./side_decoder.ts";
import { BodyCapture } from "./tap.ts";
import type { AnswerTranslation } from "./translate_attempt.ts";

/** The exchange an attempt belongs to (an Exchange, without a per-attempt object). */
export interface AttemptContext {
  monotonic(): number;
  readonly adapter: ProviderAdapter;
  readonly req: Request;
  /** Monotonic ms when the client's request arrived: first-byte time counts from there. */
  readonly t0: number;
}

export class Attempt {
  #headersAt: number | null = null;
  #waitingSince: number | null = null;
  #status = 0;
  #streamKind: StreamFraming | null = null;
  #contentType: string | null = null;
  #headers: Headers | undefined;
  #contentEncoding: string | null = null;
  #parser: UsageParser | null = null;
  /** A parser fed elsewhere, with what the client gets (`adoptParser`). */
  #adopted: UsageParser | null = null;
  #capture: BodyCapture | null = null;
  #decoder: SideDecoder | null = null;
  #firstByte: number | null = null;
  #bytes = 0;
  #chunks = 0;
  #redacted = false;
  /** Monotonic ms when the attempt started (attempt records). */
  readonly startedAt: number;
  /** Set when the target speaks another protocol: the answer goes back translated. */
  translation: AnswerTranslation | null = null;

  constructor(
    private readonly ctx: AttemptContext,
    /** What is sent upstream, as the provider adapter prepared it. */
    readonly request: PreparedRequest,
    /** Upstream-relative path, e.g. `/v1/chat/completions`. */
    readonly path: string,
  ) {
    this.startedAt = ctx.monotonic();
  }

  /** When the upstream's headers arrived; null while waiting for them. */
  get headersAt(): number | null {
    return this.#headersAt;
  }
  /** Since when the gateway has been waiting for the next body chunk (see watchdog.ts). */
  get waitingSince(): number | null {
    return this.#waitingSince;
  }
  /** The upstream's status; 0 until its answer is read. */
  get status(): number {
    return this.#status;
  }
  /** The answer is a stream (of any framing: see `streamKind`). */
  get eventStream(): boolean {
    return this.#streamKind !== null;
  }
  /** How the answer's stream is framed, as the adapter reads its headers; null: no stream. */
  get streamKind(): StreamFraming | null {
    return this.#streamKind;
  }
  get contentType(): string | null {
    return this.#contentType;
  }
  /** The coding the upstream named; the body may no longer carry it (`upstream.decoded`). */
  get contentEncoding(): string | null {
    return this.#contentEncoding;
  }
  get capture(): BodyCapture | null {
    return this.#capture;
  }
  /** Ms from the client's request to the first body byte the client was given. */
  get firstByte(): number | null {
    return this.#firstByte;
  }
  get responseBytes(): number {
    return this.#bytes;
  }
  get chunks(): number {
    return this.#chunks;
  }
  /** The client got (and the capture holds) a redacted answer. */
  get redacted(): boolean {
    return this.#redacted;
  }

  headersArrived(): void {
    this.#headersAt = this.ctx.monotonic();
  }

  /** The answer will be read: its usage parser starts, with what the headers say. */
  reads(
    status: number,
    contentType: string | null,
    contentEncoding: string | null,
    headers?: Headers,
  ): void {
    this.#status = status;
    this.#headers = headers;
    this.#contentType = contentType;
    this.#contentEncoding = contentEncoding;
    const info = this.#info(status, contentType);
    this.#streamKind = this.ctx.adapter.streamKind(info);
    this.#parser = this.#adopted ?? this.ctx.adapter.createUsageParser(info);
  }

  /**
   * The usage parser of this answer is one that reads it already, fed with exactly the bytes the
   * client gets by its owner (a routed stream's framing, which also saw the held preamble): used
   * instead of a new one, and the chunks the client gets are not pushed into it a second time.
   * Built for the same response (path, status, content type, request): call before `reads`.
   */
  adoptParser(parser: UsageParser): void {
    this.#adopted = parser;
  }

  /** Keeps up to `max` bytes of the answer for the trace. */
  capturing(max: number): void {
    this.#capture = new BodyCapture(max);
  }

  /** The body is compressed: parser and capture read a decoded copy (see side_decoder.ts). */
  decodeOnTheSide(format: DecoderFormat, limits: DecodeLimits | undefined): void {
    this.#decoder = new SideDecoder(
      format,
      (decoded) => this.#observe(decoded),
      limits ?? defaultDecodeLimits,
      // Past a bound the copy ends: usage is unknown (with the reason) and the stored body cut.
      (reason) => {
        this.#parser?.stop(reason);
        this.#capture?.cut();
      },
    );
  }

  /** The gateway asks the upstream for more body; the idle limit runs until a chunk comes. */
  waitForUpstream(): void {
    this.#waitingSince = this.ctx.monotonic();
  }

  /**
   * A response chunk as the client gets it. The promise, when there is one, resolves once the
   * decoded copy has caught up with this chunk (see tap.ts).
   */
  onChunk(chunk: Uint8Array): Promise<void> | null {
    this.#waitingSince = null;
    if (this.#firstByte === null) this.#firstByte = this.ctx.monotonic() - this.ctx.t0;
    this.#bytes += chunk.byteLength;
    this.#chunks++;
    if (this.#decoder !== null) return this.#decoder.push(chunk);
    this.#observe(chunk);
    return null;
  }

  /** The usage parser reads bytes the client is not given (an answer refused after reading). */
  parseOnly(bytes: Uint8Array): void {
    if (this.#adopted === null) this.#parser?.push(bytes);
  }

  markRedacted(): void {
    this.#redacted = true;
  }

  #observe(content: Uint8Array): void {
    if (this.#adopted === null) this.#parser?.push(content);
    this.#capture?.add(content);
  }

  /**
   * The answer ended. With a side decoder, resolves once the decoded copy is complete, with
   * whether all of it was decoded; null when there is nothing to wait for.
   */
  ended(complete: boolean): Promise<boolean> | null {
    return this.#decoder === null ? null : this.#decoder.end(complete);
  }

  /**
   * Usage as read. With no answer read, the request still reached the provider (a timeout, a
   * client leaving, a shutdown) and may have been billed, unless `refused` says the upstream never
   * took it: the adapter's own rules say whether this endpoint carries usage, and if so it is
   * unknown, never "nothing billable".
   */
  report(complete: boolean, refused: boolean): UsageReport {
    if (this.#parser !== null) return this.#parser.finish(complete);
    if (refused) return noUsage;
    return this.ctx.adapter.createUsageParser(this.#info(200, null)).finish(false);
  }

  /** The one place this attempt's answer is described to the adapter. */
  #info(status: number, contentType: string | null): ResponseInfo {
    const info: ResponseInfo = {
      method: this.ctx.req.method,
      path: this.path,
      status,
      contentType,
      requestedStreaming: this.request.streaming,
      requestModel: this.request.model,
    };
    if (this.#headers !== undefined) info.headers = this.#headers;
    return info;
  }
}

export const noUsage: UsageReport = { model: null, usage: null, status: "none", parseErrors: 0 };
