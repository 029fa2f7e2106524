/**
 * OTLP/HTTP span export (JSON or protobuf, `otlp_codec.ts`) off the request path: `add` only
 * pushes into a bounded buffer; a timer sends batches, one request at a time, each bounded by
 * `export_timeout_ms`. A collector that is down or slow costs requests nothing: batches that fail
 * are dropped and counted, and the log says so at most once a minute. A full buffer drops new
 * spans and counts.
 */
import { otlpBaseUrl } from "../config/mod.ts";
import type { Logger } from "../log/mod.ts";
import { type OtlpBody, type OtlpProtocol, type TraceCodec, traceCodec } from "./otlp_codec.ts";
import type { OtlpResource } from "./otlp_encode.ts";
import { scrubValue } from "./scrub.ts";
import type { SpanData } from "./spans.ts";

/** `{base}/v1/{signal}`, keeping a base path (a collector behind a path prefix). */
export function signalUrl(
  endpoint: string,
  insecure: boolean,
  signal: "traces" | "metrics",
): string {
  const url = otlpBaseUrl(endpoint, insecure);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/v1/${signal}`;
  return url.toString();
}

/** `{base}/v1/traces`. */
export function tracesUrl(endpoint: string, insecure: boolean): string {
  return signalUrl(endpoint, insecure, "traces");
}

export interface OtlpPosterOptions {
  url: string;
  timeoutMs: number;
  log: Logger;
  /** The warning logged (at most once a minute) when a request fails. */
  failureMessage: string;
  /** Of every body posted (the codec's); default `application/json`. */
  contentType?: string;
  /** Sent on every request (collector auth); values may be credentials, so never logged. */
  headers?: Readonly<Record<string, string>> | undefined;
  fetch?: typeof fetch;
  /** For the failure log's rate limit; default `performance.now`. */
  monotonic?: () => number;
}

const failureLogEveryMs = 60_000;

/**
 * One OTLP/HTTP request at a time, shared by the span and metric exporters: bounded by the
 * export timeout, never rejects, and a failure is logged (scrubbed, without the URL's user
 * info) at most once a minute with how many failed since the last line.
 */
export class OtlpPoster {
  readonly url: string;
  readonly #shownUrl: string;
  readonly #opts: OtlpPosterOptions;
  readonly #fetch: typeof fetch;
  readonly #monotonic: () => number;
  #lastFailureLog = -Infinity;
  #failuresSinceLog = 0;

  constructor(opts: OtlpPosterOptions) {
    this.url = opts.url;
    const shown = new URL(opts.url);
    shown.username = "";
    shown.password = "";
    this.#shownUrl = shown.toString();
    this.#opts = opts;
    this.#fetch = opts.fetch ?? fetch;
    this.#monotonic = opts.monotonic ?? performance.now.bind(performance);
  }

  /**
   * True when the collector accepted the body; `extra` adds fields to a failure's log line.
   * `timeoutMs` (at most the export timeout) shortens this one request, as at shutdown.
   */
  async post(
    body: OtlpBody,
    extra: () => Record<string, unknown>,
    timeoutMs = this.#opts.timeoutMs,
  ): Promise<boolean> {
    try {
      const res = await this.#fetch(this.url, {
        method: "POST",
        // The config refuses content-type here; spread first so ours would win anyway.
        headers: {
          ...this.#opts.headers,
          "content-type": this.#opts.contentType ?? "application/json",
        },
        body,
        // Never followed: `fetch` would take the spans, and every credential header but
        // `Authorization`, to whatever origin the redirect names.
        redirect: "manual",
        signal: AbortSignal.timeout(Math.max(1, Math.min(timeoutMs, this.#opts.timeoutMs))),
      });
      await res.body?.cancel();
      if (res.status >= 300 && res.status < 400) {
        throw new Error(
          `collector answered ${res.status}, a redirect, which is not followed: set observability.otel.endpoint to the collector's final URL`,
        );
      }
      if (!res.ok) throw new Error(`collector answered ${res.status}`);
      return true;
    } catch (err) {
      this.#logFailure(err, extra);
      return false;
    }
  }

  #logFailure(err: unknown, extra: () => Record<string, unknown>): void {
    this.#failuresSinceLog++;
    const now = this.#monotonic();
    if (now - this.#lastFailureLog < failureLogEveryMs) return;
    this.#opts.log.warn(this.#opts.failureMessage, {
      endpoint: this.#shownUrl,
      error: scrubValue(err instanceof Error ? err.message : String(err)).slice(0, 300),
      failed_exports: this.#failuresSinceLog,
      ...extra(),
    });
    this.#lastFailureLog = now;
    this.#failuresSinceLog = 0;
  }
}

