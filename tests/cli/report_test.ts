/**
 * `ongoingai report` as a user runs it: a real CLI subprocess reading a SQLite file written by
 * the store, with figures checked against the analytics history's known totals, every usage
 * error (exit 2), and the failures (exit 1) that must leave the filesystem as it was.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/mod.ts";
import type { Trace } from "../../src/traces/trace.ts";
import { runCliProcess } from "../support/process.ts";
import { analyticsHistory } from "../store/conformance_analytics.ts";
import { days as monthDays, trace as monthTrace } from "../testdata/reconcile_month.ts";
import { keyA, keyedHistory } from "../store/key_filter_oracle.ts";
import { apiFixture } from "../api/api_fixture.ts";

interface Fixture {
  dir: string;
  db: string;
  history: Trace[];
}

/** A temp dir with `ongoingai.yaml` naming `traces.db`, written with the history unless empty. */
async function fixture(withTraces = true, history = analyticsHistory()): Promise<Fixture> {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-report-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const db = join(dir, "traces.db");
  const store = await openSqliteStore({ path: db });
  if (withTraces) await store.writeBatch(history);
  await store.close();
  return { dir, db, history };
}

const report = (dir: string, ...args: string[]) => runCliProcess(["report", ...args], { cwd: dir });

const listing = (dir: string) => [...Deno.readDirSync(dir)].map((e) => e.name).sort();

