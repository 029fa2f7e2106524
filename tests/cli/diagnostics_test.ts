/**
 * `ongoingai diagnostics`: the text rendering and flag parsing as tables, then the real CLI as a
 * subprocess against a real in-process gateway served on a loopback port (text, json, team mode
 * with the key from the environment and from the flag, a wrong key), a server that never
 * answers, and an answer over 1 MiB.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  diagnosticsText,
  failureClassOrder,
  parseGoDuration,
} from "../../src/cli/diagnostics_text.ts";
import { parseDiagnosticsArgs } from "../../src/cli/diagnostics.ts";
import { UsageError } from "../../src/cli/args.ts";
import { traceDiagnosticsBody, traceDiagnosticsResponseSchema } from "../../src/api/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import { startHarness } from "../support/gateway_harness.ts";
import { servedOnLoopback } from "../support/loopback_server.ts";
import { runCliProcess } from "../support/process.ts";

const source = "http://127.0.0.1:8080/api/diagnostics/trace-pipeline";

const ours = traceDiagnosticsBody({
  snapshot: writerSnapshot({
    write_failures_by_class: {
      contention: 1,
      connection: 2,
      timeout: 0,
      storage: 0,
      constraint: 0,
      invalid_data: 0,
      unknown: 0,
    },
  }),
  storeDriver: "postgres",
  now: Date.parse("2026-03-01T09:01:00Z"),
});

/** The value printed on the row whose label is `label` (first match) in `section`. */
function row(text: string, section: string, label: string): string | undefined {
  const lines = text.split("\n");
  const from = lines.indexOf(section);
  assert.notEqual(from, -1, `section ${section} in:\n${text}`);
  for (const line of lines.slice(from + 1)) {
    if (line === "") break;
    const m = /^\s+(.+?):\s+(.*)$/.exec(line);
    if (m && m[1] === label) return m[2];
  }
  return undefined;
}

Deno.test("diagnostics text: this gateway's document, every field shown", () => {
  const text = diagnosticsText(ours, source);
  const lines = text.split("\n");
  assert.equal(lines[0], "OngoingAI Diagnostics");
  assert.match(lines[1]!, /^ {2}Schema version: +trace-pipeline-diagnostics\.v1$/);
  assert.match(lines[2]!, /^ {2}Generated at: +2026-03-01T09:01:00\.000Z$/);
  assert.match(lines[3]!, new RegExp(`^ {2}Source: +${source}$`));
  assert.match(lines[4]!, /^ {2}Queue pressure: +OK$/);
  assert.match(lines[5]!, /^ {2}High watermark pressure: +ELEVATED$/);
  const sections = lines.filter((l) => /^[A-Z]/.test(l));
  assert.deepEqual(sections, [
    "OngoingAI Diagnostics",
    "Queue",
    "Drops",
    "Write Failures by Class",
    "Store",
  ]);
  const cases: [string, string, string][] = [
    ["Queue", "Capacity", "16384"],
    ["Queue", "Depth", "2"],
    ["Queue", "In flight (being written)", "1"],
    ["Queue", "High watermark", "9000"],
    ["Queue", "Utilization", "0%"],
    ["Queue", "High watermark utilization", "54%"],
    ["Queue", "Accepted", "120"],
    ["Queue", "Written", "117"],
    ["Queue", "Batches written", "12"],
    ["Drops", "Enqueue dropped", "3"],
    ["Drops", "Write dropped", "1"],
    ["Drops", "Total dropped", "4"],
    ["Drops", "queue_full", "3"],
    ["Drops", "write_failed", "1"],
    ["Drops", "Last drop at", "2026-03-01T09:00:30.000Z"],
    ["Drops", "Last drop reason", "write_failed"],
    ["Drops", "Bodies dropped", "5"],
    ["Write Failures by Class", "connection", "2"],
    ["Write Failures by Class", "contention", "1"],
    ["Write Failures by Class", "timeout", "0"],
    ["Write Failures by Class", "invalid_data", "0"],
    ["Write Failures by Class", "Total (store calls)", "3"],
    ["Store", "Driver", "postgres"],
    ["Store", "State", "ok"],
    ["Store", "Writer", "running"],
  ];
  for (const [section, label, value] of cases) {
    assert.equal(row(text, section, label), value, `${section} / ${label}`);
  }
  // The reference's classes in its order, then ours.
  const at = lines.indexOf("Write Failures by Class");
  const classes = lines.slice(at + 1, at + 1 + failureClassOrder.length)
    .map((l) => l.trim().split(":")[0]);
  assert.deepEqual(classes, [
    "connection",
    "timeout",
    "contention",
    "constraint",
    "unknown",
    "storage",
    "invalid_data",
  ]);
  // A complete document leaves nothing unknown.
  assert.doesNotMatch(text, /:\s+(unknown|UNKNOWN)$/m);
});