export type OtlpSignal = "traces" | "metrics";
export const exportRequestOutcomes = ["success", "failure"] as const;
export const spanOutcomes = ["exported", "dropped", "failed"] as const;

/**
 * Where the exporters report what happened, as it happens (the gateway's registry:
 * `export_metrics.ts`). `n` = 0 declares a series, so a scrape shows `failure 0` from the start.
 */
export interface ExportRecorder {
  requests(signal: OtlpSignal, outcome: (typeof exportRequestOutcomes)[number], n?: number): void;
  spans(outcome: (typeof spanOutcomes)[number], n: number): void;
}

/** Declares every series of `signal` at zero. */
export function declareExportSeries(recorder: ExportRecorder, signal: OtlpSignal): void {
  for (const outcome of exportRequestOutcomes) recorder.requests(signal, outcome, 0);
  if (signal === "traces") { for (const outcome of spanOutcomes) recorder.spans(outcome, 0); }
}

export interface SpanExportStats {
  /** Spans the collector accepted. */
  exported: number;
  /** Spans dropped because the buffer was full. */
  dropped: number;
  /** Export requests that failed (unreachable, timeout, non-2xx). */
  failed_exports: number;
  /** Spans lost with those requests. */
  failed_spans: number;
  /** Spans waiting in the buffer. */
  buffered: number;
}

export interface OtlpTraceExporterOptions {
  endpoint: string;
  insecure: boolean;
  timeoutMs: number;
  resource: OtlpResource;
  log: Logger;
  /** Sent with every export request, beside content-type. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The encoding; default `http/json`. */
  protocol?: OtlpProtocol;
  fetch?: typeof fetch;
  /** Default 2048 spans. */
  maxBuffer?: number;
  /** Default 512 spans per request. */
  batchSize?: number;
  /** Default 1000 ms. */
  intervalMs?: number;
  /** For the failure log's rate limit; default `performance.now`. */
  monotonic?: () => number;
  /** Self-metrics: requests and spans by outcome. */
  recorder?: ExportRecorder | undefined;
}

export class OtlpTraceExporter {
  readonly url: string;
  readonly #opts: OtlpTraceExporterOptions;
  readonly #poster: OtlpPoster;
  readonly #maxBuffer: number;
  readonly #batchSize: number;
  readonly #codec: TraceCodec<unknown>;
  /** Spans already encoded by the codec (JSON text or protobuf bytes), not an object graph. */
  #buffer: unknown[] = [];
  #inflight: Promise<void> | null = null;
  #timer: ReturnType<typeof setInterval> | null;
  #closed = false;
  #shutdown: Promise<void> | null = null;
  /** Monotonic ms by which shutdown gives up on what is still buffered; null until then. */
  #deadline: number | null = null;
  readonly #monotonic: () => number;
  readonly #stats = { exported: 0, dropped: 0, failed_exports: 0, failed_spans: 0 };

