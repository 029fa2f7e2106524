/**
 * A Prometheus scraper for the `telemetry` scenario: reads the gateway's scrape endpoint every
 * interval while the load runs, as a Prometheus server would, so the endpoint's cost is in the
 * measured figures; the last scrape gives the span exporter's own counters.
 */
import { type Percentiles, percentiles, Samples } from "./stats.ts";

export const spanOutcomeMetric = "ongoingai_otel_export_spans_total";

/** `name{outcome="x"} value` samples of one counter, by outcome (Prometheus text format 0.0.4). */
export function counterByOutcome(text: string, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  const re = new RegExp(`^${name}\\{([^}]*)\\}\\s+(\\S+)`);
  for (const line of text.split("\n")) {
    const m = re.exec(line);
    if (m === null) continue;
    const outcome = /(?:^|,)outcome="([^"]*)"/.exec(m[1]!)?.[1];
    if (outcome !== undefined) out[outcome] = (out[outcome] ?? 0) + Number(m[2]);
  }
  return out;
}

export interface ScrapeSummary {
  scrapes: number;
  /** Non-2xx answers and connection failures. */
  failures: number;
  first_failure: string | null;
  /** Time of one scrape, request to last byte. */
  scrape_ms: Percentiles;
  /** `ongoingai_otel_export_spans_total` by outcome at the last successful scrape. */
  spans_by_outcome: Record<string, number>;
}

export interface Scraper {
  /** One more scrape (after the load, once the queue settled), then the summary. */
  stop(): Promise<ScrapeSummary>;
}

export function startScraper(url: string, intervalMs: number): Scraper {
  const times = new Samples();
  const s = { scrapes: 0, failures: 0, first_failure: null as string | null };
  let last: Record<string, number> = {};
  const scrape = async () => {
    const t0 = performance.now();
    try {
      const res = await fetch(url);
      const text = await res.text();
      if (!res.ok) throw new Error(`answered ${res.status}: ${text.slice(0, 200)}`);
      times.push(performance.now() - t0);
      s.scrapes++;
      last = counterByOutcome(text, spanOutcomeMetric);
    } catch (err) {
      s.failures++;
      s.first_failure ??= err instanceof Error ? err.message : String(err);
    }
  };
  // One scrape at a time: a tick that finds the last one unanswered is skipped, not queued.
  let inflight: Promise<void> | null = null;
  const timer = setInterval(() => {
    inflight ??= scrape().finally(() => (inflight = null));
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await inflight;
      await scrape();
      return { ...s, scrape_ms: percentiles(times.values()), spans_by_outcome: last };
    },
  };
}
