/** Tiers and scope multipliers in config prices (what `check` says) and in LiteLLM files. */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { configSchema } from "../../src/config/mod.ts";
import { type ParsedPriceFile, parseLiteLlm } from "../../src/pricing/mod.ts";

const tier = (above: unknown, extra: Record<string, unknown> = {}) => ({
  above_input_tokens: above,
  input: 2,
  output: 4,
  ...extra,
});

Deno.test("config: tiers and scope multipliers are validated with a clear message", () => {
  const table: [unknown, RegExp | null][] = [
    [{ input: 1, output: 2, tiers: [tier(200_000)] }, null],
    [{ input: 1, output: 2, tiers: [tier(128_000), tier(200_000, { cached_input: 0.2 })] }, null],
    [{ input: 1, output: 2, scope_multipliers: { geo: 1.1, in_region: 1.1 } }, null],
    [
      { input: 1, output: 2, tiers: [tier(272_000), tier(200_000)] },
      /must be in ascending order of above_input_tokens, each threshold once \(tier 2 has 200000 after 272000\)/,
    ],
    [
      { input: 1, output: 2, tiers: [tier(200_000), tier(200_000)] },
      /ascending order .*tier 2 has 200000 after 200000/,
    ],
    [{ input: 1, output: 2, tiers: [tier(0)] }, /above_input_tokens/],
    [{ input: 1, output: 2, tiers: [tier(-5)] }, /above_input_tokens/],
    [{ input: 1, output: 2, tiers: [tier(1.5)] }, /above_input_tokens/],
    [
      { input: 1, output: 2, tiers: [tier(200_000_000)] },
      /must be at most 100000000 \(got 200000000\): it counts prompt tokens/,
    ],
    [
      { input: 1, output: 2, tiers: [tier(10, { input: 20_000 })] },
      /must be at most 10000 .*USD per million/,
    ],
    [{ input: 1, output: 2, tiers: [] }, /tiers/],
    [{ input: 1, output: 2, tiers: Array.from({ length: 9 }, (_, i) => tier(i + 1)) }, /tiers/],
    [{ input: 1, output: 2, tiers: [{ above_input_tokens: 10, input: 1 }] }, /output/],
    [{ input: 1, output: 2, tiers: [tier(10, { valid_from: "2026-01-01" })] }, /valid_from/],
    [
      { input: 1, output: 2, scope_multipliers: { geo: 110 } },
      /must be at most 10 \(got 110\): it multiplies every price of the row \(1\.1 for a 10% uplift/,
    ],
    [{ input: 1, output: 2, scope_multipliers: { geo: 0 } }, /geo/],
    [{ input: 1, output: 2, scope_multipliers: { moon: 1.1 } }, /moon/],
  ];
  for (const [entry, error] of table) {
    const parsed = configSchema.safeParse({
      providers: { acme: { upstream: "https://api.acme.test", prices: { m: entry } } },
    });
    if (error === null) ok(parsed.success, JSON.stringify(entry) + (parsed.error?.message ?? ""));
    else {
      ok(!parsed.success, JSON.stringify(entry));
      ok(error.test(parsed.error.message), parsed.error.message);
    }
  }
});

function parsed(doc: unknown): ParsedPriceFile {
  const out = parseLiteLlm(doc);
  if ("error" in out) throw new Error(out.error);
  return out;
}

Deno.test("LiteLLM: *_above_Nk_tokens fields become tiers, ascending; half tiers are left out", () => {
  const file = parsed({
    "gemini-2.5-pro": {
      litellm_provider: "gemini",
      mode: "chat",
      input_cost_per_token: 1.25e-6,
      output_cost_per_token: 1e-5,
      cache_read_input_token_cost: 1.25e-7,
      input_cost_per_token_above_200k_tokens: 2.5e-6,
      output_cost_per_token_above_200k_tokens: 1.5e-5,
      cache_read_input_token_cost_above_200k_tokens: 2.5e-7,
    },
    "two-tiers": {
      litellm_provider: "gemini",
      mode: "chat",
      input_cost_per_token: 1e-6,
      output_cost_per_token: 2e-6,
      output_cost_per_token_above_272k_tokens: 6e-6,
      input_cost_per_token_above_272k_tokens: 3e-6,
      input_cost_per_token_above_128k_tokens: 2e-6,
      output_cost_per_token_above_128k_tokens: 4e-6,
      cache_creation_input_token_cost_above_128k_tokens: 2.5e-6,
    },
    "half-tier": {
      litellm_provider: "gemini",
      mode: "chat",
      input_cost_per_token: 1e-6,
      output_cost_per_token: 2e-6,
      input_cost_per_token_above_200k_tokens: 2e-6,
    },
    "bad-tier": {
      litellm_provider: "gemini",
      mode: "chat",
      input_cost_per_token: 1e-6,
      output_cost_per_token: 2e-6,
      input_cost_per_token_above_200k_tokens: "2e-6",
      output_cost_per_token_above_200k_tokens: 4e-6,
    },
  });
  const gemini = file.byProvider.get("gemini")!;
  deepStrictEqual(gemini.get("gemini-2.5-pro"), {
    input: 1.25,
    output: 10,
    cached_input: 0.125,
    tiers: [{ above_input_tokens: 200_000, input: 2.5, output: 15, cached_input: 0.25 }],
  });
  deepStrictEqual(gemini.get("two-tiers")?.tiers, [
    { above_input_tokens: 128_000, input: 2, output: 4, cache_write: 2.5 },
    { above_input_tokens: 272_000, input: 3, output: 6 },
  ]);
  // Half a tier would price the output of a long request at the short band: left out, counted.
  deepStrictEqual(gemini.get("half-tier"), { input: 1, output: 2 });
  strictEqual(gemini.has("bad-tier"), false);
  strictEqual(file.skipped.bad_number, 1);
  strictEqual(file.standardBandOnly, 1);
  strictEqual(file.priced, 3);
});

Deno.test("LiteLLM: Vertex sub-providers' keys lose the family prefix (vertex_ai/...)", () => {
  const file = parsed({
    "vertex_ai/claude-opus-4-7": {
      litellm_provider: "vertex_ai-anthropic_models",
      mode: "chat",
      input_cost_per_token: 5e-6,
      output_cost_per_token: 2.5e-5,
    },
    "gemini/gemini-2.5-flash": {
      litellm_provider: "gemini",
      mode: "chat",
      input_cost_per_token: 3e-7,
      output_cost_per_token: 2.5e-6,
    },
  });
  strictEqual(file.byProvider.get("vertex_ai-anthropic_models")?.get("claude-opus-4-7")?.input, 5);
  strictEqual(file.byProvider.get("gemini")?.get("gemini-2.5-flash")?.output, 2.5);
});
