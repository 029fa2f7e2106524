/**
 * The test issue 24 asks for: a synthetic month of traces and provider reports. Clean, it
 * reconciles within 0.01% for Anthropic's and OpenAI's report shapes. With injected
 * discrepancies (a day of traffic that bypassed the gateway, a model priced differently in the
 * gateway, 1-hour cache writes counted as 5-minute) each is found on its day × model, explained
 * by its cause, and nothing else is flagged.
 */
import assert from "node:assert/strict";
import {
  type GatewayRow,
  mergeReports,
  parseReport,
  reconcile,
  type ReconcileResult,
  type ReportProvider,
} from "../../src/reconcile/mod.ts";
import {
  anthropicCostDoc,
  anthropicUsageDoc,
  dayOf,
  gatewayRow,
  month,
  openAiCostsDoc,
  openAiUsageDoc,
  type Price,
  type Traffic,
  traffic,
} from "./synthetic.ts";
import { prng } from "../testdata/prng.ts";

const anthropicPrices: Record<string, Price> = {
  "claude-sonnet-4-5": { input: 3, output: 15, read: 0.3, w5m: 3.75, w1h: 6 },
  "claude-haiku-4-5-20251001": { input: 1, output: 5, read: 0.1, w5m: 1.25, w1h: 2 },
  "claude-opus-4-1-20250805": { input: 15, output: 75, read: 1.5, w5m: 18.75, w1h: 30 },
};
// The gateway records the alias for Sonnet; the report names the dated snapshot.
const anthropicReportId = (m: string) =>
  m === "claude-sonnet-4-5" ? "claude-sonnet-4-5-20250929" : m;

const openAiPrices: Record<string, Price> = {
  "gpt-4o": { input: 2.5, output: 10, read: 1.25, w5m: 0, w1h: 0 },
  "gpt-4.1-mini-2025-04-14": { input: 0.4, output: 1.6, read: 0.1, w5m: 0, w1h: 0 },
  "gpt-5.6": { input: 5, output: 30, read: 0.5, w5m: 6.25, w1h: 0 },
};
const openAiReportId = (m: string) => m === "gpt-4o" ? "gpt-4o-2024-08-06" : m;

function reportOf(provider: ReportProvider, traffic: Traffic[]) {
  const prices = provider === "anthropic" ? anthropicPrices : openAiPrices;
  const price = (m: string) => prices[m]!;
  if (provider === "anthropic") {
    return mergeReports([
      parseReport(anthropicUsageDoc(traffic, anthropicReportId), provider, { name: "usage.json" }),
      parseReport(anthropicCostDoc(traffic, anthropicReportId, price), provider, {
        name: "cost.json",
      }),
    ]);
  }
  return mergeReports([
    parseReport(openAiUsageDoc(traffic, openAiReportId), provider, { name: "usage.json" }),
    parseReport(openAiCostsDoc(traffic, openAiReportId, price), provider, { name: "costs.json" }),
  ]);
}

function gatewayOf(
  provider: ReportProvider,
  traffic: Traffic[],
  priceOf = (m: string) => (provider === "anthropic" ? anthropicPrices : openAiPrices)[m]!,
): GatewayRow[] {
  return traffic.map((t) =>
    gatewayRow(provider, t, t.model, priceOf(t.model), provider === "anthropic")
  );
}

/** The same day × model with the bypassed batch added: what the provider saw. */
function plus(a: Traffic, b: Traffic): Traffic {
  return {
    ...a,
    requests: a.requests + b.requests,
    uncached: a.uncached + b.uncached,
    read: a.read + b.read,
    w5m: a.w5m + b.w5m,
    w1h: a.w1h + b.w1h,
    output: a.output + b.output,
  };
}

const flagged = (r: ReconcileResult) =>
  r.lines.filter((l) => l.beyond_tolerance).map((l) => `${l.day} ${l.model}`).sort();

const tokensOf = (t: Traffic) => t.uncached + t.read + t.w5m + t.w1h + t.output;