Deno.test("report --format json: the history's totals, groups and recent lists", async () => {
  const { dir, db, history } = await fixture();
  const before = Deno.readFileSync(db);
  const files = listing(dir);
  const r = await report(dir, "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "");
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema_version, "report.v2");
  assert.match(doc.generated_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  assert.deepStrictEqual(doc.storage, { driver: "sqlite", path: db });
  assert.deepStrictEqual(doc.filters, { limit: 10 });
  assert.deepStrictEqual(doc.summary, {
    total_requests: 5,
    total_input_tokens: 115,
    total_output_tokens: 75,
    total_tokens: 190,
    total_cost_usd: 0.011,
    partial_count: 0,
    unpriced_count: 1,
    unknown_usage_count: 1,
    error_count: 2,
    error_rate: 0.4,
    active_keys: 2,
    top_model: "gpt-4o-mini",
  });
  assert.deepStrictEqual(doc.providers, [
    {
      provider: "openai",
      request_count: 4,
      input_tokens: 110,
      output_tokens: 70,
      total_tokens: 180,
      total_cost_usd: 0.011,
      partial_count: 0,
      unpriced_count: 0,
      unknown_usage_count: 1,
    },
    {
      provider: "anthropic",
      request_count: 1,
      input_tokens: 5,
      output_tokens: 5,
      total_tokens: 10,
      // Nothing of it priced: unknown, never 0.
      total_cost_usd: null,
      partial_count: 0,
      unpriced_count: 1,
      unknown_usage_count: 0,
    },
  ]);
  assert.deepStrictEqual(
    doc.daily.map((d: Record<string, unknown>) => [
      d.day,
      d.provider,
      d.request_count,
      d.total_tokens,
      d.total_cost_usd,
    ]),
    [
      ["2026-03-02", "openai", 2, 180, 0.011],
      ["2026-03-03", "anthropic", 1, 10, null],
      ["2026-03-08", "openai", 1, 0, null],
      ["2026-03-09", "openai", 1, 0, 0],
    ],
  );
  assert.deepStrictEqual(
    doc.models.map((m: Record<string, unknown>) => [m.model, m.request_count, m.error_count]),
    [["gpt-4o-mini", 3, 2], ["claude-x", 1, 0], ["gpt-4o", 1, 0]],
  );
  assert.equal(doc.models[2].avg_ttft_ms, 50.5);
  assert.deepStrictEqual(
    doc.api_keys.map((k: Record<string, unknown>) => [
      k.api_key_hash,
      k.api_key_last4,
      k.request_count,
      k.total_tokens,
    ]),
    [["hash-a", "aaaa", 3, 180], ["hash-b", "bbbb", 1, 10]],
  );
  const ids = history.map((t) => t.id);
  assert.deepStrictEqual(doc.recent_errors.map((t: Trace) => t.id), [ids[4], ids[3]]);
  assert.deepStrictEqual(doc.recent_errors.map((t: Trace) => t.response_status), [429, 502]);
  assert.deepStrictEqual(doc.recent_traces.map((t: Trace) => t.id), [...ids].reverse());
  // Read-only: the database is byte for byte what the writer left. A reader of a WAL database
  // needs SQLite's shared-memory index (-shm) and an (empty) -wal beside it, so SQLite makes them
  // when missing; deleting them afterwards could corrupt a gateway that opened the file meanwhile.
  assert.deepStrictEqual(Deno.readFileSync(db), before);
  assert.deepStrictEqual(
    listing(dir).filter((f) => !files.includes(f)),
    ["traces.db-shm", "traces.db-wal"],
  );
  assert.equal(Deno.statSync(`${db}-wal`).size, 0);
});

Deno.test("report: filters narrow every section, and the limit caps the lists", async () => {
  const { dir } = await fixture();
  const r = await report(
    dir,
    "--provider",
    "openai",
    "--from",
    "2026-03-02",
    "--to",
    "2026-03-08",
    "--limit",
    "1",
    "--format",
    "JSON",
  );
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepStrictEqual(doc.filters, {
    provider: "openai",
    from: "2026-03-02T00:00:00.000Z",
    to: "2026-03-08T23:59:59.999Z",
    limit: 1,
  });
  assert.equal(doc.summary.total_requests, 3);
  assert.equal(doc.summary.error_count, 1);
  assert.deepStrictEqual(doc.providers.map((p: { provider: string }) => p.provider), ["openai"]);
  assert.equal(doc.models.length, 1);
  assert.equal(doc.recent_traces.length, 1);
  assert.equal(doc.recent_traces[0].timestamp, "2026-03-08T23:59:59.999Z");
  assert.equal(doc.recent_errors[0].response_status, 502);
});

Deno.test("report (text): titled sections and aligned columns", async () => {
  const { dir, db } = await fixture();
  const r = await report(dir);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "OngoingAI Report");
  for (const title of ["Summary", "Providers", "Daily by Provider (UTC)", "Models", "API Keys"]) {
    assert.ok(lines.includes(title), title);
  }
  assert.ok(lines.includes("Recent Errors") && lines.includes("Recent Traces"));
  assert.ok(lines.includes(`Storage path     ${db}`));
  // A total that leaves out what it could not price says it is a lower bound.
  assert.ok(lines.includes("Estimated cost (USD)  >=0.011000"));
  assert.ok(lines.includes("Top model             gpt-4o-mini"));
  assert.ok(lines.every((l) => l === l.trimEnd()), "no trailing spaces");
  // Numbers are right-aligned under their headers.
  const header = lines[lines.indexOf("Models") + 1]!;
  assert.match(header, /^MODEL\s+REQUESTS\s+TOTAL_TOKENS\s+TOTAL_COST_USD\s+AVG_LATENCY_MS/);
  const rows = lines.slice(lines.indexOf("Models") + 2, lines.indexOf("Models") + 5);
  const end = header.indexOf("TOTAL_COST_USD") + "TOTAL_COST_USD".length;
  // gpt-4o-mini has a cut stream (a lower bound); claude-x has no price: never 0.000000.
  assert.deepStrictEqual(rows.map((l) => l.slice(end - 10, end).trim()), [
    ">=0.001000",
    "unpriced",
    "0.010000",
  ]);
  assert.match(rows[2]!, /^gpt-4o\s+1\s+150\s+0\.010000\s+300\.00\s+50\.50\s+0$/);
});

Deno.test("report on an empty store: zeros and empty-table notes", async () => {
  const { dir } = await fixture(false);
  const text = await report(dir);
  assert.equal(text.code, 0, text.stderr);
  for (
    const note of [
      "(no provider data)",
      "(no daily data)",
      "(no model data)",
      "(no API key data)",
      "(no errors)",
      "(no traces)",
    ]
  ) assert.ok(text.stdout.includes(`\n${note}\n`), note);
  assert.ok(text.stdout.includes("Top model             (none)"));
  const json = JSON.parse((await report(dir, "--format", "json")).stdout);
  assert.equal(json.summary.total_requests, 0);
  assert.equal(json.summary.top_model, null);
  assert.deepStrictEqual(json.recent_traces, []);
});

