/**
 * OTLP/HTTP metric push (JSON or protobuf, `otlp_codec.ts`), off the request path: a timer
 * collects the registry every `metric_export_interval_ms` and sends one cumulative snapshot, one
 * request at a time, bounded by `export_timeout_ms`; `shutdown` sends a last one. Requests never
 * wait on it. A failed push is counted and logged at most once a minute (the span exporter's
 * `OtlpPoster`); the next push carries the cumulative values again, so nothing is lost but
 * resolution.
 */
import type { Logger } from "../log/mod.ts";
import { type MetricsCodec, metricsCodec, type OtlpBody, type OtlpProtocol } from "./otlp_codec.ts";
import type { OtlpResource } from "./otlp_encode.ts";
import {
  declareExportSeries,
  type ExportRecorder,
  OtlpPoster,
  signalUrl,
} from "./otlp_exporter.ts";
import type { MetricFamily } from "./registry.ts";

export interface MetricExportStats {
  /** Snapshots the collector accepted. */
  exported: number;
  /** Pushes that failed (unreachable, timeout, non-2xx). */
  failed_exports: number;
}

export interface OtlpMetricExporterOptions {
  endpoint: string;
  insecure: boolean;
  timeoutMs: number;
  intervalMs: number;
  resource: OtlpResource;
  log: Logger;
  /** The registry snapshot (`GatewayMetrics.collect`; every isolate's with `server.workers`). */
  collect: () => MetricFamily[] | Promise<MetricFamily[]>;
  /** When the registry began counting (wall ms). */
  startMs: number;
  /** Sent with every push, beside content-type. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The encoding; default `http/json`. */
  protocol?: OtlpProtocol;
  /** Wall clock in ms; default `Date.now`. */
  now?: () => number;
  fetch?: typeof fetch;
  monotonic?: () => number;
  /** Self-metrics: pushes by outcome. */
  recorder?: ExportRecorder | undefined;
}

export class OtlpMetricExporter {
  readonly url: string;
  readonly #opts: OtlpMetricExporterOptions;
  readonly #poster: OtlpPoster;
  readonly #now: () => number;
  readonly #codec: MetricsCodec;
  #inflight: Promise<void> | null = null;
  #timer: ReturnType<typeof setInterval> | null;
  #shutdown: Promise<void> | null = null;
  readonly #stats: MetricExportStats = { exported: 0, failed_exports: 0 };

  constructor(opts: OtlpMetricExporterOptions) {
    this.url = signalUrl(opts.endpoint, opts.insecure, "metrics");
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#codec = metricsCodec(opts.protocol ?? "http/json");
    this.#poster = new OtlpPoster({
      contentType: this.#codec.contentType,
      url: this.url,
      timeoutMs: opts.timeoutMs,
      log: opts.log,
      failureMessage: "OpenTelemetry metric export failed; the next push carries the totals",
      headers: opts.headers,
      ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
      ...(opts.monotonic === undefined ? {} : { monotonic: opts.monotonic }),
    });
    if (opts.recorder !== undefined) declareExportSeries(opts.recorder, "metrics");
    const timer = setInterval(() => void this.exportNow(), opts.intervalMs);
    // The timer alone must not keep the process (or a finished test) alive.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  stats(): MetricExportStats {
    return { ...this.#stats };
  }

  /** Collects and pushes one snapshot; joins a push under way. Never rejects. */
  exportNow(): Promise<void> {
    if (this.#inflight !== null) return this.#inflight;
    this.#inflight = this.#push().finally(() => (this.#inflight = null));
    return this.#inflight;
  }

  /** Stops the timer and pushes a last snapshot (bounded by the export timeout). Idempotent. */
  shutdown(): Promise<void> {
    this.#shutdown ??= (async () => {
      if (this.#timer !== null) clearInterval(this.#timer);
      this.#timer = null;
      await this.#inflight;
      await this.exportNow();
    })();
    return this.#shutdown;
  }

  async #push(): Promise<void> {
    let body: OtlpBody;
    try {
      const times = { startMs: this.#opts.startMs, nowMs: this.#now() };
      const { resource } = this.#opts;
      const families = await this.#opts.collect();
      body = this.#codec.request(families, resource, resource.serviceVersion, times);
    } catch (err) {
      this.#failed();
      this.#opts.log.warn("OpenTelemetry metric collection failed", {
        error: err instanceof Error ? err.message.slice(0, 300) : "unknown",
      });
      return;
    }
    if (await this.#poster.post(body, () => ({}))) {
      this.#stats.exported++;
      this.#opts.recorder?.requests("metrics", "success");
    } else this.#failed();
  }

  #failed(): void {
    this.#stats.failed_exports++;
    this.#opts.recorder?.requests("metrics", "failure");
  }
}