for (const provider of ["anthropic", "openai"] as const) {
  Deno.test(`${provider}: a clean month reconciles within 0.01% on every day × model`, () => {
    const models = Object.keys(provider === "anthropic" ? anthropicPrices : openAiPrices);
    const traffic = month(24, models, 30, provider === "anthropic");
    const r = reconcile(gatewayOf(provider, traffic), reportOf(provider, traffic));
    assert.equal(r.lines.length, 90);
    assert.ok(r.lines.every((l) => l.scope === "model"));
    assert.ok(r.verdict.within_tolerance);
    assert.ok(
      r.verdict.worst_relative_difference! <= 0.0001,
      `worst ${r.verdict.worst_relative_difference}`,
    );
    assert.deepEqual(flagged(r), []);
    assert.deepEqual([r.report.covered_from, r.report.covered_to, r.report.days_compared], [
      "2026-11-01",
      "2026-11-30",
      30,
    ]);
    // Aliases and snapshots meet on one line under the undated id.
    const alias = provider === "anthropic" ? "claude-sonnet-4-5" : "gpt-4o";
    const line = r.lines.find((l) => l.model === alias)!;
    assert.deepEqual(line.gateway_models, [alias]);
    assert.deepEqual(line.report_models, [
      provider === "anthropic" ? anthropicReportId(alias) : openAiReportId(alias),
    ]);
    const first = traffic.find((t) => t.model === alias && t.day === "2026-11-01")!;
    assert.deepEqual([line.metrics.output!.gateway, line.metrics.output!.provider], [
      first.output,
      first.output,
    ]);
    // Anthropic's usage report counts no requests: unknown, never 0. OpenAI's does.
    assert.equal(line.metrics.requests!.provider, provider === "anthropic" ? null : first.requests);
    const total = r.totals.all.metrics.usd!;
    assert.ok(Math.abs(total.relative_difference!) < 1e-6);
  });
}

Deno.test("anthropic: a bypass day, a model priced differently, 1-hour writes counted as 5-minute: each found and explained, nothing else", () => {
  const models = Object.keys(anthropicPrices);
  const base = month(24, models);
  const bypassDay = dayOf(11);
  const ttlDay = dayOf(19);
  const extra = traffic(prng(99), bypassDay, "claude-haiku-4-5-20251001");
  // (a) The provider saw a batch more of Haiku on Nov 12 than the gateway did.
  const provider = base.map((t) =>
    t.day === bypassDay && t.model === extra.model ? plus(t, extra) : t
  );
  // (c) The gateway recorded Sonnet's 1-hour writes of Nov 20 as 5-minute ones (and priced them so).
  const seen = base.map((t) =>
    t.day === ttlDay && t.model === "claude-sonnet-4-5" ? { ...t, w5m: t.w5m + t.w1h, w1h: 0 } : t
  );
  // (b) The gateway's price row for Opus is 20% above the provider's, on every day.
  const gwPrice = (m: string) => {
    const p = anthropicPrices[m]!;
    return m !== "claude-opus-4-1-20250805"
      ? p
      : Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v * 1.2])) as unknown as Price;
  };
  const r = reconcile(gatewayOf("anthropic", seen, gwPrice), reportOf("anthropic", provider));

  const opusDays = Array.from({ length: 30 }, (_, i) => `${dayOf(i)} claude-opus-4-1-20250805`);
  assert.deepEqual(
    flagged(r),
    [...opusDays, `${bypassDay} claude-haiku-4-5-20251001`, `${ttlDay} claude-sonnet-4-5`].sort(),
  );
  assert.equal(r.verdict.within_tolerance, false);
  assert.equal(r.verdict.lines_beyond_tolerance, 32);

  // (a) bypass: every token figure and the cost lower by the bypassed batch, one cause for all.
  const bypass = r.lines.find((l) => l.day === bypassDay && l.model === extra.model)!;
  const before = base.find((t) => t.day === bypassDay && t.model === extra.model)!;
  assert.deepEqual([
    bypass.metrics.uncached_input!.gateway,
    bypass.metrics.uncached_input!.provider,
  ], [before.uncached, before.uncached + extra.uncached]);
  assert.deepEqual(bypass.explanations.map((e) => e.cause), ["bypass"]);
  const share = ((1 - tokensOf(before) / tokensOf(plus(before, extra))) * 100).toFixed(2);
  assert.match(
    bypass.explanations[0]!.message,
    new RegExp(
      `^traffic that bypassed the gateway: about ${share}% of the report's tokens \\(${
        tokensOf(extra).toLocaleString("en-US")
      } tokens, \\$`,
    ),
  );
  assert.ok(bypass.explanations[0]!.metrics.includes("usd"));
  assert.ok(bypass.explanations[0]!.metrics.includes("output"));

  // (b) price: tokens agree, cost off by the same ratio every day.
  for (const l of r.lines.filter((l) => l.model === "claude-opus-4-1-20250805")) {
    assert.deepEqual(l.explanations.map((e) => [e.cause, e.metrics]), [["price_differs", ["usd"]]]);
    assert.match(
      l.explanations[0]!.message,
      /the gateway's implied rate \$[\d,.]+\/M vs the report's \$[\d,.]+\/M \(1\.2000×\)/,
    );
    assert.ok(Math.abs(l.metrics.usd!.relative_difference! - 0.2) < 1e-6);
  }
  const opusTotal = r.totals.by_model.find((t) => t.model === "claude-opus-4-1-20250805")!;
  assert.deepEqual(opusTotal.explanations.map((e) => e.cause), ["price_differs"]);
  assert.match(
    opusTotal.explanations[0]!.message,
    /^a price that differs on every day compared \(30\) by the same ratio 1\.2000× \(gateway\/report\): a wrong price row/,
  );

  // (c) lifetimes: all writes agree, the split does not, by the day's 1-hour writes.
  const ttl = r.lines.find((l) => l.day === ttlDay && l.model === "claude-sonnet-4-5")!;
  const moved = base.find((t) => t.day === ttlDay && t.model === "claude-sonnet-4-5")!.w1h;
  assert.equal(ttl.metrics.cache_write_total!.difference, 0);
  assert.deepEqual(
    [ttl.metrics.cache_write_5m!.difference, ttl.metrics.cache_write_1h!.difference],
    [moved, -moved],
  );
  assert.deepEqual(ttl.explanations.map((e) => [e.cause, e.metrics]), [["cache_ttl_split", [
    "cache_write_5m",
    "cache_write_1h",
    "usd",
  ]]]);
  assert.ok(
    ttl.explanations[0]!.message.startsWith(
      `1-hour cache writes counted as 5-minute: ${moved.toLocaleString("en-US")} tokens`,
    ),
  );
  assert.ok(
    ttl.metrics.usd!.difference! < 0,
    "5-minute writes are cheaper: the gateway's cost is below the bill",
  );
});

