/**
 * Report parsers over fixtures built from the documented shapes (research/issue24_research.md
 * sections 3 and 4.4): each kind read to the figures the document states, cents and dollars kept
 * apart, unreadable values counted, foreign currencies and unknown documents refused by name,
 * and the bounds enforced.
 */
import assert from "node:assert/strict";
import { mergeReports, parseReport, ReportError } from "../../src/reconcile/mod.ts";

const fixture = async (name: string): Promise<unknown> =>
  JSON.parse(await Deno.readTextFile(new URL(`../testdata/reconcile/${name}`, import.meta.url)));

Deno.test("Anthropic usage report: two concatenated pages, tokens by kind, cache writes by lifetime, no request count", async () => {
  const r = parseReport(await fixture("anthropic_usage_pages.json"), "anthropic", {
    name: "usage.json",
  });
  assert.equal(r.sources.length, 1);
  const s = r.sources[0]!;
  assert.equal(s.kind, "anthropic_usage");
  assert.deepEqual([s.pages, s.buckets, s.results], [2, 3, 3]);
  // The empty bucket of Nov 2 still covers its day: the report says "no usage" there.
  assert.deepEqual(s.days, ["2026-11-01", "2026-11-02", "2026-11-03"]);
  assert.ok(!s.metrics.includes("requests"));
  assert.deepEqual(s.grouped_by, ["workspace_id"]);
  assert.deepEqual(r.rows[0], {
    day: "2026-11-01",
    model: "claude-sonnet-4-5-20250929",
    group: { workspace_id: "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ" },
    tokens: {
      uncached_input: 1500,
      cache_read: 200,
      cache_write_5m: 500,
      cache_write_1h: 1000,
      output: 500,
    },
    requests: null,
    usd: null,
    service_tier: "standard",
    tool_uses: { web_search: 10 },
    source: 0,
  });
  assert.equal(r.rows[1]!.tool_uses, undefined, "a zero tool count is not a use");
  assert.equal(r.rows[2]!.service_tier, "priority");
  assert.ok(r.notes.some((n) => n.includes("requests are not in Anthropic's usage report")));
  assert.deepEqual(r.bad_values, {});
});

Deno.test("Anthropic cost report: amounts are strings in cents ('123.45' is $1.2345)", async () => {
  const r = parseReport(await fixture("anthropic_cost.json"), "anthropic");
  assert.equal(r.sources[0]!.kind, "anthropic_cost");
  assert.deepEqual(r.sources[0]!.metrics, ["usd"]);
  assert.deepEqual(r.rows.map((x) => [x.day, x.model, x.usd]), [
    ["2026-11-01", "claude-sonnet-4-5-20250929", 1.2345],
    ["2026-11-01", "claude-sonnet-4-5-20250929", 0.005],
    ["2026-11-01", null, 25],
    ["2026-11-02", "claude-haiku-4-5-20251001", 0.10000001],
  ]);
  assert.deepEqual(r.rows.map((x) => x.tokens), [{}, {}, {}, {}]);
});

Deno.test("OpenAI usage: input_tokens includes cached and cache writes; requests counted; a missing write count is unknown", async () => {
  const r = parseReport(await fixture("openai_usage.json"), "openai");
  const s = r.sources[0]!;
  assert.equal(s.kind, "openai_usage");
  assert.deepEqual(s.metrics, [
    "uncached_input",
    "cache_read",
    "cache_write_total",
    "output",
    "requests",
  ]);
  assert.deepEqual(s.days, ["2026-11-01", "2026-11-02"]);
  assert.deepEqual(s.grouped_by, ["project_id", "api_key_id"]);
  const [a, b] = r.rows;
  assert.deepEqual(a!.tokens, {
    uncached_input: 500,
    cache_read: 400,
    cache_write: 100,
    output: 500,
  });
  assert.equal(a!.requests, 5);
  assert.deepEqual(a!.group, { project_id: "proj_abc123" });
  assert.equal(a!.service_tier, "default");
  assert.deepEqual(b!.tokens, { uncached_input: 2000, cache_read: 0, output: 100 });
  assert.equal(b!.service_tier, "batch");
  assert.deepEqual(
    b!.unreadable,
    ["cache_write_total"],
    "beside rows with the field, its writes are unknown",
  );
  assert.equal(a!.unreadable, undefined);
});

