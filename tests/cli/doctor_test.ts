/**
 * `ongoingai doctor`, in-process: the config-only checks' outcomes and messages (section 1.7 of
 * the reference, then ours), the skip rule when the config fails, the overall status, the JSON
 * and text forms and the exit codes. The probes (storage, telemetry, price table) are in
 * doctor_probes_test.ts.
 */
import assert from "node:assert/strict";
import { ownerOf } from "../../src/cli/doctor_checks.ts";
import { checkNames, type DoctorCheck, renderDoctorText } from "../../src/cli/doctor_report.ts";
import { runCli } from "../../src/cli/mod.ts";
import { withFiles } from "../config/temp_files.ts";
import { byName, doctorOf, io } from "./doctor_support.ts";

Deno.test("doctor: the checks come in the original's order, then ours", async () => {
  const doc = await doctorOf({});
  assert.deepEqual(doc.checks.map((c) => c.name), [...checkNames]);
  assert.deepEqual(checkNames.slice(0, 4), ["config", "storage", "route_wiring", "auth_posture"]);
});

Deno.test("doctor: loader problems belong to the check of their area", () => {
  const table: [string, string][] = [
    ["providers.openai.prefix", "route_wiring"],
    ["providers.openai.upstream", "config"],
    ["providers.openai.keys[0].key", "routes"],
    ["providers.openai.keys", "routes"],
    ["routes.fast.targets[0].provider", "routes"],
    ["routesx", "config"],
    ["auth.header", "auth_posture"],
    ["auth.keys[1].id", "auth_posture"],
    ["pii.replacement.hash_salt", "pii_salt"],
    ["pii.mode", "config"],
    ["observability.otel.endpoint", "telemetry"],
    ["pricing.sources[0]", "price_table"],
    ["server.port", "config"],
    ["", "config"],
  ];
  for (const [path, owner] of table) assert.equal(ownerOf(path), owner, path);
});

interface Case {
  name: string;
  config: unknown;
  check: DoctorCheck["name"];
  status: DoctorCheck["status"];
  summary: string | RegExp;
  detail?: RegExp;
}

