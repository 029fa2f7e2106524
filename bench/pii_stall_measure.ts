/**
 * Redaction time against the number of findings (issue 16, item 2), outside the gateway, with the
 * default policy's real detectors: one JSON request whose single string holds N e-mail addresses,
 * redacted whole (no budget) as `redactBodyBytes` does it, and again in slices as the gateway
 * runs it (`drive`, a turn of the event loop between slices of 10 ms). Prints JSON for
 * `bench/scenarios/pii_stall.ts`. Usage: `deno run -A bench/pii_stall_measure.ts 10000,100000`.
 */
import { validateConfig } from "../src/config/mod.ts";
import { compilePolicies, redactBodyBytes } from "../src/pii/mod.ts";
import { drive, Meter } from "../src/pii/budget.ts";
import { redactBodySteps } from "../src/pii/redact_body.ts";

const result = validateConfig(
  { pii: { mode: "redact_upstream", replacement: { hash_salt: "b" } } },
  { env: {} },
);
if (!result.ok) throw new Error(JSON.stringify(result.errors));
const policies = compilePolicies(result.config.pii, result.config.pii_mode);
const rules = policies.rulesFor(policies.base, "default");

/** A chat request whose one message holds `n` addresses separated by spaces. */
export function emailsRequest(n: number): Uint8Array {
  const content = Array.from({ length: n }, (_, i) => `user${i}@example.com`).join(" ");
  return new TextEncoder().encode(
    JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }] }),
  );
}

const round = (ms: number) => Math.round(ms * 10) / 10;

if (import.meta.main) {
  const counts = (Deno.args[0] ?? "10000,100000,1000000").split(",").map(Number);
  const out = [];
  redactBodyBytes(emailsRequest(2_000), "application/json", rules); // warm up the JIT
  for (const n of counts) {
    const bytes = emailsRequest(n);
    let t0 = performance.now();
    const whole = redactBodyBytes(bytes, "application/json", rules);
    const wholeMs = performance.now() - t0;
    if ("failed" in whole || whole.counts.email !== n) {
      throw new Error(`redaction went wrong: ${"failed" in whole ? whole.failed : "counts"}`);
    }
    const meter = new Meter({ budget: null });
    let longest = 0;
    let last = performance.now();
    t0 = last;
    const pause = async () => {
      longest = Math.max(longest, performance.now() - last);
      await new Promise((r) => setTimeout(r, 0));
      last = performance.now();
    };
    await drive(redactBodySteps(bytes, "application/json", rules, {}, meter), meter, pause);
    longest = Math.max(longest, performance.now() - last);
    out.push({
      findings: n,
      body_bytes: bytes.byteLength,
      whole_ms: round(wholeMs),
      per_finding_us: round((wholeMs * 1000) / n),
      sliced_ms: round(performance.now() - t0),
      slices: meter.slices,
      longest_slice_ms: round(longest),
    });
  }
  console.log(JSON.stringify(out));
}
