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
    /**
     * Other requests sent in turn with `req`, send by send (`rate` is the total), so that every
     * one sees the same machine; each has its result in `alternates`.
     */
    alternates?: { req: RequestSpec; expect?: string[] }[];
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
  /** The results of `alternates`, in order (the fields above are `req`'s). */
  alternates?: OpenResult[];
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

/** The answers of one request of an open loop. */
class OpenTally {
  latency = new Samples();
  ttfb = new Samples();
  errors = 0;
  overload = 0;
  mismatched = 0;
  firstError: string | null = null;
  constructor(readonly req: RequestSpec, readonly expect: string[] | undefined) {}
  fail(why: string) {
    this.errors++;
    this.firstError ??= why;
  }
}

async function open(spec: Extract<ClientSpec, { mode: "open" }>): Promise<OpenResult> {
  const intervalMs = 1000 / spec.rate;
  const phase = async (seconds: number) => {
    const tallies = [{ req: spec.req, expect: spec.expect }, ...(spec.alternates ?? [])]
      .map((a) => new OpenTally(a.req, a.expect));
    const lag = new Samples();
    let inflight = 0, sent = 0;
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
        const tally = tallies[sent++ % tallies.length]!;
        if (inflight >= maxInflight) {
          tally.overload++;
          continue;
        }
        inflight++;
        const t = performance.now();
        const p: Promise<void> = once(tally.req, t, tally.expect).then(
          (r) => {
            if (!r.ok) return tally.fail(`status ${r.status}`);
            if (r.mismatch !== null) return tally.mismatched++, tally.fail(r.mismatch);
            tally.latency.push(performance.now() - t);
            if (r.ttfbMs >= 0) tally.ttfb.push(r.ttfbMs);
          },
          (err) => tally.fail(String(err)),
        ).finally(() => {
          inflight--;
          pending.delete(p);
        });
        pending.add(p);
      }
      await new Promise((r) => setTimeout(r, Math.max(1, next - performance.now())));
    }
    await Promise.all(pending);
    return { tallies, lag, elapsed: (performance.now() - t0) / 1000 };
  };
  if (spec.warmup_s > 0) await phase(spec.warmup_s);
  const p = await phase(spec.duration_s);
  const results = p.tallies.map((t): OpenResult => ({
    rate_target: spec.rate / p.tallies.length,
    rate_achieved: round1(t.latency.length / p.elapsed),
    completed: t.latency.length,
    errors: t.errors,
    overload: t.overload,
    latency_ms: percentiles(t.latency.values()),
    dispatch_lag_ms: percentiles(p.lag.values()),
    ttfb_ms: percentiles(t.ttfb.values()),
    mismatched: t.mismatched,
    first_error: t.firstError,
  }));
  return spec.alternates ? { ...results[0]!, alternates: results.slice(1) } : results[0]!;
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