const cases: Case[] = [
  {
    name: "a config that does not validate fails config",
    config: { server: { port: 99999 } },
    check: "config",
    status: "fail",
    summary: "failed to load or validate configuration",
    detail: /^server\.port: must be between 1 and 65535/,
  },
  {
    name: "two provider prefixes that overlap fail route_wiring",
    config: { providers: { groq: { prefix: "/openai/groq" } } },
    check: "route_wiring",
    status: "fail",
    summary: "provider prefixes overlap",
    detail: /providers\.groq\.prefix: "\/openai\/groq" overlaps providers\.openai\.prefix/,
  },
  {
    name: "a prefix under /api fails route_wiring with the original's message",
    config: { providers: { groq: { prefix: "/api/groq" } } },
    check: "route_wiring",
    status: "fail",
    summary: "provider prefixes must not overlap with /api routes",
  },
  {
    name: "a prefix of / fails route_wiring",
    config: { providers: { openai: { prefix: "/" } } },
    check: "route_wiring",
    status: "fail",
    summary: "a provider prefix must not be /",
  },
  {
    name: "every provider prefix and the API are listed when they are apart",
    config: { providers: { groq: {} } },
    check: "route_wiring",
    status: "pass",
    summary: "provider routes and /api routes are separate",
    detail: /^groq: \/groq -> https:\/\/api\.groq\.com/,
  },
  {
    name: "auth.header Authorization fails auth_posture",
    config: {
      auth: {
        enabled: true,
        header: "authorization",
        keys: [{ id: "a", token_hash: "a".repeat(64) }],
      },
    },
    check: "auth_posture",
    status: "fail",
    summary: "auth header conflicts with provider credential headers",
  },
  {
    name: "auth.header X-API-Key fails auth_posture",
    config: { auth: { header: "X-Api-Key" } },
    check: "auth_posture",
    status: "fail",
    summary: "auth header conflicts with provider credential headers",
  },
  {
    name: "team mode without keys fails auth_posture",
    config: { auth: { enabled: true } },
    check: "auth_posture",
    status: "fail",
    summary: "auth is enabled but no gateway keys are configured",
  },
  {
    name: "auth disabled warns and says what is bypassed",
    config: {},
    check: "auth_posture",
    status: "warn",
    summary: "gateway auth is disabled",
    detail: /^\d+ protected authorization rules are bypassed$/,
  },
  {
    name: "team mode with keys passes auth_posture",
    config: { auth: { enabled: true, keys: [{ id: "a", token_hash: "a".repeat(64) }] } },
    check: "auth_posture",
    status: "pass",
    summary: "gateway auth is enabled",
    detail: /^active gateway keys: 1 /,
  },
  {
    name: "a route to a disabled provider fails routes",
    config: {
      providers: { groq: { enabled: false } },
      routes: { fast: { targets: [{ provider: "groq", model: "llama" }] } },
    },
    check: "routes",
    status: "fail",
    summary: "routes or key pools cannot be used as written",
    detail: /^routes\.fast\.targets\[0\]\.provider: providers\.groq is disabled/,
  },
  {
    name: "a key pool on a public listener without auth fails routes",
    config: {
      server: { host: "0.0.0.0" },
      providers: { openai: { keys: [{ id: "a", key: { env: "DOCTOR_POOL_KEY" } }] } },
    },
    check: "routes",
    status: "fail",
    summary: "routes or key pools cannot be used as written",
    detail: /is never used: a key pool serves requests only in team mode/,
  },
  {
    name: "a pool whose every key variable is unset fails routes",
    config: {
      server: { host: "127.0.0.1" },
      providers: { openai: { keys: [{ id: "a", key: { env: "DOCTOR_UNSET_KEY" } }] } },
    },
    check: "routes",
    status: "fail",
    summary: "routes or key pools cannot be used as written",
    detail: /no key of the pool is set/,
  },
  {
    name: "routes with enabled targets pass and are listed",
    config: { routes: { fast: { targets: [{ provider: "openai", model: "gpt-6-luna" }] } } },
    check: "routes",
    status: "pass",
    summary: "1 route(s) with enabled targets, 0 usable key pool(s)",
    detail: /^route fast -> openai\/gpt-6-luna$/,
  },
  {
    name: "no routes or pools skips routes",
    config: {},
    check: "routes",
    status: "skip",
    summary: "no routes or key pools configured",
  },
  {
    name: "a PII policy that hashes without a salt warns",
    config: { pii: { mode: "redact_storage" } },
    check: "pii_salt",
    status: "warn",
    summary: "PII placeholders are hashed without a salt",
    detail: /^warning: pii\.replacement\.hash_salt: is empty/,
  },
  {
    name: "a salted PII policy passes",
    config: { pii: { mode: "redact_storage", replacement: { hash_salt: "s".repeat(32) } } },
    check: "pii_salt",
    status: "pass",
    summary: "PII placeholders are keyed by pii.replacement.hash_salt",
  },
  {
    name: "no active PII policy skips pii_salt",
    config: {},
    check: "pii_salt",
    status: "skip",
    summary: "no PII policy is active, so nothing is hashed",
  },
  {
    name: "no collector and no scrape endpoint skips telemetry",
    config: {},
    check: "telemetry",
    status: "skip",
    summary: "no OTLP endpoint configured",
  },
  {
    name: "a scrape endpoint alone passes telemetry",
    config: { observability: { prometheus: { enabled: true } } },
    check: "telemetry",
    status: "pass",
    summary: "no OTLP endpoint configured",
    detail: /^prometheus: scrape \/metrics on the gateway's port$/,
  },
];

for (const c of cases) {
  Deno.test(`doctor: ${c.name}`, async () => {
    const found = byName(await doctorOf(c.config), c.check);
    assert.equal(found.status, c.status, JSON.stringify(found));
    if (typeof c.summary === "string") assert.equal(found.summary, c.summary);
    else assert.match(found.summary, c.summary);
    if (c.detail) {
      assert.ok(found.details?.some((d) => c.detail!.test(d)), JSON.stringify(found.details));
    }
  });
}

