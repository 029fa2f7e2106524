/**
 * PII redaction cost (issue 7 and reliability case F15), measured in a child process with the
 * default policy's real detectors (bench/pii_measure.ts): a 100 KB request body redacted as the
 * request stage does it, and the streaming redactor's added time per delta event.
 */
import { join } from "node:path";
import type { BenchContext, ScenarioResult } from "../context.ts";
import { benchDir, spawnDeno } from "../proc.ts";
import type { Percentiles } from "../stats.ts";

type Timing = Percentiles & { mean: number };

interface PiiMeasurement {
  request_100kb: { body_bytes: number; with_pii: Timing; clean: Timing };
  stream: { events: number; counts: Record<string, number>; per_event: Timing };
}

export async function piiScenario(_ctx: BenchContext): Promise<ScenarioResult> {
  const child = spawnDeno("pii_measure", join(benchDir, "pii_measure.ts"), [], {
    captureStdout: true,
  });
  const code = await child.status;
  const out = await child.stdout;
  if (code !== 0) throw new Error(`pii_measure exited with ${code}:\n${child.logs().slice(-2000)}`);
  const m = JSON.parse(out) as PiiMeasurement;
  const row = (name: string, t: Timing) => ({
    case: name,
    samples: t.count,
    "mean ms": t.mean,
    "p50 ms": t.p50,
    "p99 ms": t.p99,
    "max ms": t.max,
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
    ],
    figures: {
      request_100kb_p50_ms: m.request_100kb.with_pii.p50,
      request_100kb_p99_ms: m.request_100kb.with_pii.p99,
      request_100kb_clean_p99_ms: m.request_100kb.clean.p99,
      stream_event_p99_ms: m.stream.per_event.p99,
    },
    notes: [
      "bytes in, bytes out, as the request stage of redact_upstream and block does it (UTF-8 decode, JSON lexer, detectors, placeholders, encode)",
      `stream: OpenAI chat deltas of one word each, an e-mail address and a card number split across events; found ${
        JSON.stringify(m.stream.counts)
      }`,
    ],
  };
}