Deno.test("OpenAI costs: amount.value in dollars; the model comes from line_item; other line items name no model", async () => {
  const r = parseReport(await fixture("openai_costs.json"), "openai");
  assert.equal(r.sources[0]!.kind, "openai_costs");
  assert.deepEqual(r.rows.map((x) => [x.model, x.usd]), [
    ["gpt-4o-2024-08-06", 0.06],
    ["gpt-4o-2024-08-06", 0.12],
    [null, 1.5],
  ]);
  assert.ok(r.notes.some((n) => n.startsWith("1 cost line(s) name no model")));
});

const anthropicBucket = (results: unknown[]) => ({
  data: [{ starting_at: "2026-11-01T00:00:00Z", ending_at: "2026-11-02T00:00:00Z", results }],
  has_more: false,
  next_page: null,
});
const usageResult = (over: Record<string, unknown> = {}) => ({
  model: "claude-haiku-4-5",
  uncached_input_tokens: 10,
  cache_read_input_tokens: 0,
  cache_creation: { ephemeral_1h_input_tokens: 0, ephemeral_5m_input_tokens: 0 },
  output_tokens: 5,
  ...over,
});

Deno.test("bad numbers are counted by field and make the figure unknown, never 0", () => {
  const doc = anthropicBucket([
    usageResult({ output_tokens: -5, uncached_input_tokens: "12" }),
    usageResult({ cache_creation: { ephemeral_5m_input_tokens: 1e400 } }),
    usageResult(),
    "not an object",
  ]);
  const r = parseReport(doc, "anthropic");
  assert.deepEqual(r.bad_values, {
    "anthropic usage `output_tokens`": 1,
    "anthropic usage `uncached_input_tokens`": 1,
    "anthropic usage `cache_creation.ephemeral_5m_input_tokens`": 1,
    "anthropic usage `cache_creation.ephemeral_1h_input_tokens`": 1,
    "result (not an object)": 1,
  });
  assert.deepEqual(r.rows[0]!.unreadable, ["uncached_input", "output"]);
  assert.deepEqual(r.rows[1]!.unreadable, [
    "cache_write_5m",
    "cache_write_total",
    "cache_write_1h",
  ]);
  assert.equal(r.rows[2]!.unreadable, undefined);
  const cost = parseReport(
    anthropicBucket([{ currency: "USD", amount: "-1.00", model: "m" }, {
      currency: "USD",
      amount: 12,
      model: "m",
    }]),
    "anthropic",
  );
  assert.deepEqual(cost.bad_values, { "anthropic cost `amount`": 2 });
  assert.deepEqual(cost.rows.map((x) => [x.usd, x.unreadable]), [[null, ["usd"]], [null, ["usd"]]]);
});

Deno.test("a cost in another currency is refused with a clear error", () => {
  assert.throws(
    () =>
      parseReport(anthropicBucket([{ currency: "EUR", amount: "1.00", model: "m" }]), "anthropic", {
        name: "c.json",
      }),
    (e: unknown) =>
      e instanceof ReportError && /^c\.json: a cost is in "EUR", not USD/.test(e.message),
  );
  const openai = {
    data: [{
      start_time: 1793491200,
      end_time: 1793577600,
      results: [{ amount: { value: 1, currency: "eur" }, line_item: null }],
    }],
  };
  assert.throws(() => parseReport(openai, "openai"), /a cost is in "eur", not usd/);
});

Deno.test("a document that is no known report is refused, naming what was expected and what it has", () => {
  const cases: [unknown, "anthropic" | "openai", RegExp][] = [
    [
      anthropicBucket([{ foo: 1, bar: 2 }]),
      "anthropic",
      /^ReportError: x\.json is not an Anthropic usage or cost report: the first result has neither `uncached_input_tokens` nor `amount` \(a string in cents\); it has `foo`, `bar`$/,
    ],
    [
      anthropicBucket([{ input_tokens: 1, num_model_requests: 1, output_tokens: 1 }]),
      "anthropic",
      /it looks like a report of OpenAI$/,
    ],
    [
      anthropicBucket([usageResult()]),
      "openai",
      /^ReportError: x\.json is not an OpenAI usage \(completions\) or costs report: .*it looks like a report of Anthropic$/,
    ],
    [
      {
        data: [{
          start_time: 0,
          end_time: 86400,
          results: [{ object: "organization.usage.embeddings.result", input_tokens: 3 }],
        }],
      },
      "openai",
      /is an OpenAI `organization.usage.embeddings.result` report; only completions usage/,
    ],
    [
      "hello",
      "anthropic",
      /^ReportError: x\.json is not a report: expected an object with a `data` array/,
    ],
    [[{ data: [] }, { nope: 1 }], "openai", /^ReportError: x\.json: page 2 has no `data` array$/],
  ];
  for (const [doc, provider, want] of cases) {
    assert.throws(() => parseReport(doc, provider, { name: "x.json" }), want, String(want));
  }
});

