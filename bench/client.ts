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
  | {
    mode: "open";
    req: RequestSpec;
    rate: number;
    duration_s: number;
    warmup_s: number;
    /** Every answer must contain each of these (else it counts as an error); absent: no check. */
    expect?: string[];
  }
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
  /** Request sent to first body byte, of the completed requests. */
  ttfb_ms: Percentiles;
  /** Of the errors: 2xx answers without an `expect`ed string. */
  mismatched: number;
  first_error: string | null;
}

export type ClientResult = LoadResult | OpenResult | StreamResult;

const requestTimeoutMs = 30_000;
const maxInflight = 2048;
/** Bodies kept for an `expect` check (the translate scenario's answers are a few KB). */
const maxCheckedBytes = 1 << 20;

interface Answer {
  status: number;
  ok: boolean;
  bytes: number;
  /** From `t0` to the first body byte (-1: no body). */
  ttfbMs: number;
  /** Why a 2xx answer is not what `expect` says; null: it is (or nothing was expected). */
  mismatch: string | null;
}

/** One request read to its end; with `expect`, its body is kept and checked. */
async function once(req: RequestSpec, t0: number, expect?: string[]): Promise<Answer> {
  const res = await fetch(req.url, {
    method: "POST",
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  let bytes = 0, ttfbMs = -1;
  const dec = expect ? new TextDecoder() : null;
  let text = "";
  if (res.body) {
    for await (const c of res.body) {
      if (ttfbMs < 0) ttfbMs = performance.now() - t0;
      bytes += c.byteLength;
      if (dec && bytes <= maxCheckedBytes) text += dec.decode(c, { stream: true });
    }
  }
  const ok = res.status >= 200 && res.status < 300;
  let mismatch: string | null = null;
  if (ok && expect) {
    const missing = expect.find((e) => !text.includes(e));
    if (missing !== undefined) mismatch = `answer without ${missing}: ${text.slice(0, 300)}`;
  }
  return { status: res.status, ok, bytes, ttfbMs, mismatch };
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
          const r = await once(spec.req, t);
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
    const ttfb = new Samples();
    const lag = new Samples();
    let errors = 0, overload = 0, inflight = 0, mismatched = 0;
    let firstError: string | null = null;
    const fail = (why: string) => {
      errors++;
      firstError ??= why;
    };
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
        const p: Promise<void> = once(spec.req, t, spec.expect).then(
          (r) => {
            if (!r.ok) return fail(`status ${r.status}`);
            if (r.mismatch !== null) return mismatched++, fail(r.mismatch);
            latency.push(performance.now() - t);
            if (r.ttfbMs >= 0) ttfb.push(r.ttfbMs);
          },
          (err) => fail(String(err)),
        ).finally(() => {
          inflight--;
          pending.delete(p);
        });
        pending.add(p);
      }
      await new Promise((r) => setTimeout(r, Math.max(1, next - performance.now())));
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - t0) / 1000;
    return { latency, ttfb, lag, errors, overload, mismatched, firstError, elapsed };
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
    ttfb_ms: percentiles(p.ttfb.values()),
    mismatched: p.mismatched,
    first_error: p.firstError,
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