  constructor(opts: OtlpTraceExporterOptions) {
    this.url = tracesUrl(opts.endpoint, opts.insecure);
    this.#opts = opts;
    this.#monotonic = opts.monotonic ?? performance.now.bind(performance);
    this.#codec = traceCodec(opts.protocol ?? "http/json");
    this.#poster = new OtlpPoster({
      url: this.url,
      timeoutMs: opts.timeoutMs,
      log: opts.log,
      failureMessage: "OpenTelemetry span export failed; spans dropped and counted",
      contentType: this.#codec.contentType,
      headers: opts.headers,
      ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
      ...(opts.monotonic === undefined ? {} : { monotonic: opts.monotonic }),
    });
    if (opts.recorder !== undefined) declareExportSeries(opts.recorder, "traces");
    this.#maxBuffer = opts.maxBuffer ?? 2048;
    this.#batchSize = opts.batchSize ?? 512;
    const timer = setInterval(() => void this.flush(), opts.intervalMs ?? 1000);
    // The timer alone must not keep the process (or a finished test) alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Never blocks and never throws: a full buffer drops the new spans and counts them. */
  add(spans: readonly SpanData[]): void {
    const room = this.#closed ? 0 : Math.max(0, this.#maxBuffer - this.#buffer.length);
    const dropped = Math.max(0, spans.length - room);
    this.#drop(dropped);
    if (this.#closed) return;
    const n = Math.min(room, spans.length);
    for (let i = 0; i < n; i++) {
      // A span the codec cannot encode (a malformed id) is dropped and counted, not thrown.
      try {
        this.#buffer.push(this.#codec.span(spans[i]!));
      } catch {
        this.#drop(1);
      }
    }
    if (this.#buffer.length >= this.#batchSize && this.#inflight === null) void this.flush();
  }

  stats(): SpanExportStats {
    return { ...this.#stats, buffered: this.#buffer.length };
  }

  /** Sends what is buffered, a batch at a time; resolves when done (never rejects). */
  flush(): Promise<void> {
    if (this.#inflight !== null) return this.#inflight;
    if (this.#buffer.length === 0) return Promise.resolve();
    this.#inflight = this.#drain().finally(() => (this.#inflight = null));
    return this.#inflight;
  }

  /**
   * Stops the timer and sends what is left within one export timeout: a request under way may
   * finish, then what is still buffered goes out until the timeout has passed or a request
   * fails (the collector is down: waiting once per batch would only delay the exit). Spans left
   * then are dropped and counted. So shutdown takes at most twice `export_timeout_ms`, however
   * full the buffer. Later calls return the same promise.
   */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      if (this.#timer !== null) clearInterval(this.#timer);
      this.#timer = null;
      this.#deadline = this.#monotonic() + this.#opts.timeoutMs;
      await this.#inflight;
      await this.flush();
      this.#closed = true;
      // Anything added while the last batch was out (the buffer is empty unless it gave up).
      this.#drop(this.#buffer.splice(0).length);
    })();
    return this.#shutdown;
  }

  #drop(n: number): void {
    if (n <= 0) return;
    this.#stats.dropped += n;
    this.#opts.recorder?.spans("dropped", n);
  }

  async #drain(): Promise<void> {
    while (this.#buffer.length > 0) {
      const left = this.#deadline === null ? Infinity : this.#deadline - this.#monotonic();
      if (left <= 0) return this.#drop(this.#buffer.splice(0).length);
      const batch = this.#buffer.splice(0, this.#batchSize);
      const sent = await this.#send(batch, left);
      if (!sent && this.#deadline !== null) return this.#drop(this.#buffer.splice(0).length);
    }
  }

  async #send(batch: unknown[], timeoutMs: number): Promise<boolean> {
    const { resource } = this.#opts;
    const body = this.#codec.request(batch, resource, resource.serviceVersion);
    const ok = await this.#poster.post(body, () => ({
      failed_spans_total: this.#stats.failed_spans + batch.length,
    }), timeoutMs);
    if (ok) {
      this.#stats.exported += batch.length;
      this.#opts.recorder?.requests("traces", "success");
      this.#opts.recorder?.spans("exported", batch.length);
    } else {
      this.#stats.failed_exports++;
      this.#stats.failed_spans += batch.length;
      this.#opts.recorder?.requests("traces", "failure");
      this.#opts.recorder?.spans("failed", batch.length);
    }
    return ok;
  }
}