Deno.test("diagnostics text: nothing dropped yet shows none, not unknown", () => {
  const body = structuredClone(ours);
  body.diagnostics.last_drop_at = null;
  body.diagnostics.last_drop_reason = null;
  const text = diagnosticsText(body, source);
  assert.equal(row(text, "Drops", "Last drop at"), "none");
  assert.equal(row(text, "Drops", "Last drop reason"), "none");
});

Deno.test("diagnostics text: what a document does not say is unknown, never 0", async (t) => {
  const cases: [string, unknown, [string, string, string | undefined][]][] = [
    [
      "the original's document: only non-zero classes, no totals of ours",
      {
        schema_version: "trace-pipeline-diagnostics.v1",
        generated_at: "2026-02-12T10:00:00Z",
        diagnostics: {
          queue_capacity: 1024,
          queue_depth: 3,
          queue_depth_high_watermark: 10,
          queue_utilization_pct: 0,
          queue_high_watermark_utilization_pct: 0,
          queue_pressure_state: "ok",
          queue_high_watermark_pressure_state: "ok",
          enqueue_accepted_total: 50,
          enqueue_dropped_total: 4,
          write_dropped_total: 2,
          total_dropped_total: 6,
          last_write_drop_operation: "write_batch_fallback",
          write_failures_by_class: { connection: 3, timeout: 2 },
          store_driver: "postgres",
        },
      },
      [
        ["Write Failures by Class", "connection", "3"],
        ["Write Failures by Class", "timeout", "2"],
        // The original omits zero classes: a missing class in a present object is 0.
        ["Write Failures by Class", "contention", "0"],
        ["Drops", "Last write drop operation", "write_batch_fallback"],
        // Fields only this gateway sends: no row rather than a made-up value.
        ["Queue", "Written", undefined],
        ["Store", "State", undefined],
        ["Store", "Driver", "postgres"],
      ],
    ],
    [
      "the original's document with no failures and no store driver",
      {
        schema_version: "trace-pipeline-diagnostics.v1",
        diagnostics: { queue_capacity: 1024 },
      },
      [
        ["Queue", "Capacity", "1024"],
        ["Queue", "Depth", "unknown"],
        ["Queue", "Utilization", "unknown"],
        ["Drops", "Total dropped", "unknown"],
        ["Write Failures by Class", "connection", "unknown"],
        ["Store", "Driver", "unknown"],
      ],
    ],
    [
      "wrong types",
      {
        schema_version: "trace-pipeline-diagnostics.v1",
        diagnostics: {
          queue_capacity: "1024",
          queue_depth: null,
          write_failures_by_class: { connection: "x" },
          dropped_by_reason: {},
        },
      },
      [
        ["Queue", "Capacity", "unknown"],
        ["Queue", "Depth", "unknown"],
        ["Write Failures by Class", "connection", "unknown"],
        ["Drops", "queue_full", "unknown"],
      ],
    ],
  ];
  for (const [name, body, expected] of cases) {
    await t.step(name, () => {
      const text = diagnosticsText(body, source);
      for (const [section, label, value] of expected) {
        assert.equal(row(text, section, label), value, `${section} / ${label}:\n${text}`);
      }
    });
  }
  await t.step("pressures missing are UNKNOWN", () => {
    const text = diagnosticsText({ schema_version: "x", diagnostics: {} }, source);
    assert.match(text, /Queue pressure: +UNKNOWN\n/);
    assert.match(text, /High watermark pressure: +UNKNOWN\n/);
    assert.match(text, /Generated at: +unknown\n/);
  });
});

Deno.test("diagnostics: Go durations", () => {
  const cases: [string, number | null][] = [
    ["5s", 5000],
    ["500ms", 500],
    ["1m30s", 90_000],
    ["1.5s", 1500],
    ["1h", 3_600_000],
    ["250us", 0.25],
    ["250µs", 0.25],
    ["0", 0],
    ["-1s", -1000],
    ["5", null],
    ["", null],
    ["s", null],
    ["5 s", null],
    ["5sec", null],
    ["1d", null],
  ];
  for (const [raw, ms] of cases) assert.equal(parseGoDuration(raw), ms, raw);
});

