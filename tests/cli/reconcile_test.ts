/**
 * `ongoingai reconcile` as a user runs it: a SQLite store written with traces priced by the
 * gateway's own cost path (built-in Claude prices, 1-hour cache writes), against Anthropic Admin
 * API reports built here from the same usage at Anthropic's list prices — clean, then with a day
 * of traffic that bypassed the gateway; by files (a real CLI subprocess) and by `--fetch` from a
 * local stub of the Admin API. Usage errors exit 2, unusable reports 1 with a message.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { reconcile } from "../../src/cli/reconcile.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { days, reports, trace } from "../testdata/reconcile_month.ts";
import { runCaptured } from "../support/cli_io.ts";
import { runCliProcess } from "../support/process.ts";

async function fixture(): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-reconcile-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const store = await openSqliteStore({ path: join(dir, "traces.db") });
  await store.writeBatch(days.flatMap((d) => [0, 1, 2].map((i) => trace(d, i))));
  await store.close();
  return dir;
}

function writeReports(dir: string, scale: (day: string) => number): string[] {
  const { usage, cost } = reports(scale);
  Deno.writeTextFileSync(join(dir, "usage.json"), JSON.stringify(usage));
  Deno.writeTextFileSync(join(dir, "cost.json"), JSON.stringify(cost));
  return ["--report", "usage.json", "--report", "cost.json"];
}

Deno.test("reconcile: a clean month reconciles, and a bypass day is found and explained", async () => {
  const dir = await fixture();
  try {
    const clean = await runCliProcess(
      ["reconcile", "--provider", "anthropic", ...writeReports(dir, () => 1)],
      { cwd: dir },
    );
    assert.equal(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /within/i);

    // 2026-11-03: the provider billed twice the requests the gateway saw.
    const args = writeReports(dir, (d) => (d === "2026-11-03" ? 2 : 1));
    const text = await runCaptured(reconcile, ["--provider", "anthropic", ...args], dir);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /2026-11-03/);
    assert.match(text.stdout, /bypass/i);

    // --save keeps the documents as read, for GET /api/reconciliation.
    const saved = await runCaptured(reconcile, ["--provider", "anthropic", ...args, "--save"], dir);
    assert.equal(saved.code, 1);
    assert.match(saved.stderr, /saved 2 anthropic report\(s\)/);
    const store = await openSqliteStore({ path: join(dir, "traces.db") });
    const kept = await store.providerReports("anthropic");
    await store.close();
    assert.deepStrictEqual(kept.map((r) => r.name), ["usage.json", "cost.json"]);
    assert.equal(kept[0]!.body, Deno.readTextFileSync(join(dir, "usage.json")));

    const json = await runCaptured(
      reconcile,
      ["--provider", "anthropic", ...args, "--format", "json"],
      dir,
    );
    const doc = JSON.parse(json.stdout);
    assert.equal(doc.verdict.within_tolerance, false);
    const flagged = doc.lines.filter((l: { beyond_tolerance: boolean }) => l.beyond_tolerance);
    assert.deepStrictEqual(flagged.map((l: { day: string }) => l.day), ["2026-11-03"]);
    const causes = flagged[0].explanations.map((e: { cause: string }) => e.cause);
    assert.deepStrictEqual(causes, ["bypass"]);
    // The gateway's 1-hour writes are compared as such (Anthropic reports them apart).
    const w1h = flagged[0].metrics.cache_write_1h;
    assert.deepStrictEqual([w1h.gateway, w1h.provider], [3 * 4000, 6 * 4000]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("reconcile --fetch reads every page of both reports from the Admin API", async () => {
  const dir = await fixture();
  const { usage, cost } = reports(() => 1);
  const seen: string[] = [];
  // The usage report in two pages, to follow next_page.
  const pages: Record<string, unknown[]> = {
    "/v1/organizations/usage_report/messages": [
      { ...usage, data: usage.data.slice(0, 2), has_more: true, next_page: "p2" },
      { ...usage, data: usage.data.slice(2) },
    ],
    "/v1/organizations/cost_report": [cost],
    // The key list pages by after_id = last_id.
    "/v1/organizations/api_keys": [
      {
        data: [{ id: "apikey_A", partial_key_hint: "sk-ant-...AAAA" }],
        has_more: true,
        last_id: "apikey_A",
      },
      { data: [{ id: "apikey_B", partial_key_hint: "sk-ant-...BBBB" }], has_more: false },
    ],
  };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const url = new URL(req.url);
    const cursor = url.searchParams.get("page") ?? url.searchParams.get("after_id");
    seen.push(`${url.pathname}?${cursor ?? ""}`);
    if (url.searchParams.getAll("group_by[]").includes("api_key_id")) seen.push("by key");
    if (req.headers.get("x-api-key") !== "sk-ant-admin-test") {
      return Response.json({ error: { type: "authentication_error" } }, { status: 401 });
    }
    const list = pages[url.pathname] ?? [];
    const second = url.searchParams.get("page") === "p2" ||
      url.searchParams.get("after_id") === "apikey_A";
    return Response.json(list[second ? 1 : 0] ?? {});
  });
  try {
    const args = [
      "--provider",
      "anthropic",
      "--fetch",
      "--from",
      days[0]!,
      "--to",
      days.at(-1)!,
      "--admin-url",
      `http://127.0.0.1:${server.addr.port}`,
    ];
    const run = await runCaptured(reconcile, args, dir, {
      ANTHROPIC_ADMIN_KEY: "sk-ant-admin-test",
    });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepStrictEqual(seen, [
      "/v1/organizations/usage_report/messages?",
      "/v1/organizations/usage_report/messages?p2",
      "/v1/organizations/cost_report?",
    ]);
    const wrongKey = await runCaptured(reconcile, args, dir, { ANTHROPIC_ADMIN_KEY: "nope" });
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stderr, /HTTP 401/);
    const noKey = await runCaptured(reconcile, args, dir, {});
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /ANTHROPIC_ADMIN_KEY/);

    // By key: the usage report by model and key, no cost report, and every page of the key list.
    seen.length = 0;
    const env = { ANTHROPIC_ADMIN_KEY: "sk-ant-admin-test" };
    await runCaptured(reconcile, [...args, "--by-key"], dir, env);
    assert.deepStrictEqual(seen, [
      "/v1/organizations/usage_report/messages?",
      "by key",
      "/v1/organizations/usage_report/messages?p2",
      "by key",
      "/v1/organizations/api_keys?",
      "/v1/organizations/api_keys?apikey_A",
    ]);
  } finally {
    await server.shutdown();
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("reconcile: usage errors exit 2, reports it cannot use exit 1 and say why", async () => {
  const dir = await fixture();
  try {
    const run = (...args: string[]) => runCaptured(reconcile, args, dir);
    const usage: [string[], RegExp][] = [
      [[], /--provider anthropic or --provider openai/],
      [["--provider", "gemini", "--report", "x"], /--provider anthropic or --provider openai/],
      [["--provider", "openai"], /--report FILE/],
      [["--provider", "openai", "--report", "a", "--fetch"], /not both/],
      [["--provider", "openai", "--fetch"], /--fetch needs --from and --to/],
      [["--provider", "openai", "--report", "a", "--from", "2026-13-01"], /YYYY-MM-DD/],
      [["--provider", "openai", "--report", "a", "--tolerance", "lots"], /percentage/],
    ];
    for (const [args, pattern] of usage) {
      await assert.rejects(() => run(...args), pattern, args.join(" "));
    }
    Deno.writeTextFileSync(join(dir, "bad.json"), "{ not json");
    Deno.writeTextFileSync(join(dir, "other.json"), JSON.stringify({ data: [{ results: [{}] }] }));
    const failures: [string[], RegExp][] = [
      [["--provider", "anthropic", "--report", "missing.json"], /cannot read report missing\.json/],
      [["--provider", "anthropic", "--report", "bad.json"], /bad\.json is not JSON/],
      [["--provider", "anthropic", "--report", "other.json"], /cannot use the report/],
      [
        ["--provider", "openai", "--report", "other.json", "--gateway-provider", "nothing-here"],
        /cannot use the report/,
      ],
    ];
    for (const [args, pattern] of failures) {
      const r = await run(...args);
      assert.equal(r.code, 1, args.join(" "));
      assert.match(r.stderr, pattern, args.join(" "));
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("reconcile --by-key: lines per provider API key, named by the keys' last four", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-reconcile-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  // Requests 0 and 1 of each day with the key ending AAAA, request 2 with the one ending BBBB.
  const keyed = (d: string, i: number) => {
    const last4 = i < 2 ? "AAAA" : "BBBB";
    return { ...trace(d, i), api_key_last4: last4, api_key_hash: `hash-${last4}` };
  };
  const store = await openSqliteStore({ path: join(dir, "traces.db") });
  await store.writeBatch(days.flatMap((d) => [0, 1, 2].map((i) => keyed(d, i))));
  await store.close();
  // The usage report by model and key: key B billed twice its gateway traffic on the second day.
  const { usage } = reports(() => 1);
  interface UsageResult {
    uncached_input_tokens: number;
    cache_read_input_tokens: number;
    cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
    output_tokens: number;
  }
  const perKey = (bucket: (typeof usage.data)[number], share: number, id: string) =>
    (bucket.results as UsageResult[]).map((r) => ({
      ...r,
      api_key_id: id,
      uncached_input_tokens: r.uncached_input_tokens * share,
      cache_read_input_tokens: r.cache_read_input_tokens * share,
      cache_creation: {
        ephemeral_5m_input_tokens: r.cache_creation.ephemeral_5m_input_tokens * share,
        ephemeral_1h_input_tokens: r.cache_creation.ephemeral_1h_input_tokens * share,
      },
      output_tokens: r.output_tokens * share,
    }));
  const byKey = {
    ...usage,
    data: usage.data.map((b, i) => ({
      ...b,
      results: [
        ...perKey(b, 2 / 3, "apikey_A"),
        ...perKey(b, i === 1 ? 2 / 3 : 1 / 3, "apikey_B"),
      ],
    })),
  };
  Deno.writeTextFileSync(join(dir, "usage.json"), JSON.stringify(byKey));
  Deno.writeTextFileSync(
    join(dir, "keys.json"),
    JSON.stringify({
      data: [
        { id: "apikey_A", partial_key_hint: "sk-ant-api03-R2D...AAAA", status: "active" },
        { id: "apikey_B", partial_key_hint: "sk-ant-api03-Xy1...BBBB", status: "active" },
      ],
      has_more: false,
    }),
  );
  try {
    const args = ["--provider", "anthropic", "--report", "usage.json", "--by-key"];
    await assert.rejects(() => runCaptured(reconcile, args, dir), /--keys FILE/);
    const run = await runCaptured(
      reconcile,
      [...args, "--keys", "keys.json", "--format", "json"],
      dir,
    );
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout);
    const lines = doc.lines.map((l: { day: string; group: string; beyond_tolerance: boolean }) => [
      l.day,
      l.group,
      l.beyond_tolerance,
    ]);
    assert.deepStrictEqual(
      lines,
      days.flatMap((d, i) => [
        [d, "apikey_A", false],
        [d, "apikey_B", i === 1],
      ]),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
