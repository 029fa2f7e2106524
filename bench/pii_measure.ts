/**
 * Measures PII redaction outside the gateway (issue 7, reliability case F15), with the default
 * policy's real detectors, and prints JSON for `bench/scenarios/pii.ts`:
 * - a 100 KB chat request redacted as the request stage does it (bytes in, bytes out), with a
 *   few values to find and with none;
 * - a recorded-shape stream of token-sized delta events through the streaming redactor, per event.
 */
import { validateConfig } from "../src/config/mod.ts";
import { compilePolicies, redactBodyBytes } from "../src/pii/mod.ts";
import { SseRedactorEngine } from "../src/pii/stream/mod.ts";
import { providerAdapters } from "../src/providers/mod.ts";
import { chatRequest } from "../tests/pii/redact_fixture.ts";
import { percentiles, round3 } from "./stats.ts";

const result = validateConfig(
  { pii: { mode: "redact_upstream", replacement: { hash_salt: "b" } } },
  { env: {} },
);
if (!result.ok) throw new Error(JSON.stringify(result.errors));
const policies = compilePolicies(result.config.pii, result.config.pii_mode);
const rules = policies.rulesFor(policies.base, "default");
const encoder = new TextEncoder();

function timeEach(n: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function summary(ms: number[]) {
  return { ...percentiles(ms), mean: round3(ms.reduce((a, b) => a + b, 0) / ms.length) };
}

const withPii = chatRequest(100_000);
const clean = withPii.replaceAll("@", " at ").replaceAll("sk-proj-", "key ");
const bodies = { with_pii: encoder.encode(withPii), clean: encoder.encode(clean) };
const found = redactBodyBytes(bodies.with_pii, "application/json", rules);
if ("failed" in found || !found.changed) throw new Error("the body's values were not found");

const request: Record<string, unknown> = { body_bytes: bodies.with_pii.byteLength };
for (const [name, bytes] of Object.entries(bodies)) {
  timeEach(50, () => redactBodyBytes(bytes, "application/json", rules)); // warm up the JIT
  request[name] = summary(timeEach(500, () => redactBodyBytes(bytes, "application/json", rules)));
}

// About 2,000 events of a chat stream, a token each, with an address and a card number split
// across events, as a model would write them.
const words = ("Here is the summary you asked for. The account owner can be reached at " +
  "maria.lopez@example.org and paid with 4539 1488 0343 6467 last month. ").split(/(?= )/);
const events: Uint8Array[] = [];
for (let i = 0; events.length < 2000; i++) {
  const piece = words[i % words.length]!;
  const data = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1700000000,
    model: "gpt-4o-mini-2024-07-18",
    choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }],
  };
  events.push(encoder.encode(`data: ${JSON.stringify(data)}\n\n`));
}
const adapter = providerAdapters.openai;
const streamRun = () => {
  const engine = new SseRedactorEngine({
    locate: adapter.locateStreamText!,
    rules,
    mode: "redact",
  });
  const times = events.map((ev) => {
    const t0 = performance.now();
    engine.push(ev);
    return performance.now() - t0;
  });
  engine.end();
  return { times, counts: engine.counts };
};
streamRun(); // warm up
const streamed = streamRun();

console.log(JSON.stringify({
  request_100kb: request,
  stream: { events: events.length, counts: streamed.counts, per_event: summary(streamed.times) },
}));
