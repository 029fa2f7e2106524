/**
 * An OTLP/HTTP JSON collector for the `telemetry` scenario, on loopback: it answers every export
 * with 200 and keeps only counts. tests/support/otlp_receiver.ts keeps every body, which a
 * saturation run (tens of thousands of spans a second) cannot afford, and bench code does not
 * import test support.
 */

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
  /** Bodies that were not JSON (the gateway only speaks OTLP/JSON). */
  bad_bodies: number;
  bytes: number;
  spans: SpanKinds;
}

interface OtlpTraces {
  resourceSpans?: { scopeSpans?: { spans?: { kind?: number }[] }[] }[];
}

/** Adds the spans of one OTLP/JSON traces body to `into`, by kind. */
export function countSpans(body: OtlpTraces, into: SpanKinds): void {
  for (const rs of body.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) into[kindNames[span.kind ?? 0] ?? "other"]++;
    }
  }
}

export interface OtlpSink {
  /** host:port, as `observability.otel.endpoint` takes it. */
  endpoint: string;
  counts(): SinkCounts;
  close(): Promise<void>;
}

export function startOtlpSink(): OtlpSink {
  const c: SinkCounts = {
    trace_requests: 0,
    metric_requests: 0,
    other_requests: 0,
    bad_bodies: 0,
    bytes: 0,
    spans: { server: 0, client: 0, internal: 0, other: 0 },
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const raw = await req.text();
    c.bytes += raw.length;
    const path = new URL(req.url).pathname;
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      c.bad_bodies++;
      return new Response("expected OTLP/JSON", { status: 400 });
    }
    if (path === "/v1/traces") {
      c.trace_requests++;
      countSpans(body as OtlpTraces, c.spans);
    } else if (path === "/v1/metrics") c.metric_requests++;
    else c.other_requests++;
    return Response.json({});
  });
  return {
    endpoint: `127.0.0.1:${server.addr.port}`,
    counts: () => structuredClone(c),
    close: () => server.shutdown(),
  };
}