const keyError = (value: string) =>
  `invalid --key "${value}": expected a provider key fingerprint, the 64 hex digits of ` +
  "api_key_hash (API_KEY_HASH in the text report's key table, api_keys[].api_key_hash in " +
  "--format json, /api/analytics/keys); not a prefix, the last four or the key itself";

Deno.test("report usage errors exit 2 with a clear message and no output", async () => {
  const { dir } = await fixture(false);
  const table: [string[], string][] = [
    [["--bogus"], "report: Unknown option '--bogus'"],
    [["extra"], 'report does not accept positional arguments (got "extra")'],
    [["--format", "xml"], 'invalid report format "xml": expected text, json or html'],
    [["--limit", "0"], 'limit must be between 1 and 200 (got "0")'],
    [["--limit", "201"], 'limit must be between 1 and 200 (got "201")'],
    [["--limit", "ten"], 'limit must be between 1 and 200 (got "ten")'],
    [["--limit", "1.5"], 'limit must be between 1 and 200 (got "1.5")'],
    [["--from", "yesterday"], 'invalid from: expected RFC3339 or YYYY-MM-DD (got "yesterday")'],
    [["--to", "2026-02-30"], 'invalid to: expected RFC3339 or YYYY-MM-DD (got "2026-02-30")'],
    [
      ["--from", "2026-03-02", "--to", "2026-03-01T23:59:59Z"],
      "invalid range: to must be greater than or equal to from",
    ],
    // The HTML page's key table shows a head and the last four: neither is a fingerprint.
    [["--key", "aaaaaaaa"], keyError("aaaaaaaa")],
    [["--key", `${"a".repeat(63)}g`], keyError(`${"a".repeat(63)}g`)],
  ];
  const results = await Promise.all(table.map(([args]) => report(dir, ...args)));
  table.forEach(([args, want], i) => {
    const r = results[i]!;
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
    assert.ok(r.stderr.startsWith(`${want}\n\nUsage: ongoingai report`), r.stderr);
  });
});

Deno.test("report with no database exits 1, names the path and creates nothing", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-report-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: data/traces.db\n");
  const r = await report(dir);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, "");
  const path = join(dir, "data", "traces.db");
  assert.equal(
    r.stderr,
    `failed to initialize trace store: trace database ${path} does not exist: ` +
      "`ongoingai serve` creates it when it first starts\n",
  );
  assert.deepStrictEqual(listing(dir), ["ongoingai.yaml"]);
});

Deno.test("report with a config that does not load, or an unsupported store, exits 1", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-report-" });
  Deno.writeTextFileSync(join(dir, "bad.yaml"), "storage:\n  bogus: 1\n");
  Deno.writeTextFileSync(
    join(dir, "pg.yaml"),
    "storage:\n  driver: postgres\n  dsn: postgres://127.0.0.1:1/db\n",
  );
  const bad = await report(dir, "--config", "bad.yaml");
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^failed to load config: .*bad\.yaml\n.*bogus/s);
  const pg = await report(dir, "--config", "pg.yaml");
  assert.equal(pg.code, 1);
  assert.match(pg.stderr, /^failed to initialize trace store: .*PostgreSQL .*127\.0\.0\.1:1\/db/);
  assert.deepStrictEqual(listing(dir), ["bad.yaml", "pg.yaml"]);
});

