/**
 * What every scenario receives (settings of the run, the tools found, the shared stub) and what
 * it returns. Smoke settings exercise every path in seconds; full settings are the measurement.
 */
import type { TraceAccount } from "./gateway.ts";

export interface Settings {
  mode: "full" | "smoke";
  /** Length of one saturation measurement. */
  duration_s: number;
  /** Load before each measurement, discarded (JIT, connection pools). */
  warmup_s: number;
  connections: number;
  latency: { duration_s: number; warmup_s: number };
  stream: {
    duration_s: number;
    warmup_s: number;
    concurrency: number;
    chunks: number;
    interval_ms: number;
  };
  large: {
    duration_s: number;
    connections: number;
    cases: { bytes: number; kind: "json" | "sse" }[];
  };
  traces_s: number;
  streams: { count: number; chunks: number; interval_ms: number };
  store: { traces: number; batch: number };
  analytics: { traces: number };
}

export function settingsFor(mode: "full" | "smoke", duration?: number): Settings {
  const mb = 1048576;
  if (mode === "smoke") {
    const d = duration ?? 0.5;
    return {
      mode,
      duration_s: d, // below wrk's shortest run (1 s): the Deno client; traces_s keeps wrk in use
      warmup_s: 0,
      connections: 8,
      latency: { duration_s: d, warmup_s: 0.1 },
      stream: { duration_s: d, warmup_s: 0.1, concurrency: 2, chunks: 4, interval_ms: 20 },
      large: {
        duration_s: d,
        connections: 2,
        cases: [{ bytes: mb, kind: "json" }, { bytes: 10 * mb, kind: "sse" }],
      },
      traces_s: Math.max(1, d),
      streams: { count: 200, chunks: 3, interval_ms: 50 },
      store: { traces: 2048, batch: 512 },
      analytics: { traces: 20_000 },
    };
  }
  const d = duration ?? 10;
  return {
    mode,
    duration_s: d,
    warmup_s: Math.min(2, d / 2),
    connections: 32,
    latency: { duration_s: d, warmup_s: Math.min(2, d / 2) },
    stream: {
      duration_s: d,
      warmup_s: Math.min(2, d / 2),
      concurrency: 8,
      chunks: 20,
      interval_ms: 20,
    },
    large: {
      duration_s: Math.max(1, Math.round(d / 2)),
      connections: 4,
      cases: [
        { bytes: mb, kind: "json" },
        { bytes: mb, kind: "sse" },
        { bytes: 10 * mb, kind: "json" },
        { bytes: 10 * mb, kind: "sse" },
      ],
    },
    traces_s: 2 * d,
    streams: { count: 200, chunks: Math.max(10, d * 10), interval_ms: 100 },
    store: { traces: 100_000, batch: 512 },
    analytics: { traces: 1_000_000 },
  };
}

export interface BenchContext {
  settings: Settings;
  tmpDir: string;
  stubOrigin: string;
  stubPid: number;
  wrk: string | null;
  nginx: { bin: string; version: string } | null;
  /** Why there is no nginx baseline, when there is none. */
  nginxSkipped: string | null;
  /** Gateway saturation rate measured by `chat`, reused to set the moderate load. */
  gatewayRps: number | null;
  /** Saturation rate of `traces_sqlite`, for `traces_postgres.ratio_vs_sqlite`. */
  tracesSqliteRps: number | null;
  /** Trace accounting of every gateway instance of the run. */
  accounts: TraceAccount[];
}

export type Cell = string | number | boolean | null;

export interface ScenarioResult {
  id: string;
  title: string;
  status: "ok" | "skipped" | "failed";
  /** Why it was skipped or what failed. */
  reason?: string;
  /** One row per target or case; the markdown table takes its columns from the keys. */
  rows: Record<string, Cell>[];
  /** Named figures that the goals and comparisons read. */
  figures: Record<string, number | boolean | null>;
  notes: string[];
  /** Full measurements, for whoever wants more than the table. */
  raw?: unknown;
}