Deno.test("doctor: when the config fails, checks without problems of their own are skipped", async () => {
  const doc = await doctorOf({ server: { port: 99999 } });
  assert.equal(doc.overall_status, "fail");
  for (const c of doc.checks.slice(1)) {
    assert.deepEqual(c, {
      name: c.name,
      status: "skip",
      summary: "skipped: config failed to load",
    });
  }
});

Deno.test("doctor: an overlap alone fails config too, pointing below, and skips storage", async () => {
  const doc = await doctorOf({ providers: { groq: { prefix: "/openai/x" } } });
  assert.equal(byName(doc, "config").summary, "configuration is invalid: see the checks below");
  assert.equal(byName(doc, "config").status, "fail");
  assert.equal(byName(doc, "storage").status, "skip");
  assert.equal(byName(doc, "route_wiring").status, "fail");
  assert.equal(byName(doc, "auth_posture").status, "skip");
});

Deno.test("doctor: text layout", () => {
  const text = renderDoctorText({
    generated_at: "2026-12-07T00:00:00.000Z",
    config_path: "/tmp/c.json",
    overall_status: "warn",
    checks: [
      { name: "config", status: "pass", summary: "loaded and validated configuration" },
      {
        name: "auth_posture",
        status: "warn",
        summary: "gateway auth is disabled",
        details: ["a", "b"],
      },
    ],
  });
  assert.equal(
    text,
    [
      "OngoingAI Doctor",
      "Generated at    2026-12-07T00:00:00.000Z",
      "Config path     /tmp/c.json",
      "Overall status  WARN",
      "",
      "Checks",
      "- [PASS] config: loaded and validated configuration",
      "- [WARN] auth_posture: gateway auth is disabled",
      "  a",
      "  b",
      "",
    ].join("\n"),
  );
});

async function cli(args: string[], config: unknown) {
  return await withFiles({ "c.json": JSON.stringify(config) }, async (dir) => {
    const out = { stdout: "", stderr: "" };
    const code = await runCli(["doctor", "--config", "c.json", ...args], io(dir, out));
    return { code, ...out };
  });
}

Deno.test("doctor: JSON has the original's keys and no schema_version; warn exits 0", async () => {
  const r = await cli(["--format", "json"], {});
  assert.equal(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ["generated_at", "config_path", "overall_status", "checks"]);
  assert.equal(doc.overall_status, "warn");
  for (const c of doc.checks) {
    assert.deepEqual(Object.keys(c).filter((k) => k !== "details"), ["name", "status", "summary"]);
  }
});

Deno.test("doctor: fail exits 1, text by default, --format is case-insensitive", async () => {
  const r = await cli([], { auth: { enabled: true } });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^Overall status {2}FAIL$/m);
  assert.match(r.stdout, /^- \[FAIL\] auth_posture: auth is enabled but no gateway keys/m);
  const j = await cli(["--format", " JSON "], {});
  assert.equal(JSON.parse(j.stdout).checks.length, checkNames.length);
});

Deno.test("doctor: usage errors exit 2", async () => {
  const table: [string[], RegExp][] = [
    [["extra"], /^doctor does not accept positional arguments\n/],
    [["--format", "yaml"], /^invalid doctor format "yaml": expected text or json/],
    [["--nope"], /^doctor: Unknown option '--nope'/],
  ];
  for (const [args, message] of table) {
    const r = await cli(args, {});
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, message);
    assert.equal(r.stdout, "");
  }
});

Deno.test("doctor: a pool with a key left out warns, naming the unset variable", async () => {
  const keys = [
    { id: "a", key: "sk-doctor-aaaaaaaaaaaaaaaa" },
    { id: "b", key: { env: "DOCTOR_UNSET_B" } },
  ];
  const config = { server: { host: "127.0.0.1" }, providers: { openai: { keys } } };
  const r = byName(await doctorOf(config), "routes");
  assert.equal(r.status, "warn", JSON.stringify(r));
  assert.equal(r.summary, "routes and key pools work, with warnings");
  assert.ok(r.details?.some((d) => /environment variable DOCTOR_UNSET_B is not set/.test(d)));
  assert.ok(
    r.details?.includes(
      "key pool openai: 1 usable key(s), served in server.host 127.0.0.1 (loopback)",
    ),
  );
});
