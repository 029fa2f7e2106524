/**
 * PII counters: derived from the finished trace (mode and counts per detector), never a value;
 * table-driven over trace records, then through an in-process gateway whose scrape endpoint is on
 * with OTLP export off (`observability.prometheus.enabled`).
 */
import assert from "node:assert/strict";
import { createGatewayMetrics } from "../../src/telemetry/mod.ts";
import type { Trace, TraceErrorCode } from "../../src/traces/mod.ts";
import { startHarness } from "../support/gateway_harness.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { parseScrape, sample } from "./scrape.ts";

const findings = "ongoingai_pii_findings_total";
const blocked = "ongoingai_pii_blocked_requests_total";
const storageDropped = "ongoingai_pii_storage_dropped_total";

interface Row {
  name: string;
  traces: Partial<Trace>[];
  want: [string, Record<string, string>, number][];
  /** Series of these families beyond `want` must not exist. */
  only?: boolean;
}

const meta = (mode: string, counts: Record<string, unknown>) => ({
  redaction_mode: mode,
  redaction_counts: counts,
});
const refused = (code: TraceErrorCode, provider = "openai"): Partial<Trace> => ({
  provider,
  error_code: code,
  metadata: meta("block", {}),
});

const rows: Row[] = [
  {
    name: "counts per detector and mode add up across traces",
    traces: [
      { metadata: meta("redact_storage", { email: 2, phone: 1 }) },
      { metadata: meta("redact_storage", { email: 3 }) },
      { metadata: meta("redact_upstream", { credit_card: 1, field_name: 4 }) },
    ],
    want: [
      [findings, { type: "email", action: "redact_storage" }, 5],
      [findings, { type: "phone", action: "redact_storage" }, 1],
      [findings, { type: "credit_card", action: "redact_upstream" }, 1],
      [findings, { type: "field_name", action: "redact_upstream" }, 4],
    ],
    only: true,
  },
  {
    name: "mode off, no counts, zero and malformed counts record nothing",
    traces: [
      { metadata: meta("off", {}) },
      { metadata: {} },
      { metadata: meta("redact_storage", { email: 0, phone: -1, ssn: "2" }) },
      { metadata: meta("bogus_mode", { email: 1 }) },
      { metadata: { redaction_mode: "block", redaction_counts: null } },
    ],
    want: [],
    only: true,
  },
  {
    name: "refusals by provider and reason; other errors are not refusals",
    traces: [
      { ...refused("pii_blocked"), metadata: meta("block", { email: 1 }) },
      refused("pii_blocked", "anthropic"),
      refused("pii_uninspectable"),
      { error_code: "upstream_timeout" },
    ],
    want: [
      [findings, { type: "email", action: "block" }, 1],
      [blocked, { provider: "openai", reason: "pii_detected" }, 1],
      [blocked, { provider: "anthropic", reason: "pii_detected" }, 1],
      [blocked, { provider: "openai", reason: "uninspectable" }, 1],
    ],
    only: true,
  },
  {
    name: "refusals past the scan budget, and stored bodies dropped, by reason",
    traces: [
      {
        ...refused("pii_uninspectable"),
        metadata: { ...meta("redact_upstream", {}), redaction_scan_budget_exceeded: "findings" },
      },
      {
        metadata: {
          ...meta("redact_storage", { email: 2 }),
          redaction_storage_drop: true,
          redaction_storage_drop_reason: "scan_budget_time",
        },
      },
      {
        metadata: {
          ...meta("redact_storage", {}),
          redaction_storage_drop: true,
          redaction_storage_drop_reason: "not_utf8",
        },
      },
    ],
    want: [
      [findings, { type: "email", action: "redact_storage" }, 2],
      [blocked, { provider: "openai", reason: "scan_budget" }, 1],
      [storageDropped, { reason: "scan_budget_time" }, 1],
      [storageDropped, { reason: "not_utf8" }, 1],
    ],
    only: true,
  },
];

for (const row of rows) {
  Deno.test(`pii metrics: ${row.name}`, () => {
    const m = createGatewayMetrics({ snapshot: () => writerSnapshot() });
    for (const t of row.traces) m.recordTrace(makeTrace(t));
    const scrape = parseScrape(m.renderPrometheus());
    for (const [name, l, value] of row.want) {
      assert.equal(scrape.get(sample(name, l)), value, sample(name, l));
    }
    if (row.only) {
      const ours = [...scrape.keys()].filter((k) => k.startsWith("ongoingai_pii_"));
      assert.deepEqual(ours.sort(), row.want.map(([n, l]) => sample(n, l)).sort());
    }
  });
}

Deno.test("pii metrics: a custom detector flood is bounded by the series limit", () => {
  const m = createGatewayMetrics({ snapshot: () => writerSnapshot() }, {
    maxSeriesPerInstrument: 3,
  });
  for (let i = 0; i < 10; i++) {
    m.recordTrace(makeTrace({ metadata: meta("block", { [`custom_${i}`]: 1 }) }));
  }
  const scrape = parseScrape(m.renderPrometheus());
  const series = [...scrape.keys()].filter((k) => k.startsWith(`${findings}{`));
  assert.equal(series.length, 4, "three named series, then one `other` keeping the action");
  assert.equal(scrape.get(sample(findings, { type: "other", action: "block" })), 7);
});

const email = "jane.doe@example.com";
const openaiHeaders = {
  "content-type": "application/json",
  authorization: "Bearer sk-proj-CLIENTKEY000000000000000000000000",
};
const chat = (content: string) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });

Deno.test("pii metrics: a gateway in block mode counts findings and refusals, scrape on with OTel off", async () => {
  const h = await startHarness({
    tracing: { capture_bodies: true },
    pii: { mode: "block", replacement: { hash_salt: "test-salt-0123456789" } },
    observability: { otel: { enabled: false }, prometheus: { enabled: true } },
  });
  try {
    const sends = [`write to ${email} and to ${email}`, "nothing personal here"];
    const statuses: number[] = [];
    for (const content of sends) {
      const res = await h.request("/openai/v1/chat/completions", {
        method: "POST",
        headers: openaiHeaders,
        body: chat(content),
      });
      await res.body?.cancel();
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [403, 200]);
    await h.tracesSettled(2);
    const res = await h.request("/metrics");
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(!text.includes(email), "a found value never reaches the scrape");
    const scrape = parseScrape(text);
    assert.equal(scrape.get(sample(findings, { type: "email", action: "block" })), 2);
    assert.equal(scrape.get(sample(blocked, { provider: "openai", reason: "pii_detected" })), 1);
    // OTLP export is off: no exporter declared its series.
    assert.ok(![...scrape.keys()].some((k) => k.startsWith("ongoingai_otel_export_")));
  } finally {
    await h.close();
  }
});
