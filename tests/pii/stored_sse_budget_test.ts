/**
 * Review of issue 16 item 2 (adversarial): the stored copy of a streamed answer. Under
 * `redact_storage` a captured event stream is redacted by the stream engine; it ran in one
 * synchronous step outside `pii.scan_budget`, so an upstream stalled the event loop with a capture
 * of blank lines (1 MiB of CRs: 1.5 s; 4 MiB: 3.2 s) or of dense addresses (4 MiB: 1.7 s), and a
 * capture with more findings than the budget was stored anyway. Blank lines also cost a whole
 * event each in the splitter (256 MiB of CRs in flight: 130 s of CPU under `redact_upstream`).
 */
import assert from "node:assert/strict";
import { validateConfig } from "../../src/config/mod.ts";
import { drive, Meter } from "../../src/pii/budget.ts";
import { compilePolicies } from "../../src/pii/mod.ts";
import type { AppliedPolicy } from "../../src/pii/policy.ts";
import { redactBodySteps } from "../../src/pii/redact_body.ts";
import { redactStoredBody } from "../../src/pii/storage.ts";
import { SseSplitter } from "../../src/pii/stream/sse_frames.ts";
import { createSseRedactor } from "../../src/pii/stream/mod.ts";
import { storedStreamRedactor } from "../../src/proxy/trace_bodies.ts";
import { openAiAdapter } from "../../src/providers/openai.ts";

function applied(): AppliedPolicy {
  const result = validateConfig({
    pii: { mode: "redact_storage", replacement: { hash_salt: "s" } },
  }, { env: {} });
  if (!result.ok) throw new Error("config");
  const p = compilePolicies(result.config.pii, result.config.pii_mode);
  return {
    mode: "redact_storage",
    policy: p.base,
    rules: p.rulesFor(p.base, "default"),
  } as AppliedPolicy;
}
const policy = applied();
const sse = storedStreamRedactor(openAiAdapter)!;
const enc = new TextEncoder();

const chunk = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`;
/** An OpenAI stream with `n` addresses, one per event. */
const addresses = (n: number) =>
  Array.from({ length: n }, (_, i) => chunk(`mail user${i}@example.com `)).join("") +
  "data: [DONE]\n\n";

Deno.test("stored event stream: past the findings budget the copy is dropped with the reason", async () => {
  const out = await redactStoredBody(enc.encode(addresses(2_000)), "text/event-stream", policy, {
    max: 1 << 20,
    truncated: false,
    counts: {},
    sse,
    budget: { timeMs: 60_000, maxFindings: 1_000 },
  });
  // Not the stored body itself in the message: a diff of a large buffer takes minutes.
  assert.equal(typeof out === "string" ? out : "stored", "scan_budget_findings");
});

Deno.test("stored event stream: under the budget, redacted as the stream engine does", async () => {
  const counts: Record<string, number> = {};
  const out = await redactStoredBody(enc.encode(addresses(500)), "text/event-stream", policy, {
    max: 1 << 20,
    truncated: false,
    counts,
    sse,
    budget: { timeMs: 60_000, maxFindings: 1_000 },
  });
  assert.ok(typeof out === "object");
  const text = new TextDecoder().decode(out.bytes);
  assert.doesNotMatch(text, /user\d+@example/);
  assert.equal(counts.email, 500);
});

Deno.test("stored event stream: redacted in slices (the event loop gets turns)", async () => {
  // A clock that advances with every look: the work must ask to pause many times.
  let t = 0;
  const meter = new Meter({ sliceMs: 5, now: () => t++ });
  const bytes = enc.encode(addresses(2_000) + "\r".repeat(200_000));
  const steps = redactBodySteps(bytes, "text/event-stream", policy.rules, {
    sse: (text, m) => sse(text, policy.rules, m),
  }, meter);
  const result = await drive(steps, meter, () => Promise.resolve());
  assert.ok("bytes" in result && result.changed);
  assert.ok(meter.slices >= 4, `${meter.slices} slices`);
});

Deno.test("SseSplitter: a run of blank lines is one empty event, not one per line", () => {
  for (const run of ["\r", "\n", "\r\n"]) {
    const events: Uint8Array[] = [];
    const splitter = new SseSplitter(1 << 20);
    const input = enc.encode(`data: a\n\n${run.repeat(100_000)}data: b\n\n`);
    splitter.push(input, { event: (raw) => events.push(raw.slice()), lateLf() {} });
    assert.ok(events.length <= 4, `${JSON.stringify(run)}: ${events.length} events`);
    // Every byte is still passed on, in order.
    const joined = new Uint8Array(events.reduce((n, e) => n + e.length, 0));
    let at = 0;
    for (const e of events) joined.set(e, (at += e.length) - e.length);
    assert.deepEqual(joined, input);
  }
});

Deno.test("stream redactor: runs of blank lines give the same output in any chunking", async () => {
  const input = `data: a\r\r\r\n\n${
    chunk("x user1@example.com y")
  }\r\n\r\n\r\r\n\ndata: [DONE]\n\n\r`;
  const outputs: string[] = [];
  for (const size of [input.length, 1, 2, 3, 7]) {
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < input.length; i += size) pieces.push(enc.encode(input.slice(i, i + size)));
    const redactor = createSseRedactor({
      locate: openAiAdapter.locateStreamText!,
      rules: policy.rules,
      mode: "redact",
    });
    const out = await new Response(ReadableStream.from(pieces).pipeThrough(redactor)).text();
    assert.doesNotMatch(out, /user1@/);
    outputs.push(out);
  }
  for (const out of outputs) assert.equal(out, outputs[0]);
  // The blank lines themselves come out as they came in.
  assert.ok(outputs[0]!.startsWith("data: a\r\r\r\n\n"));
  assert.ok(outputs[0]!.includes("\r\n\r\n\r\r\n\n"), "the run after the event is kept");
});

/** One OpenAI event whose delta holds `n` addresses. */
const denseEvent = (n: number) =>
  chunk(Array.from({ length: n }, (_, i) => `u${i}@example.com`).join(" ")) + "data: [DONE]\n\n";

Deno.test("stream redactor in flight: past the findings budget the stream stops, nothing raw sent", async () => {
  // One event of 7 MiB of addresses was redacted in one synchronous step: 4.4 s with every
  // other request waiting. The findings budget now bounds the step.
  let stopped: string | null = null;
  const redactor = createSseRedactor({
    locate: openAiAdapter.locateStreamText!,
    rules: policy.rules,
    mode: "redact",
    budget: { timeMs: 5_000, maxFindings: 1_000 },
    onStopped: (code) => (stopped = code),
  });
  const out = await new Response(
    ReadableStream.from([enc.encode(denseEvent(5_000))]).pipeThrough(redactor),
  ).text();
  assert.equal(stopped, "pii_scan_budget_exceeded");
  assert.doesNotMatch(out, /@example\.com/);
  assert.match(out, /pii_scan_budget_exceeded/);
});

Deno.test("stream redactor in flight: under the findings budget nothing changes", async () => {
  const redactor = createSseRedactor({
    locate: openAiAdapter.locateStreamText!,
    rules: policy.rules,
    mode: "redact",
    budget: { timeMs: 5_000, maxFindings: 1_000 },
  });
  const out = await new Response(
    ReadableStream.from([enc.encode(denseEvent(900))]).pipeThrough(redactor),
  ).text();
  assert.doesNotMatch(out, /@example\.com/);
  assert.equal(out.match(/EMAIL_REDACTED/g)?.length, 900);
  assert.match(out, /\[DONE\]/);
});
