/**
 * The soak's load: a mix of OpenAI and Anthropic chat, plain JSON and paced SSE streams, taken
 * in turn. Unlike wrk, it finishes every request it starts before it returns, so "requests sent"
 * is an exact count that the gateway's trace figures must equal; a streamed answer counts as an
 * error unless its terminal event arrived. Counters are live, so the soak reads them as it goes.
 */
import type { RequestSpec } from "./client_stream.ts";
import { type Percentiles, percentiles, Samples } from "./stats.ts";
import { requestFor, type Target } from "./targets.ts";

export interface Shape {
  name: string;
  req: RequestSpec;
  /** Text that the end of the body must contain (the stream's terminal event), if any. */
  endsWith: string | null;
}

/** Four shapes: non-streamed and streamed (5 events 5 ms apart) chat, OpenAI and Anthropic. */
export function mixedShapes(gateway: Target): Shape[] {
  const stream = { stream: "paced", chunks: 5, "interval-ms": 5 };
  return [
    { name: "openai json", req: requestFor(gateway, { api: "openai" }), endsWith: null },
    { name: "anthropic json", req: requestFor(gateway, { api: "anthropic" }), endsWith: null },
    {
      name: "openai stream",
      req: requestFor(gateway, { api: "openai", stream: true, bench: stream }),
      endsWith: "data: [DONE]",
    },
    {
      name: "anthropic stream",
      req: requestFor(gateway, { api: "anthropic", stream: true, bench: stream }),
      endsWith: `{"type":"message_stop"}`,
    },
  ];
}

export class LoadCounters {
  sent = 0;
  ok = 0;
  errors = 0;
  /** Paced: sends that went out late because the connection's previous answer took too long. */
  late = 0;
  firstError: string | null = null;
  latency = new Samples();
  get inflight(): number {
    return this.sent - this.ok - this.errors;
  }
  latencyMs(): Percentiles {
    return percentiles(this.latency.values());
  }
}

const requestTimeoutMs = 30_000;

async function once(shape: Shape, counters: LoadCounters, client: Deno.HttpClient): Promise<void> {
  counters.sent++;
  const t = performance.now();
  try {
    const res = await fetch(shape.req.url, {
      client,
      method: "POST",
      headers: shape.req.headers,
      body: shape.req.body,
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const body = await res.text();
    if (res.status < 200 || res.status > 299) {
      throw new Error(`${shape.name}: status ${res.status}: ${body.slice(0, 200)}`);
    }
    if (shape.endsWith !== null && !body.trimEnd().endsWith(shape.endsWith)) {
      throw new Error(`${shape.name}: stream ended without its last event: ${body.slice(-200)}`);
    }
    counters.ok++;
    counters.latency.push(performance.now() - t);
  } catch (err) {
    counters.errors++;
    counters.firstError ??= err instanceof Error ? err.message : String(err);
  }
}

/**
 * `connections` workers, each with its own HTTP client holding one keep-alive connection, so
 * the gateway sees exactly that many client connections for the whole run (the shared fetch
 * pool would grow and shrink with bursts and blur the file descriptor figures). The clients
 * are closed at the end, so their connections do not outlive the phase.
 */
async function workers(
  connections: number,
  work: (send: (counters: LoadCounters) => Promise<void>) => Promise<void>,
  shapes: Shape[],
): Promise<void> {
  let turn = 0;
  await Promise.all(Array.from({ length: connections }, async () => {
    const client = Deno.createHttpClient({ poolMaxIdlePerHost: 1 });
    try {
      await work((counters) => once(shapes[turn++ % shapes.length]!, counters, client));
    } finally {
      client.close();
    }
  }));
}

/** Closed loop (saturation): every connection sends its next request as soon as one ends. */
export async function closedLoop(
  shapes: Shape[],
  opts: { connections: number; duration_s: number },
  counters: LoadCounters,
): Promise<void> {
  const end = performance.now() + opts.duration_s * 1000;
  await workers(opts.connections, async (send) => {
    while (performance.now() < end) await send(counters);
  }, shapes);
}

/**
 * `rate` req/s in all for the duration: each connection sends on its own schedule of
 * exponentially distributed gaps (so arrivals are close to Poisson), at once when it is behind
 * (counted in `late`). Returns once every request sent has finished.
 */
export async function pacedLoop(
  shapes: Shape[],
  opts: { rate: number; duration_s: number; connections: number },
  counters: LoadCounters,
): Promise<void> {
  const meanGapMs = (opts.connections * 1000) / opts.rate;
  const end = performance.now() + opts.duration_s * 1000;
  await workers(opts.connections, async (send) => {
    let next = performance.now() + Math.random() * meanGapMs;
    while (next < end) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else counters.late++;
      await send(counters);
      next += -Math.log(1 - Math.random()) * meanGapMs;
    }
  }, shapes);
}
