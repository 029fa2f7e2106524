/**
 * An OTLP/HTTP JSON collector for the `telemetry` scenario, on loopback: it answers every export
 * with 200 and keeps only counts. tests/support/otlp_receiver.ts keeps every body, which a
 * saturation run (tens of thousands of spans a second) cannot afford, and bench code does not
 * import test support.
 *
 * The server runs in a Worker (bench/otlp_sink_worker.ts), so reading ~50 MB of span JSON never
 * holds up the harness's event loop (the scraper, the timers). It still shares the machine's cores
 * with the gateway, which the run with telemetry off does not pay for; so it counts spans by
 * scanning for `"kind":N` and parses only one trace body in `fullParseEvery` fully, checking that
 * the scan agreed. Every body must also look like one JSON object (`{` ... `}`): a truncated body
 * fails that, a malformed one fails the full parse of its sample.
 */

/** One trace body in this many is parsed fully and its scanned counts checked against the parse. */
export const fullParseEvery = 8;

/** OTLP `Span.kind` numbers. */
const kindNames: Record<number, keyof SpanKinds> = { 1: "internal", 2: "server", 3: "client" };

export interface SpanKinds {
  server: number;
  client: number;
  internal: number;
  other: number;
}

export interface SinkCounts {
  /** POSTs to /v1/traces and /v1/metrics, and to anything else (a wrong URL). */
  trace_requests: number;
  metric_requests: number;
  other_requests: number;
  /** Bodies that were not OTLP/JSON, or whose scanned span kinds disagreed with a full parse. */
  bad_bodies: number;
  /** Trace bodies parsed fully (the others were counted by the scan alone). */
  parsed_trace_bodies: number;
  bytes: number;
  spans: SpanKinds;
}

export function emptyCounts(): SinkCounts {
  return {
    trace_requests: 0,
    metric_requests: 0,
    other_requests: 0,
    bad_bodies: 0,
    parsed_trace_bodies: 0,
    bytes: 0,
    spans: { server: 0, client: 0, internal: 0, other: 0 },
  };
}

interface OtlpTraces {
  resourceSpans?: { scopeSpans?: { spans?: { kind?: number }[] }[] }[];
}

const noSpans = (): SpanKinds => ({ server: 0, client: 0, internal: 0, other: 0 });

/** The spans of one parsed OTLP/JSON traces body, by kind. */
export function countSpans(body: OtlpTraces): SpanKinds {
  const into = noSpans();
  for (const rs of body.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) into[kindNames[span.kind ?? 0] ?? "other"]++;
    }
  }
  return into;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * The spans of one OTLP/JSON traces body by kind, without parsing it: every `"kind"` key followed
 * by a number. In OTLP/JSON only `Span.kind` has that key; `"kind"` as a string value is followed
 * by `,` or `}`, and inside a string its quotes are escaped, so neither matches. Null when a
 * `"kind":` key holds something other than a number (not OTLP/JSON, whose enums are integers).
 */
export function scanSpanKinds(raw: string): SpanKinds | null {
  const into = noSpans();
  let at = raw.indexOf('"kind"');
  while (at !== -1) {
    let i = at + 6;
    while (isSpace(raw.charCodeAt(i))) i++;
    if (raw.charCodeAt(i) === 58 /* : */) {
      i++;
      while (isSpace(raw.charCodeAt(i))) i++;
      const start = i;
      while (isDigit(raw.charCodeAt(i))) i++;
      if (i === start) return null;
      into[kindNames[Number(raw.slice(start, i))] ?? "other"]++;
    }
    at = raw.indexOf('"kind"', i);
  }
  return into;
}

/** `{` ... `}` around optional whitespace: what a complete JSON object body at least looks like. */
function looksLikeObject(raw: string): boolean {
  let a = 0, b = raw.length - 1;
  while (a < b && isSpace(raw.charCodeAt(a))) a++;
  while (b > a && isSpace(raw.charCodeAt(b))) b--;
  return raw.charCodeAt(a) === 123 && raw.charCodeAt(b) === 125;
}

const sameKinds = (a: SpanKinds, b: SpanKinds) =>
  a.server === b.server && a.client === b.client && a.internal === b.internal &&
  a.other === b.other;

function parses(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** Counts one POST into `c`; the status to answer: 200, or 400 for a body that is not OTLP/JSON. */
export function tally(c: SinkCounts, path: string, raw: string): 200 | 400 {
  c.bytes += raw.length;
  const bad = () => (c.bad_bodies++, 400 as const);
  if (!looksLikeObject(raw)) return bad();
  if (path === "/v1/traces") {
    const scanned = scanSpanKinds(raw);
    if (scanned === null) return bad();
    if ((c.trace_requests + c.bad_bodies) % fullParseEvery === 0) {
      const body = parses(raw);
      c.parsed_trace_bodies++;
      if (body === undefined || !sameKinds(countSpans(body as OtlpTraces), scanned)) return bad();
    }
    c.trace_requests++;
    for (const k of Object.keys(scanned) as (keyof SpanKinds)[]) c.spans[k] += scanned[k];
    return 200;
  }
  // Metric exports come a few a second at most: parse them all.
  if (parses(raw) === undefined) return bad();
  if (path === "/v1/metrics") c.metric_requests++;
  else c.other_requests++;
  return 200;
}

/** Messages between the harness and bench/otlp_sink_worker.ts. */
export type ToSink = { type: "counts" } | { type: "close" };
export type FromSink =
  | { type: "listening"; port: number }
  | { type: "counts"; counts: SinkCounts }
  | { type: "closed" };

export interface OtlpSink {
  /** host:port, as `observability.otel.endpoint` takes it. */
  endpoint: string;
  counts(): Promise<SinkCounts>;
  close(): Promise<void>;
}

/** Starts the collector in its own Worker; resolves once it listens. */
export async function startOtlpSink(): Promise<OtlpSink> {
  const worker = new Worker(new URL("./otlp_sink_worker.ts", import.meta.url).href, {
    type: "module",
  });
  // Requests are answered in order (one message loop), so one queue of waiters is enough.
  const waiting: { type: FromSink["type"]; resolve(m: FromSink): void; reject(e: Error): void }[] =
    [];
  let failure: Error | null = null;
  worker.onmessage = (e: MessageEvent<FromSink>) => {
    const i = waiting.findIndex((w) => w.type === e.data.type);
    if (i !== -1) waiting.splice(i, 1)[0]!.resolve(e.data);
  };
  worker.onerror = (e: ErrorEvent) => {
    e.preventDefault();
    failure = new Error(`the OTLP sink worker failed: ${e.message}`);
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  const next = <T extends FromSink["type"]>(type: T, send?: ToSink) =>
    new Promise<Extract<FromSink, { type: T }>>((resolve, reject) => {
      if (failure) return reject(failure);
      waiting.push({ type, resolve: (m) => resolve(m as Extract<FromSink, { type: T }>), reject });
      if (send) worker.postMessage(send);
    });
  let port: number;
  try {
    port = (await next("listening")).port;
  } catch (err) {
    worker.terminate();
    throw err;
  }
  return {
    endpoint: `127.0.0.1:${port}`,
    counts: async () => (await next("counts", { type: "counts" })).counts,
    async close() {
      try {
        if (!failure) await next("closed", { type: "close" });
      } finally {
        worker.terminate();
      }
    },
  };
}
