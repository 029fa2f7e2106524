/**
 * PII redaction cost (issue 7 and reliability case F15), measured in a child process with the
 * default policy's real detectors (bench/pii_measure.ts): a 100 KB request body redacted as the
 * request stage does it, and the streaming redactor's added time per delta event.
 */
import { join } from "node:path";
import type { BenchContext, ScenarioResult } from "../context.ts";
import { benchDir, spawnDeno } from "../proc.ts";
import type { LoadResult, Percentiles } from "../stats.ts";
import { startGatewayTarget } from "../baselines.ts";
import { saturate } from "../load.ts";
import { requestFor } from "../targets.ts";
import { ratio } from "./chat.ts";

type Timing = Percentiles & { mean: number };

interface PiiMeasurement {
  request_100kb: { body_bytes: number; with_pii: Timing; clean: Timing };
  stream: { events: number; counts: Record<string, number>; per_event: Timing };
}

/** Chat at saturation with every mode off, then with redact_upstream on requests and answers. */
async function throughput(ctx: BenchContext): Promise<Record<string, LoadResult>> {
  const out: Record<string, LoadResult> = {};
  const modes: [string, Record<string, unknown>][] = [
    ["off", { mode: "off" }],
    ["redact_upstream", { mode: "redact_upstream", replacement: { hash_salt: "bench-salt" } }],
  ];
  for (const [mode, pii] of modes) {
    const gw = await startGatewayTarget(ctx, `gateway (pii ${mode})`, { pii });
    try {
      out[mode] = await saturate(ctx, requestFor(gw), {
        connections: ctx.settings.connections,
        duration_s: ctx.settings.duration_s,
        warmup_s: ctx.settings.warmup_s,
      });
    } finally {
      await gw.stop();
    }
  }
  return out;
}

export async function piiScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const child = spawnDeno("pii_measure", join(benchDir, "pii_measure.ts"), [], {
    captureStdout: true,
  });
  const code = await child.status;
  const out = await child.stdout;
  if (code !== 0) throw new Error(`pii_measure exited with ${code}:\n${child.logs().slice(-2000)}`);
  const m = JSON.parse(out) as PiiMeasurement;
  const load = await throughput(ctx);
  const row = (name: string, t: Timing) => ({
    case: name,
    samples: t.count,
    "mean ms": t.mean,
    "p50 ms": t.p50,
    "p99 ms": t.p99,
    "max ms": t.max,
    "req/s": null,
    errors: 0,
  });
  const loadRow = (mode: string, r: LoadResult | undefined) => ({
    case: `gateway, chat at saturation, pii ${mode}`,
    samples: r?.requests ?? null,
    "mean ms": null,
    "p50 ms": r?.latency_ms.p50 ?? null,
    "p99 ms": r?.latency_ms.p99 ?? null,
    "max ms": r?.latency_ms.max ?? null,
    "req/s": r?.rps ?? null,
    errors: r?.errors ?? null,
  });
  return {
    id: "pii",
    title: "PII redaction (default policy, all built-in detectors)",
    status: "ok",
    rows: [
      row(
        `request body ${m.request_100kb.body_bytes} bytes, values to find`,
        m.request_100kb.with_pii,
      ),
      row(
        `request body ${m.request_100kb.body_bytes} bytes, nothing to find`,
        m.request_100kb.clean,
      ),
      row(`stream, per delta event (${m.stream.events} events)`, m.stream.per_event),
      loadRow("off", load.off),
      loadRow("redact_upstream", load.redact_upstream),
    ],
    raw: { load },
    figures: {
      request_100kb_p50_ms: m.request_100kb.with_pii.p50,
      request_100kb_p99_ms: m.request_100kb.with_pii.p99,
      request_100kb_clean_p99_ms: m.request_100kb.clean.p99,
      stream_event_p99_ms: m.stream.per_event.p99,
      chat_rps_pii_off: load.off?.rps ?? null,
      chat_rps_redact_upstream: load.redact_upstream?.rps ?? null,
      chat_ratio_redact_upstream_vs_off: ratio(load.redact_upstream?.rps, load.off?.rps),
    },
    notes: [
      "bytes in, bytes out, as the request stage of redact_upstream and block does it (UTF-8 decode, JSON lexer, detectors, placeholders, encode)",
      `stream: OpenAI chat deltas of one word each, an e-mail address and a card number split across events; found ${
        JSON.stringify(m.stream.counts)
      }`,
      `chat at saturation, ${ctx.settings.connections} connections: ${load.off?.rps} req/s with PII off, ${load.redact_upstream?.rps} req/s with redact_upstream (request and answer inspected; p99 ${load.off?.latency_ms.p99} vs ${load.redact_upstream?.latency_ms.p99} ms)`,
    ],
  };
}