Deno.test("report: cost by billed dimension, from the traces' cost lines", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-report-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const store = await openSqliteStore({ path: join(dir, "traces.db") });
  await store.writeBatch(monthDays.flatMap((d) => [0, 1, 2].map((i) => monthTrace(d, i))));
  await store.close();
  try {
    const json = await report(dir, "--format", "json");
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout);
    assert.deepStrictEqual(
      doc.cost_dimensions.map((d: { dimension: string; quantity: number }) => [
        d.dimension,
        d.quantity,
      ]),
      [
        ["cache_write_1h", 36_000],
        ["output", 6300],
        ["cached_input", 270_000],
        ["cache_write", 18_000],
        ["input", 10_800],
      ],
    );
    const text = await report(dir);
    assert.match(
      text.stdout,
      /Cost by Billed Dimension\n.*\ncache_write_1h\s+36000\s+tokens\s+0\.216000\s+0/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("report --key: every section is that key's, the API's figures for api_key_hash", async () => {
  const history = keyedHistory();
  const { dir } = await fixture(true, history);
  const fx = await apiFixture(history);
  try {
    const api = async (path: string) => await (await fx.get(path)).json();
    const q = `api_key_hash=${keyA}`;
    // A fingerprint copied in upper case is the same key.
    const r = await report(dir, "--key", keyA.toUpperCase(), "--format", "json", "--limit", "200");
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepStrictEqual(doc.filters, { api_key_hash: keyA, limit: 200 });
    const mine = history.filter((t) => t.api_key_hash === keyA);
    assert.equal(doc.summary.total_requests, mine.length);
    assert.ok(mine.length < history.length, "the key is some of the traffic, not all of it");
    assert.deepStrictEqual(doc.summary, await api(`/api/analytics/summary?${q}`));
    assert.deepStrictEqual(doc.models, (await api(`/api/analytics/models?${q}`)).items);
    assert.deepStrictEqual(doc.api_keys, (await api(`/api/analytics/keys?${q}`)).items);
    assert.deepStrictEqual(
      doc.cost_dimensions,
      (await api(`/api/analytics/dimensions?${q}`)).items,
    );
    // Per group over the period (the cost series is by day: summed here).
    const costBy = async (group: string) => {
      const sums = new Map<string | null, number>();
      const items = (await api(`/api/analytics/cost?group_by=${group}&${q}`)).items;
      for (const i of items as { group: string | null; request_count: number }[]) {
        sums.set(i.group, (sums.get(i.group) ?? 0) + i.request_count);
      }
      return [...sums].sort();
    };
    type Counted = { request_count: number } & Record<string, unknown>;
    /** [name, requests] of each row, in name order. */
    const counts = (rows: Counted[], name: string) =>
      rows.map((r) => [r[name], r.request_count]).sort();
    const requests = (rows: Counted[]) => rows.reduce((n, r) => n + r.request_count, 0);
    assert.deepStrictEqual(counts(doc.developers, "name"), await costBy("developer"));
    assert.deepStrictEqual(counts(doc.agents, "name"), await costBy("agent"));
    assert.deepStrictEqual(counts(doc.providers, "provider"), await costBy("provider"));
    const traces = await api(`/api/traces?limit=200&${q}`);
    const ids = (items: { id: string }[]) => items.map((t) => t.id);
    assert.deepStrictEqual(ids(doc.recent_traces), ids(traces.items));
    const range = `from=${doc.sessions_range.from}&to=${doc.sessions_range.to}`;
    const sessions = await api(`/api/analytics/sessions?limit=500&${range}&${q}`);
    assert.deepStrictEqual(
      counts(doc.sessions, "session_id"),
      counts(sessions.items, "session_id"),
    );
    const failovers = await api(`/api/analytics/failovers?limit=1000&${q}`);
    assert.equal(requests(doc.failovers), requests(failovers.items));
    assert.equal(requests(doc.failovers), mine.filter((t) => t.route !== null).length);
    // Text, HTML and --by say which key, and read only its traces.
    const text = await report(dir, "--key", keyA);
    assert.equal(text.code, 0, text.stderr);
    assert.ok(text.stdout.includes(`\nFilter key       ${keyA}\n`), text.stdout);
    assert.ok(text.stdout.includes(`\nTotal requests        ${mine.length}\n`));
    const html = await report(dir, "--key", keyA, "--format", "html");
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, new RegExp(`<dt>--key</dt><dd>${keyA} \\(…aaaa\\)</dd>`));
    const by = await report(dir, "--key", keyA, "--by", "developer", "--format", "json");
    assert.equal(by.code, 0, by.stderr);
    const byDoc = JSON.parse(by.stdout);
    assert.equal(byDoc.filters.api_key_hash, keyA);
    assert.deepStrictEqual(counts(byDoc.developers, "developer"), await costBy("developer"));
  } finally {
    await fx.close();
    Deno.removeSync(dir, { recursive: true });
  }
});
