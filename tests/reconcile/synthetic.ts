/**
 * A synthetic month for the reconciliation tests: per day × model token counts from a seeded
 * PRNG, turned into gateway rows and, INDEPENDENTLY, into the provider's report documents as the
 * APIs return them (Anthropic: usage with cache lifetimes, cost in cent strings per token type;
 * OpenAI: usage with input including cached and written tokens, costs in dollars per line item).
 * The provider side never calls the code under test, so a shared mistake cannot cancel out.
 */
import { type GatewayRow, gatewayTokensFrom } from "../../src/reconcile/mod.ts";
import { prng } from "../testdata/prng.ts";

/** One day × model of traffic: integer token counts by kind. */
export interface Traffic {
  day: string;
  model: string;
  requests: number;
  uncached: number;
  read: number;
  w5m: number;
  w1h: number;
  output: number;
}

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  read: number;
  w5m: number;
  w1h: number;
}

export function dayOf(i: number): string {
  return new Date(Date.UTC(2026, 10, 1 + i)).toISOString().slice(0, 10);
}

/** A batch of `requests` requests' worth of tokens; `lifetimes` false puts no 1-hour writes. */
export function traffic(rand: () => number, day: string, model: string, lifetimes = true): Traffic {
  const requests = 100 + Math.floor(rand() * 400);
  const per = (lo: number, hi: number) => Math.floor(requests * (lo + rand() * (hi - lo)));
  return {
    day,
    model,
    requests,
    uncached: per(500, 2000),
    read: per(0, 3000),
    w5m: per(0, 400),
    w1h: lifetimes ? per(0, 200) : 0,
    output: per(200, 1000),
  };
}

export function month(seed: number, models: string[], days = 30, lifetimes = true): Traffic[] {
  const rand = prng(seed);
  const out: Traffic[] = [];
  for (let d = 0; d < days; d++) {
    for (const m of models) out.push(traffic(rand, dayOf(d), m, lifetimes));
  }
  return out;
}

/** The gateway's own pricing of a day's traffic (whole-day sums; the report prices per kind). */
export function gatewayUsd(t: Traffic, p: Price): number {
  return (t.uncached * p.input + t.output * p.output + t.read * p.read + t.w5m * p.w5m +
    t.w1h * p.w1h) / 1e6;
}

/** A gateway row as the store's rollup would give it; `lifetimes` false: writes with no lifetime. */
export function gatewayRow(
  provider: "anthropic" | "openai",
  t: Traffic,
  model: string,
  price: Price,
  lifetimes = true,
): GatewayRow {
  const writes = t.w5m + t.w1h;
  const tokens = gatewayTokensFrom({
    input_tokens: t.uncached + t.read + writes,
    cached_input_tokens: t.read,
    cache_write_tokens: writes,
    output_tokens: t.output,
    ...(lifetimes ? { cache_write_1h: t.w1h, cache_write_5m: t.w5m } : {}),
  });
  return {
    day: t.day,
    provider,
    model,
    requests: t.requests,
    tokens,
    usd: gatewayUsd(t, price),
    priced_requests: t.requests,
    partial_requests: 0,
    unpriced_requests: 0,
    unknown_usage_requests: 0,
  };
}

const iso = (day: string, plus = 0) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + plus * 86_400_000).toISOString().replace(".000", "");

/** Buckets of `perPage` days each, as separate pages (a file of concatenated pages). */
function pages(buckets: Record<string, unknown>[], perPage: number) {
  const out = [];
  for (let i = 0; i < buckets.length; i += perPage) {
    const more = i + perPage < buckets.length;
    out.push({
      data: buckets.slice(i, i + perPage),
      has_more: more,
      next_page: more ? `page_${i}` : null,
    });
  }
  return out;
}

function byDay(ts: Traffic[]): Map<string, Traffic[]> {
  const out = new Map<string, Traffic[]>();
  for (const t of ts) out.set(t.day, [...(out.get(t.day) ?? []), t]);
  return out;
}

