import type { SpanData } from "../../src/telemetry/mod.ts";

/** A finished server span, distinct per `i`, for exporter tests. */
export function spanData(i: number): SpanData {
  return {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: (i + 1).toString(16).padStart(16, "0"),
    parentSpanId: null,
    name: "POST /openai/*",
    kind: "server",
    startMs: 1_700_000_000_000 + i,
    endMs: 1_700_000_000_100 + i,
    attributes: {},
    status: { code: "unset" },
  };
}