Deno.test("diagnostics: flags", async (t) => {
  await t.step("defaults", () => {
    assert.deepEqual(parseDiagnosticsArgs([]), {
      base: undefined,
      config: undefined,
      flagKey: undefined,
      authHeader: undefined,
      format: "text",
      timeoutMs: 5000,
    });
  });
  const good: [string[], Partial<ReturnType<typeof parseDiagnosticsArgs>>][] = [
    [["trace-pipeline"], {}],
    [["--base-url", "http://gw:8080/?x=1#f"], { base: "http://gw:8080" }],
    [["--url", "https://gw.example/base/"], { base: "https://gw.example/base" }],
    [["--format", " JSON "], { format: "json" }],
    [["--timeout", "500ms"], { timeoutMs: 500 }],
    [["--timeout", "1us"], { timeoutMs: 1 }],
    [["--timeout-ms", "250"], { timeoutMs: 250 }],
    [["--auth-header", "X-Team-Key"], { authHeader: "X-Team-Key" }],
    [["--gateway-key", "gk"], { flagKey: "gk" }],
    [["--config", "gw.config.ts"], { config: "gw.config.ts" }],
  ];
  for (const [args, expected] of good) {
    await t.step(args.join(" "), () => {
      const got = parseDiagnosticsArgs(args);
      for (const [k, v] of Object.entries(expected)) {
        assert.equal(got[k as keyof typeof got], v, k);
      }
    });
  }
  const bad: [string[], RegExp][] = [
    [["queue"], /^unsupported diagnostics target "queue": expected "trace-pipeline"$/],
    [["trace-pipeline", "more"], /one target at most/],
    [["--timeout", "0s"], /--timeout must be > 0 \(got "0s"\)/],
    [["--timeout=-1s"], /--timeout must be > 0/],
    [["--timeout", "5"], /--timeout must be a duration such as 5s/],
    [["--timeout", "5s", "--timeout-ms", "5"], /--timeout or --timeout-ms, not both/],
    [["--timeout-ms", "0"], /--timeout-ms must be a positive whole number/],
    [["--format", "yaml"], /invalid diagnostics format "yaml": expected text or json/],
    [["--base-url", "gw:8080"], /^diagnostics: --base-url must be the gateway's base URL/],
    [["--url", "ftp://gw"], /^diagnostics: --url must be the gateway's base URL/],
    [["--base-url", "http://a", "--url", "http://b"], /--base-url or --url/],
    [["--auth-header", "X Key"], /--auth-header must be an HTTP header name/],
    [["--verbose"], /^diagnostics: Unknown option '--verbose'/],
  ];
  for (const [args, message] of bad) {
    await t.step(args.join(" "), () => {
      assert.throws(() => parseDiagnosticsArgs(args), (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

const adminToken = "gw-diag-admin-00000000000000000";
const teamConfig = {
  server: { host: "127.0.0.1" },
  auth: {
    enabled: true,
    keys: [{
      id: "ops",
      token: adminToken,
      role: "viewer" as const,
      permissions: ["diagnostics:read" as const],
    }],
  },
};

/** A real gateway (team mode or not) on a loopback port while `fn` runs. */
async function withGateway(team: boolean, fn: (url: string) => Promise<void>): Promise<void> {
  const g = await startHarness(team ? teamConfig : { server: { host: "127.0.0.1" } });
  try {
    await servedOnLoopback((req) => g.gateway.fetch(req), fn);
  } finally {
    await g.close();
  }
}

const cli = (args: string[], env: Record<string, string> = {}) =>
  runCliProcess(["diagnostics", ...args], { cwd: Deno.cwd(), env });

Deno.test("diagnostics process: text and json from a running gateway", async () => {
  await withGateway(false, async (url) => {
    const text = await cli(["--base-url", url]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, "");
    assert.match(text.stdout, /^OngoingAI Diagnostics\n/);
    assert.match(text.stdout, new RegExp(`Source: +${url}/api/diagnostics/trace-pipeline\n`));
    assert.match(text.stdout, /\nQueue\n[\s\S]*\nDrops\n[\s\S]*\nWrite Failures by Class\n/);
    assert.match(text.stdout, /Driver: +sqlite\n/);
    assert.doesNotMatch(text.stdout, /:\s+(unknown|UNKNOWN)$/m);

    const json = await cli(["trace-pipeline", "--url", url, "--format", "json", "--timeout", "5s"]);
    assert.equal(json.code, 0, json.stderr);
    const doc = traceDiagnosticsResponseSchema.parse(JSON.parse(json.stdout));
    assert.equal(doc.schema_version, "trace-pipeline-diagnostics.v1");
    assert.equal(doc.diagnostics.store_driver, "sqlite");
  });
});

Deno.test("diagnostics process: team mode keys (env, flag with a warning, wrong, none)", async () => {
  await withGateway(true, async (url) => {
    const fromEnv = await cli(["--base-url", url, "--format", "json"], {
      ONGOINGAI_GATEWAY_KEY: adminToken,
    });
    assert.equal(fromEnv.code, 0, fromEnv.stderr);
    assert.equal(fromEnv.stderr, "");
    assert.equal(JSON.parse(fromEnv.stdout).schema_version, "trace-pipeline-diagnostics.v1");

    const fromFlag = await cli(["--base-url", url, "--gateway-key", adminToken]);
    assert.equal(fromFlag.code, 0, fromFlag.stderr);
    assert.match(fromFlag.stdout, /^OngoingAI Diagnostics\n/);
    assert.equal(
      fromFlag.stderr,
      "warning: --gateway-key is visible to every user of this machine (ps); set " +
        "ONGOINGAI_GATEWAY_KEY instead\n",
    );

    const wrong = await cli(["--base-url", url], { ONGOINGAI_GATEWAY_KEY: "gw-not-a-key" });
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stdout, "");
    assert.match(wrong.stderr, /^failed to read diagnostics: status 401: \S.*\n/);
    assert.match(wrong.stderr, /\nThe key came from ONGOINGAI_GATEWAY_KEY\.\n$/);
    assert.doesNotMatch(wrong.stderr, /gw-not-a-key/);

    const none = await cli(["--base-url", url]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^failed to read diagnostics: status 401: /);
    assert.match(none.stderr, /set ONGOINGAI_GATEWAY_KEY/);

    // The key in another header than the gateway reads: refused as missing.
    const header = await cli(["--base-url", url, "--auth-header", "X-Other"], {
      ONGOINGAI_GATEWAY_KEY: adminToken,
    });
    assert.equal(header.code, 1);
    assert.match(header.stderr, /^failed to read diagnostics: status 401: /);
  });
});

Deno.test("diagnostics process: the config's address and auth.header", async () => {
  const config = { ...teamConfig, auth: { ...teamConfig.auth, header: "X-Team-Key" } };
  const g = await startHarness(config);
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-diag-" }));
  const env = { ONGOINGAI_GATEWAY_KEY: adminToken };
  try {
    await servedOnLoopback((req) => g.gateway.fetch(req), async (url) => {
      const port = Number(new URL(url).port);
      await Deno.writeTextFile(
        join(dir, "ongoingai.yaml"),
        JSON.stringify({ ...config, server: { host: "127.0.0.1", port } }),
      );
      // Discovered in the current directory: its address, and the key in its header.
      const found = await runCliProcess(["diagnostics"], { cwd: dir, env });
      assert.equal(found.code, 0, found.stderr);
      assert.match(found.stdout, new RegExp(`Source: +${url}/api/diagnostics/trace-pipeline\n`));
      // --base-url with --config: the address given, the header from the config.
      const named = await runCliProcess(
        ["diagnostics", "--base-url", url, "--config", "ongoingai.yaml", "--format", "json"],
        { cwd: dir, env },
      );
      assert.equal(named.code, 0, named.stderr);
      // --base-url alone: the default header, which this gateway does not read.
      const bare = await runCliProcess(["diagnostics", "--base-url", url], { cwd: dir, env });
      assert.equal(bare.code, 1);
      assert.match(bare.stderr, /^failed to read diagnostics: status 401: .*X-Team-Key/);
    });
  } finally {
    await g.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("diagnostics process: an unsupported target is a usage error", async () => {
  const r = await cli(["queue", "--base-url", "http://127.0.0.1:9"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^unsupported diagnostics target "queue": expected "trace-pipeline"\n/);
  assert.equal(r.stdout, "");
});

Deno.test("diagnostics process: a server that never answers fails after --timeout", async () => {
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  await servedOnLoopback(async () => {
    await released;
    return new Response("late");
  }, async (url) => {
    try {
      const r = await cli(["--base-url", url, "--timeout", "300ms"]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /^failed to read diagnostics: http:\/\/127\.0\.0\.1:\d+\/api\/diagnostics\/trace-pipeline: no answer within 300 ms \(raise --timeout /,
      );
    } finally {
      release();
    }
  });
});

Deno.test("diagnostics process: answers the gateway would not give", async (t) => {
  const cases: [string, () => Response, RegExp][] = [
    [
      "over 1 MiB",
      () =>
        Response.json({
          schema_version: "trace-pipeline-diagnostics.v1",
          pad: "x".repeat((1 << 20) + 10),
        }),
      /^failed to read diagnostics: \S+: response too large: the answer is over 1048576 bytes/,
    ],
    [
      "no schema_version",
      () => Response.json({ diagnostics: {} }),
      /^failed to read diagnostics: the answer has no schema_version/,
    ],
    [
      "an error as the original writes it",
      () => Response.json({ error: "trace pipeline diagnostics unavailable" }, { status: 503 }),
      /^failed to read diagnostics: status 503: trace pipeline diagnostics unavailable\n$/,
    ],
    [
      "a plain-text error",
      () => new Response("404 page not found\n", { status: 404 }),
      /^failed to read diagnostics: status 404: 404 page not found\n$/,
    ],
  ];
  for (const [name, respond, message] of cases) {
    await t.step(name, async () => {
      await servedOnLoopback(respond, async (url) => {
        const r = await cli(["--base-url", url]);
        assert.equal(r.code, 1, r.stdout);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, message);
      });
    });
  }
});
