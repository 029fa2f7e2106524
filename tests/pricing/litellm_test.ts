import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { maxUsdPerMillion, type ModelPrice } from "../../src/config/mod.ts";
import {
  createCostEstimator,
  type ParsedPriceFile,
  parseLiteLlm,
  perMillionOf,
  type SkipReason,
  skipReasons,
  summary,
} from "../../src/pricing/mod.ts";
import { usage } from "../providers/replay.ts";

const sample = JSON.parse(
  await Deno.readTextFile(new URL("../testdata/pricing/litellm_sample.json", import.meta.url)),
);

function parsed(doc: unknown, limits?: Parameters<typeof parseLiteLlm>[1]): ParsedPriceFile {
  const out = parseLiteLlm(doc, limits);
  if ("error" in out) throw new Error(out.error);
  return out;
}

const file = parsed(sample);

const prices: [string, string, ModelPrice | undefined][] = [
  ["per token to per million, all four dimensions, the 272k tier read", "openai/gpt-6.2-sol", {
    input: 2,
    output: 10,
    cached_input: 0.1,
    cache_write: 2.5,
    tiers: [{ above_input_tokens: 272_000, input: 4, cached_input: 0.2, output: 15 }],
  }],
  ["batch prices are a service tier, not the standard price", "openai/gpt-4o-mini", {
    input: 0.15,
    output: 0.6,
    cached_input: 0.075,
    service_tiers: { batch: { input: 0.075, output: 0.3 } },
  }],
  ["a dated id keeps its own price", "openai/gpt-4o-2024-05-13", { input: 5, output: 15 }],
  ["embeddings generate nothing: output 0", "openai/text-embedding-3-small", {
    input: 0.02,
    output: 0,
  }],
  ["audio models are not priced by token", "openai/gpt-4o-mini-tts", undefined],
  ["images are not priced by token", "openai/dall-e-3", undefined],
  ["only an input price: unpriced, never free output", "openai/gpt-4-0314-only-input", undefined],
  ["two bands: the 100k tier and the 1-hour write read", "anthropic/claude-haiku-5-5", {
    input: 0.1,
    output: 0.5,
    cached_input: 0.01,
    cache_write: 0.125,
    cache_write_1h: 0.2,
    tiers: [{ above_input_tokens: 100_000, input: 0.5, output: 2.5 }],
  }],
  ["a provider prefix equal to litellm_provider is dropped", "anthropic/claude-sonnet-5-5", {
    input: 2,
    output: 10,
    cached_input: 0.1,
    cache_write: 2.5,
  }],
  ["a string where a number belongs is skipped", "anthropic/claude-weird-price", undefined],
  ["other providers by their LiteLLM name", "groq/llama-3.3-70b-versatile", {
    input: 0.59,
    output: 0.79,
  }],
  ["reasoning priced apart when the file says so", "deepseek/deepseek-reasoner", {
    input: 0.55,
    output: 2.19,
    cached_input: 0.07,
    reasoning: 2.19,
  }],
  ["a slash in the model id itself is kept", "openrouter/anthropic/claude-sonnet-5-5", {
    input: 2,
    output: 10,
  }],
];

for (const [name, at, expected] of prices) {
  Deno.test(`parseLiteLlm: ${name}`, () => {
    const cut = at.indexOf("/");
    const got = file.byProvider.get(at.slice(0, cut))?.get(at.slice(cut + 1));
    deepStrictEqual(got, expected);
  });
}

Deno.test("parseLiteLlm: every entry is priced or counted under one reason", () => {
  const skipped: Partial<Record<SkipReason, number>> = {
    sample_spec: 1,
    not_an_object: 1,
    no_provider: 1,
    mode_not_priced_by_token: 2,
    missing_price: 1,
    bad_number: 1,
    duplicate: 1,
  };
  for (const reason of skipReasons) strictEqual(file.skipped[reason], skipped[reason] ?? 0, reason);
  strictEqual(file.priced, 9);
  const total = skipReasons.reduce((n, r) => n + file.skipped[r], file.priced);
  strictEqual(total, Object.keys(sample).length);
  // gpt-6.2-sol: a priority input price without its output price is no service tier.
  strictEqual(file.standardBandOnly, 1);
});

Deno.test("parseLiteLlm: the first of two keys for one model wins (bare before prefixed)", () => {
  deepStrictEqual(file.byProvider.get("openai")?.get("gpt-4o-mini")?.input, 0.15);
});

Deno.test("parseLiteLlm: entries past the bound are counted, not read", () => {
  const small = parsed(sample, { maxEntries: 3, maxKeyLength: 256 });
  strictEqual(small.priced, 2);
  strictEqual(small.skipped.sample_spec, 1);
  strictEqual(small.skipped.over_limit, Object.keys(sample).length - 3);
});

