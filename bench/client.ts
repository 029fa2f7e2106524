/**
 * The harness's own load generator, run as a separate process and answering with one JSON
 * document on stdout. Modes:
 * - `closed`: N connections back to back for a duration (saturation when wrk is missing);
 * - `open`: requests sent at a fixed rate whatever the answers take (added latency at a given
 *   load; wrk is closed-loop and cannot do this);
 * - `stream` and `streams`: paced SSE streams (see client_stream.ts).
 *
 * Usage: deno run -A bench/client.ts '<spec as JSON>'
 */
import {
  type ConcurrentSpec,
  measureConcurrent,
  measureStreams,
  type RequestSpec,
  type StreamResult,
  type StreamSpec,
} from "./client_stream.ts";
import { type LoadResult, type Percentiles, percentiles, round1, Samples } from "./stats.ts";

export type ClientSpec =
  | { mode: "closed"; req: RequestSpec; connections: number; duration_s: number; warmup_s: number }
  | { mode: "open"; req: RequestSpec; rate: number; duration_s: number; warmup_s: number }
  | ({ mode: "stream" } & StreamSpec)
  | ({ mode: "streams" } & ConcurrentSpec);

export interface OpenResult {
  rate_target: number;
  rate_achieved: number;
  completed: number;
  errors: number;
  /** Sends skipped because too many requests were already waiting: the target was overloaded. */
  overload: number;
  latency_ms: Percentiles;
  /** How late the generator itself sent, relative to the schedule. */
  dispatch_lag_ms: Percentiles;
}

export type ClientResult = LoadResult | OpenResult | StreamResult;

const requestTimeoutMs = 30_000;
const maxInflight = 2048;

/** One request read to its end; resolves with ok and the body size. */
async function once(req: RequestSpec): Promise<{ ok: boolean; bytes: number }> {
  const res = await fetch(req.url, {
    method: "POST",
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  let bytes = 0;
  if (res.body) { for await (const c of res.body) bytes += c.byteLength; }
  return { ok: res.status >= 200 && res.status < 300, bytes };
}

async function closed(spec: Extract<ClientSpec, { mode: "closed" }>): Promise<LoadResult> {
  const phase = async (seconds: number) => {
    const latency = new Samples();
    let errors = 0, timeouts = 0, bytes = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    await Promise.all(Array.from({ length: spec.connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        try {
          const r = await once(spec.req);
          bytes += r.bytes;
          if (r.ok) latency.push(performance.now() - t);
          else errors++;
        } catch (err) {
          if (err instanceof DOMException && err.name === "TimeoutError") timeouts++;
          else errors++;
        }
      }
    }));
    const elapsed = (performance.now() - t0) / 1000;
    return { latency, errors, timeouts, bytes, elapsed };
  };
  if (spec.warmup_s > 0) await phase(spec.warmup_s);
  const p = await phase(spec.duration_s);
  const requests = p.latency.length + p.errors;
  return {
    tool: "deno-client",
    requests,
    duration_s: Math.round(p.elapsed * 100) / 100,
    rps: round1(requests / p.elapsed),
    mb_per_s: round1(p.bytes / p.elapsed / 1048576),
    latency_ms: percentiles(p.latency.values()),
    errors: p.errors,
    timeouts: p.timeouts,
  };
}

async function open(spec: Extract<ClientSpec, { mode: "open" }>): Promise<OpenResult> {
  const intervalMs = 1000 / spec.rate;
  const phase = async (seconds: number) => {
    const latency = new Samples();
    const lag = new Samples();
    let errors = 0, overload = 0, inflight = 0;
    const pending = new Set<Promise<void>>();
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    let next = t0;
    while (next < end) {
      const now = performance.now();
      // Timers fire with millisecond granularity: send everything that is due, then sleep.
      while (next <= now && next < end) {
        lag.push(now - next);
        next += intervalMs;
        if (inflight >= maxInflight) {
          overload++;
          continue;
        }
        inflight++;
        const t = performance.now();
        const p: Promise<void> = once(spec.req).then(
          (r) => r.ok ? latency.push(performance.now() - t) : void errors++,
          () => void errors++,
        ).finally(() => {
          inflight--;
          pending.delete(p);
        });
        pending.add(p);
      }
      await new Promise((r) => setTimeout(r, Math.max(1, next - performance.now())));
    }
    await Promise.all(pending);
    return { latency, lag, errors, overload, elapsed: (performance.now() - t0) / 1000 };
  };
  if (spec.warmup_s > 0) await phase(spec.warmup_s);
  const p = await phase(spec.duration_s);
  return {
    rate_target: spec.rate,
    rate_achieved: round1(p.latency.length / p.elapsed),
    completed: p.latency.length,
    errors: p.errors,
    overload: p.overload,
    latency_ms: percentiles(p.latency.values()),
    dispatch_lag_ms: percentiles(p.lag.values()),
  };
}

export function runClient(spec: ClientSpec): Promise<ClientResult> {
  switch (spec.mode) {
    case "closed":
      return closed(spec);
    case "open":
      return open(spec);
    case "stream":
      return measureStreams(spec);
    case "streams":
      return measureConcurrent(spec);
  }
}

if (import.meta.main) {
  const spec = JSON.parse(Deno.args[0] ?? "{}") as ClientSpec;
  console.log(JSON.stringify(await runClient(spec)));
}