/** Anthropic's usage report, pages of 7 daily buckets (the API's default limit). */
export function anthropicUsageDoc(ts: Traffic[], reportId: (m: string) => string) {
  const buckets = [...byDay(ts)].map(([day, list]) => ({
    starting_at: iso(day),
    ending_at: iso(day, 1),
    results: list.map((t) => ({
      account_id: null,
      api_key_id: null,
      workspace_id: null,
      service_account_id: null,
      model: reportId(t.model),
      service_tier: "standard",
      context_window: "0-200k",
      inference_geo: "global",
      uncached_input_tokens: t.uncached,
      cache_read_input_tokens: t.read,
      cache_creation: { ephemeral_1h_input_tokens: t.w1h, ephemeral_5m_input_tokens: t.w5m },
      output_tokens: t.output,
      server_tool_use: { web_search_requests: 0 },
    })),
  }));
  return pages(buckets, 7);
}

/** Anthropic's cost report grouped by description: one amount per token type, in CENTS, as text. */
export function anthropicCostDoc(
  ts: Traffic[],
  reportId: (m: string) => string,
  price: (m: string) => Price,
) {
  const kinds: [string, keyof Traffic, keyof Price][] = [
    ["uncached_input_tokens", "uncached", "input"],
    ["output_tokens", "output", "output"],
    ["cache_read_input_tokens", "read", "read"],
    ["cache_creation.ephemeral_5m_input_tokens", "w5m", "w5m"],
    ["cache_creation.ephemeral_1h_input_tokens", "w1h", "w1h"],
  ];
  const buckets = [...byDay(ts)].map(([day, list]) => ({
    starting_at: iso(day),
    ending_at: iso(day, 1),
    results: list.flatMap((t) =>
      kinds.map(([token_type, count, rate]) => ({
        currency: "USD",
        // tokens × $/M ÷ 1e6 × 100 cents, with fractional cents as the API allows.
        amount: ((t[count] as number) * price(t.model)[rate] / 1e4).toFixed(6),
        workspace_id: null,
        description: `${reportId(t.model)} ${token_type}`,
        cost_type: "tokens",
        context_window: "0-200k",
        model: reportId(t.model),
        service_tier: "standard",
        token_type,
      }))
    ),
  }));
  return pages(buckets, 7);
}

const unix = (day: string, plus = 0) => Date.parse(`${day}T00:00:00Z`) / 1000 + plus * 86_400;

/** OpenAI's completions usage: `input_tokens` includes cached and cache-write tokens. */
export function openAiUsageDoc(ts: Traffic[], reportId: (m: string) => string) {
  return {
    object: "page",
    data: [...byDay(ts)].map(([day, list]) => ({
      object: "bucket",
      start_time: unix(day),
      end_time: unix(day, 1),
      results: list.map((t) => ({
        object: "organization.usage.completions.result",
        input_tokens: t.uncached + t.read + t.w5m + t.w1h,
        input_cached_tokens: t.read,
        input_cache_write_tokens: t.w5m + t.w1h,
        output_tokens: t.output,
        num_model_requests: t.requests,
        project_id: null,
        user_id: null,
        api_key_id: null,
        model: reportId(t.model),
        batch: null,
        service_tier: null,
      })),
    })),
    has_more: false,
    next_page: null,
  };
}

/** OpenAI's costs grouped by line item: dollars, one line per billed kind. */
export function openAiCostsDoc(
  ts: Traffic[],
  reportId: (m: string) => string,
  price: (m: string) => Price,
) {
  const kinds: [string, (t: Traffic) => number, keyof Price][] = [
    ["input", (t) => t.uncached, "input"],
    ["cached input", (t) => t.read, "read"],
    ["cache write", (t) => t.w5m + t.w1h, "w5m"],
    ["output", (t) => t.output, "output"],
  ];
  return {
    object: "page",
    data: [...byDay(ts)].map(([day, list]) => ({
      object: "bucket",
      start_time: unix(day),
      end_time: unix(day, 1),
      results: list.flatMap((t) =>
        kinds.map(([kind, count, rate]) => ({
          object: "organization.costs.result",
          amount: { value: count(t) * price(t.model)[rate] / 1e6, currency: "usd" },
          line_item: `${reportId(t.model)}, ${kind}`,
          project_id: null,
          api_key_id: null,
          quantity: null,
          quantity_unit: null,
        }))
      ),
    })),
    has_more: false,
    next_page: null,
  };
}