Deno.test("parseLiteLlm: keys past the length bound are counted", () => {
  const doc = {
    ["m".repeat(40)]: {
      litellm_provider: "openai",
      mode: "chat",
      input_cost_per_token: 1e-6,
      output_cost_per_token: 1e-6,
    },
    short: {
      litellm_provider: "openai",
      mode: "chat",
      input_cost_per_token: 1e-6,
      output_cost_per_token: 2e-6,
    },
  };
  const out = parsed(doc, { maxEntries: 10, maxKeyLength: 20 });
  strictEqual(out.skipped.key_too_long, 1);
  deepStrictEqual(out.byProvider.get("openai")?.get("short"), { input: 1, output: 2 });
});

Deno.test("parseLiteLlm: a document that is not an object of entries is an error", () => {
  for (const doc of [null, [], "x", 3]) {
    const out = parseLiteLlm(doc);
    ok("error" in out && /LiteLLM's format/.test(out.error), JSON.stringify(doc));
  }
});

Deno.test("parseLiteLlm: negative and non-finite prices are bad numbers", () => {
  const entry = (input: unknown) => ({
    litellm_provider: "openai",
    mode: "chat",
    input_cost_per_token: input,
    output_cost_per_token: 1e-6,
  });
  const out = parsed({ a: entry(-1e-6), b: entry(true), c: entry({}) });
  strictEqual(out.skipped.bad_number, 3);
  strictEqual(out.priced, 0);
});

// Review M2: 1e303 USD per token is Infinity per million; the cost was Infinity with cost_status
// "priced", and the store refused every trace of that model.
Deno.test("parseLiteLlm: prices past the cap (or overflowing) are implausible, not taken", () => {
  const entry = (input: number) => ({
    litellm_provider: "openai",
    mode: "chat",
    input_cost_per_token: input,
    output_cost_per_token: 1e-6,
  });
  const table: [string, number, number | "implausible_price"][] = [
    ["overflows to Infinity per million", 1e303, "implausible_price"],
    ["50,000 USD per token", 5e4, "implausible_price"],
    ["just over 10,000 per million", 0.0100001, "implausible_price"],
    ["exactly the cap", 0.01, 10_000],
    ["the dearest real price (o1-pro output)", 6e-4, 600],
    ["free", 0, 0],
  ];
  const out = parsed(Object.fromEntries(table.map(([name, v]) => [name, entry(v)])));
  for (const [name, , expected] of table) {
    const got = out.byProvider.get("openai")?.get(name)?.input ?? "implausible_price";
    strictEqual(got, expected, name);
  }
  strictEqual(out.skipped.implausible_price, 3);
  strictEqual(perMillionOf(1e303), "implausible_price");
  strictEqual(perMillionOf(Number.MAX_VALUE), "implausible_price");
  strictEqual(perMillionOf(-1), "bad_number");
  strictEqual(perMillionOf(maxUsdPerMillion / 1e6), maxUsdPerMillion);
});

Deno.test("parseLiteLlm: a file's absurd price leaves the model unpriced, and the load says why", () => {
  const out = parsed({
    "gpt-huge": {
      litellm_provider: "openai",
      mode: "chat",
      input_cost_per_token: 1e303,
      output_cost_per_token: 1e-6,
    },
    "gpt-ok": {
      litellm_provider: "openai",
      mode: "chat",
      input_cost_per_token: 1e-6,
      output_cost_per_token: 2e-6,
    },
  });
  ok(/1 entries skipped \(implausible_price 1\)/.test(summary(out)), summary(out));
  const estimate = createCostEstimator({ kind: "openai", prices: {} }, {
    files: [{ name: "x", byProvider: out.byProvider }],
  });
  const report = { status: "exact", usage: usage(1000, 10) } as const;
  deepStrictEqual(estimate("gpt-huge", report, Date.now()), {
    estimated_cost_usd: null,
    cost_status: "unpriced",
    cost_breakdown: null,
  });
  strictEqual(estimate("gpt-ok", report, Date.now()).cost_status, "priced");
});

Deno.test("parseLiteLlm: the price keys a taken entry's row does not apply are counted by name", () => {
  deepStrictEqual(
    Object.fromEntries(file.notApplied),
    {
      // Half a service tier (no output price) is not applied.
      input_cost_per_token_priority: 1,
      // DeepSeek's own name for its cache-hit price; the row reads `cache_read_input_token_cost`.
      input_cost_per_token_cache_hit: 1,
    },
  );
  strictEqual(file.notAppliedOther, 0);
  ok(
    summary(file).endsWith(
      "; prices not applied (key: entries): input_cost_per_token_cache_hit: 1, " +
        "input_cost_per_token_priority: 1",
    ),
    summary(file),
  );
});

Deno.test("parseLiteLlm: key names counted are bounded; the rest are counted together", () => {
  const entry: Record<string, unknown> = {
    litellm_provider: "openai",
    mode: "chat",
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
  };
  for (let i = 0; i < 200; i++) entry[`made_up_cost_${i}`] = 1e-6;
  const out = parsed({ "gpt-many": entry, "gpt-many-2": entry });
  strictEqual(out.notApplied.size, 128);
  strictEqual([...out.notApplied.values()].every((n) => n === 2), true);
  strictEqual(out.notAppliedOther, 2 * 72);
  ok(/and 123 more keys, and 144 uses of other keys$/.test(summary(out)), summary(out));
});