Deno.test("bounds: pages, buckets and results past the limits refuse the file; long ids are unreadable", () => {
  const page = anthropicBucket([usageResult(), usageResult()]);
  assert.throws(
    () => parseReport([page, page, page], "anthropic", { limits: { max_pages: 2 } }),
    /3 pages, more than 2: split it/,
  );
  assert.throws(
    () => parseReport(page, "anthropic", { limits: { max_results_per_bucket: 1 } }),
    /a bucket has 2 results, more than 1/,
  );
  assert.throws(
    () => parseReport(page, "anthropic", { limits: { max_buckets_per_page: 0 } }),
    /a page has 1 buckets, more than 0/,
  );
  const long = parseReport(anthropicBucket([usageResult({ model: "m".repeat(257) })]), "anthropic");
  assert.equal(long.rows[0]!.model, "(unreadable model id)");
  assert.deepEqual(long.bad_values, { model: 1 });
  const ok = parseReport(anthropicBucket([usageResult({ model: "m".repeat(256) })]), "anthropic");
  assert.equal(ok.rows[0]!.model, "m".repeat(256));
});

Deno.test("coverage: hourly buckets cover a day only when all 24 are there; a bucket with bad times is counted", () => {
  const hours = Array.from({ length: 30 }, (_, h) => ({
    starting_at: new Date(Date.UTC(2026, 10, 1, h)).toISOString(),
    ending_at: new Date(Date.UTC(2026, 10, 1, h + 1)).toISOString(),
    results: [usageResult()],
  }));
  hours.push({ starting_at: "yesterday", ending_at: "today", results: [usageResult()] });
  const r = parseReport({ data: hours, has_more: true }, "anthropic", { name: "h.json" });
  assert.deepEqual(r.sources[0]!.days, ["2026-11-01"]);
  assert.deepEqual(r.sources[0]!.partial_days, ["2026-11-02"]);
  assert.equal(r.rows.length, 30);
  assert.equal(r.rows.filter((x) => x.day === "2026-11-01").length, 24);
  assert.deepEqual(r.bad_values, {
    "bucket (`starting_at`, `ending_at`, `results`)": 1,
    "results in unreadable buckets": 1,
  });
  assert.ok(
    r.notes.includes("h.json: its last page says `has_more: true`: later pages are missing"),
  );
  assert.ok(r.notes.includes("h.json: days covered only in part, not compared: 2026-11-02"));
});

Deno.test("merge: a usage and a cost report of one provider join; the same figure twice for a day is refused", async () => {
  const usage = parseReport(await fixture("anthropic_usage_pages.json"), "anthropic", {
    name: "u.json",
  });
  const cost = parseReport(await fixture("anthropic_cost.json"), "anthropic", { name: "c.json" });
  const both = mergeReports([usage, cost]);
  assert.deepEqual(both.sources.map((s) => s.kind), ["anthropic_usage", "anthropic_cost"]);
  assert.equal(both.rows.length, 7);
  assert.deepEqual([...new Set(both.rows.slice(3).map((r) => r.source))], [1]);
  // The usage report shows Priority Tier usage on Nov 3: its cost is not in the cost report.
  assert.ok(both.notes.some((n) => n.startsWith("Priority Tier usage on 1 day(s)")));
  assert.throws(
    () => mergeReports([usage, usage]),
    /u\.json and u\.json both report uncached_input for 2026-11-01/,
  );
  const openai = parseReport(await fixture("openai_costs.json"), "openai");
  assert.throws(
    () => mergeReports([usage, openai]),
    /reports of anthropic and openai cannot be merged/,
  );
});

Deno.test("an empty report is read, with a note that it holds nothing to compare", () => {
  const r = parseReport(
    {
      data: [{
        starting_at: "2026-11-01T00:00:00Z",
        ending_at: "2026-11-02T00:00:00Z",
        results: [],
      }],
    },
    "anthropic",
    { name: "e.json" },
  );
  assert.deepEqual([r.sources.length, r.rows.length], [0, 0]);
  assert.deepEqual(r.notes, ["e.json has no results: nothing in it to compare"]);
});