Deno.test("openai: a bypass day (requests too) and a model priced differently: each found and explained, nothing else", () => {
  const models = Object.keys(openAiPrices);
  const base = month(7, models, 30, false);
  const bypassDay = dayOf(4);
  const extra = traffic(prng(5), bypassDay, "gpt-5.6", false);
  const provider = base.map((t) =>
    t.day === bypassDay && t.model === "gpt-5.6" ? plus(t, extra) : t
  );
  const gwPrice = (m: string) => {
    const p = openAiPrices[m]!;
    return m === "gpt-4.1-mini-2025-04-14"
      ? { ...p, input: p.input * 0.8, output: p.output * 0.8, read: p.read * 0.8 }
      : p;
  };
  const r = reconcile(gatewayOf("openai", base, gwPrice), reportOf("openai", provider));
  const miniDays = Array.from({ length: 30 }, (_, i) => `${dayOf(i)} gpt-4.1-mini-2025-04-14`);
  assert.deepEqual(flagged(r), [...miniDays, `${bypassDay} gpt-5.6`].sort());
  const bypass = r.lines.find((l) => l.day === bypassDay && l.model === "gpt-5.6")!;
  assert.deepEqual(bypass.explanations.map((e) => e.cause), ["bypass"]);
  assert.ok(
    bypass.explanations[0]!.message.includes(`${extra.requests.toLocaleString("en-US")} requests`),
  );
  assert.equal(bypass.metrics.requests!.difference, -extra.requests);
  const mini = r.lines.filter((l) => l.model === "gpt-4.1-mini-2025-04-14");
  assert.ok(
    mini.every((l) => l.explanations.length === 1 && l.explanations[0]!.cause === "price_differs"),
  );
  assert.ok(mini.every((l) => Math.abs(l.metrics.usd!.relative_difference! + 0.2) < 1e-6));
  assert.match(mini[0]!.explanations[0]!.message, /\(0\.8000×\)/);
});
