/**
 * `policy.changed` entries (issue 22): one per policy section that differs between the running
 * config and a reloaded one, before and after in a canonical, bounded, secret-free form; a config
 * full of secrets yields entries holding none of them; a reload writes them after
 * `config.reloaded`, an unchanged reload writes none.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type GatewayConfig, validateConfig } from "../../src/config/mod.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { createGenerations } from "../../src/server/generations.ts";
import { silentLogger } from "../../src/log/mod.ts";
import { createReloader } from "../../src/server/reload.ts";
import {
  maxPolicyViewBytes,
  policyChanges,
  policySections,
  policyView,
  scalar,
} from "../../src/server/audit_policy.ts";
import { canonicalJson, maxAuditPayloadBytes, type NewAuditEntry } from "../../src/store/mod.ts";
// The store's own check of an entry before it appends one (not re-exported by its mod.ts).
import { checkNewAuditEntry } from "../../src/store/audit_chain.ts";

function config(input: Record<string, unknown> = {}, env: Record<string, string> = {}) {
  const result = validateConfig(input, { env });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const ctx = { at: "2026-12-07T06:00:00.000Z", generation: 3, sha256: "ab".repeat(32) };
const key = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  token_hash: "c".repeat(64),
  ...extra,
});
const team = { enabled: true, keys: [key("a")] };

interface Case {
  name: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  /** The sections expected, in order. */
  sections: string[];
  /** Checks on the first entry's before/after. */
  check?: (e: NewAuditEntry) => void;
}

const cases: Case[] = [
  { name: "the same config changes nothing", before: {}, after: {}, sections: [] },
  {
    name: "a section's fields in another order change nothing",
    before: { auth: { enabled: true, keys: [key("a"), key("b")] } },
    after: { auth: { keys: [key("b"), key("a")], enabled: true } },
    sections: [],
  },
  {
    name: "PII mode: the effective and the written mode",
    before: { pii: { mode: "off" } },
    after: { pii: { mode: "block" } },
    sections: ["pii"],
    check: (e) => {
      assert.equal((e.before as { mode: string }).mode, "off");
      assert.deepEqual(
        [(e.after as { mode: string }).mode, (e.after as { mode_written: string }).mode_written],
        ["block", "block"],
      );
    },
  },
  {
    name: "PII: a custom detector by name and pattern source, a scope",
    before: { pii: { mode: "redact_storage" } },
    after: {
      pii: {
        mode: "redact_storage",
        custom_detectors: [{ name: "employee_id", pattern: "E-[0-9]{6}", flags: "i" }],
        scopes: [{ match: { workspace_id: "ws-a" }, mode: "block" }],
      },
    },
    sections: ["pii"],
    check: (e) => {
      const after = e.after as { custom_detectors: unknown[]; scopes: unknown[] };
      assert.deepEqual(after.custom_detectors, [
        { name: "employee_id", type: null, pattern: "E-[0-9]{6}", flags: "i", validator: false },
      ]);
      assert.deepEqual(after.scopes, [{
        match: {
          org_id: null,
          workspace_id: "ws-a",
          key_id: null,
          provider: null,
          route_prefix: null,
        },
        mode: "block",
        policy_id: null,
      }]);
    },
  },
  {
    name: "limits: a fraction of a dollar is written as a string",
    before: {},
    after: { limits: { per_workspace: { cost_usd_per_day: 12.5, requests_per_minute: 60 } } },
    sections: ["limits"],
    check: (e) => {
      const after = e.after as { per_workspace: Record<string, unknown> };
      assert.equal(after.per_workspace.cost_usd_per_day, "12.5");
      assert.equal(after.per_workspace.requests_per_minute, 60);
    },
  },
  {
    name: "auth: a key added, by id, role, permissions and tenant",
    before: { auth: team },
    after: {
      auth: {
        enabled: true,
        keys: [key("a"), key("ops", { role: "admin", permissions: ["audit:read"], team: "t" })],
      },
    },
    sections: ["auth"],
    check: (e) => {
      const after = e.after as { keys: unknown[] };
      assert.deepEqual(after.keys[1], {
        id: "ops",
        role: "admin",
        permissions: ["audit:read"],
        org_id: "default",
        workspace_id: "t",
        limits: null,
      });
    },
  },
  {
    name: "routes: a target's weight, a retry setting",
    before: {
      routes: { main: { targets: [{ provider: "openai", model: "gpt-a" }] } },
    },
    after: {
      routes: {
        main: {
          strategy: "weighted",
          targets: [{ provider: "openai", model: "gpt-a", weight: 0.5 }],
          retry: { attempts: 3 },
          circuit_breaker: false,
        },
      },
    },
    sections: ["routes"],
    check: (e) => {
      const main = (e.after as { routes: { main: Record<string, unknown> } }).routes.main;
      assert.equal(main.strategy, "weighted");
      assert.deepEqual(main.targets, [
        { provider: "openai", model: "gpt-a", weight: "0.5", on_context_length: false },
      ]);
      assert.equal((main.retry as { attempts: number }).attempts, 3);
      assert.equal(main.circuit_breaker, false);
    },
  },
  {
    name: "body capture on also turns the automatic PII mode on",
    before: {},
    after: { tracing: { capture_bodies: true } },
    sections: ["pii", "tracing"],
    check: (e) => {
      assert.equal((e.before as { mode: string }).mode, "off");
      assert.equal((e.after as { mode: string }).mode, "redact_storage");
    },
  },
  {
    name: "several sections, in the fixed order",
    before: {},
    after: {
      translation: { response_store: { retention: "12h" } },
      tracing: { body_max_size: 2048 },
      limits: { per_key: { tokens_per_minute: 1000 } },
    },
    sections: ["limits", "tracing", "translation"],
  },
];

for (const c of cases) {
  Deno.test(`policy changes: ${c.name}`, () => {
    const entries = policyChanges(config(c.before), config(c.after), ctx);
    assert.deepEqual(entries.map((e) => e.target), c.sections);
    for (const e of entries) {
      assert.equal(e.action, "policy.changed");
      assert.equal(e.actor, "gateway");
      assert.equal(e.tenant, null);
      assert.equal(e.at, ctx.at);
      assert.deepEqual(e.details, { section: e.target, generation: 3, sha256: ctx.sha256 });
      assert.notEqual(canonicalJson(e.before), canonicalJson(e.after));
      checkNewAuditEntry(e, (at) => at);
    }
    if (c.check !== undefined) c.check(entries[0]!);
  });
}

Deno.test("policy changes: a view past 16 KiB is stored as its SHA-256", () => {
  const detectors = Array.from({ length: 40 }, (_, i) => ({
    name: `d${i}`,
    pattern: `${"x".repeat(500)}${i}`,
  }));
  const before = config({ pii: { mode: "redact_storage" } });
  const after = config({ pii: { mode: "redact_storage", custom_detectors: detectors } });
  const [entry] = policyChanges(before, after, ctx);
  const text = canonicalJson(policyView(after, "pii"));
  assert.ok(new TextEncoder().encode(text).length > maxPolicyViewBytes);
  assert.deepEqual(entry!.after, {
    sha256: createHash("sha256").update(text).digest("hex"),
    truncated: true,
    bytes: new TextEncoder().encode(text).length,
  });
  assert.equal((entry!.before as { mode: string }).mode, "redact_storage", "before kept whole");
  checkNewAuditEntry(entry!, (at) => at);
});

Deno.test("policy changes: scalars only, fractions and unsafe numbers as strings", () => {
  assert.deepEqual(
    [1, 0.25, 2 ** 60, -0, "s", true, null, undefined, { a: 1 }, [1], () => 1].map(scalar),
    [1, "0.25", String(2 ** 60), "0", "s", true, null, null, null, null, null],
  );
});

/** Every secret the config can hold, each a distinct recognisable value. */
const secrets = {
  OPENAI_POOL_A: "sk-proj-POOLSECRETaaaaaaaaaaaaaaaaaaaa",
  TEAM_TOKEN: "gk-TEAMTOKENSECRETbbbbbbbbbbbbbbbbbb",
  PII_SALT: "PIISALTSECRETcccccccccccccccccccc",
  STATE_KEY: "STATEKEYSECRETdddddddddddddddddddddddddddddd",
  OTLP_AUTH: "Bearer OTLPHEADERSECRETeeeeeeeeeeeeee",
  HASH_SECRET: "KEYHASHSECRETffffffffffffffff",
};
const tokenHash = "9f".repeat(32);
const dsnPassword = "DSNPASSWORDSECRETgggg";

function secretConfig(variant: number): GatewayConfig {
  return config({
    storage: { driver: "postgres", dsn: `postgres://u:${dsnPassword}@db:5432/gw` },
    providers: {
      openai: {
        keys: [{ id: "pool-a", key: { env: "OPENAI_POOL_A" } }, {
          id: "pool-b",
          key: "sk-proj-PLAINPOOLSECREThhhhhhhhhhhhhhhh",
          weight: variant,
        }],
      },
    },
    routes: { main: { targets: [{ provider: "openai", model: `m${variant}` }] } },
    auth: {
      enabled: true,
      key_refresh_ms: 1000 + variant,
      keys: [
        { id: "env-key", token: { env: "TEAM_TOKEN" }, role: "admin" },
        { id: "plain-key", token: "gk-PLAINTOKENSECRETiiiiiiiiiiiiiiii" },
        { id: "hashed-key", token_hash: tokenHash },
      ],
    },
    pii: {
      mode: variant === 0 ? "redact_storage" : "block",
      replacement: { hash_salt: { env: "PII_SALT" } },
    },
    limits: { per_key: { requests_per_minute: 10 + variant } },
    tracing: {
      capture_bodies: variant === 1,
      key_hash_secret: { env: "HASH_SECRET" },
    },
    translation: {
      state_key: variant === 0 ? { env: "STATE_KEY" } : "PLAINSTATEKEYSECRETjjjjjjjjjjjjjjjjjjjj",
      response_store: { retention: variant === 0 ? "30d" : "1d" },
    },
    observability: {
      otel: {
        enabled: true,
        headers: { authorization: { env: "OTLP_AUTH" } },
        traces_headers: { "x-api-key": "OTLPPLAINSECRETkkkkkkkk" },
      },
    },
  }, secrets);
}

Deno.test("policy changes: a config full of secrets yields entries holding none of them", () => {
  const before = secretConfig(0);
  const after = secretConfig(1);
  // The secrets did reach the resolved config: the test would prove nothing otherwise.
  assert.equal(before.auth.keys[0]!.token, secrets.TEAM_TOKEN);
  assert.equal(before.pii.replacement.hash_salt, secrets.PII_SALT);
  const entries = policyChanges(before, after, ctx);
  assert.deepEqual(entries.map((e) => e.target), [...policySections]);
  const text = JSON.stringify(entries);
  const values = [
    ...Object.values(secrets),
    "sk-proj-PLAINPOOLSECRET",
    "gk-PLAINTOKENSECRET",
    "PLAINSTATEKEYSECRET",
    "OTLPPLAINSECRET",
    "OTLPHEADERSECRET",
    "Bearer",
    tokenHash,
    dsnPassword,
    "postgres://",
  ];
  for (const secret of values) assert.ok(!text.includes(secret), `${secret} leaked`);
  // Presence is recorded, the values are not.
  const translation = entries.find((e) => e.target === "translation")!;
  assert.deepEqual(translation.before, { state_key_set: true, response_store_retention: "30d" });
  const pools = (entries.find((e) => e.target === "routes")!.after as {
    pools: Record<string, unknown[]>;
  }).pools;
  assert.deepEqual(pools.openai!.map((k) => (k as { id: string }).id), ["pool-a", "pool-b"]);
  for (const e of entries) {
    const stored = checkNewAuditEntry(e, (at) => at);
    const bytes = stored.before.length + stored.after.length + stored.details.length;
    assert.ok(bytes < maxAuditPayloadBytes);
  }
});

const fakeGateway = () =>
  ({
    fetch: () => Promise.resolve(new Response("x")),
    inflight: new Set(),
    openRelays: 0,
    retire: (onIdle: () => void) => onIdle(),
    beginShutdown: () => {},
    abortInflight: () => {},
    refreshKeys: () => Promise.resolve(),
    close: () => {},
  }) as unknown as Gateway;

Deno.test("policy changes: a reload writes them after config.reloaded; no change, none", async () => {
  const entries: NewAuditEntry[] = [];
  let next = config();
  const reloader = createReloader({
    generations: createGenerations(fakeGateway(), config()),
    load: () => Promise.resolve({ ok: true, config: next, source: null, warnings: [] }),
    build: () => fakeGateway(),
    log: silentLogger,
    audit: (e) => Promise.resolve(void entries.push(e)),
  });
  await reloader.reload();
  next = config({ pii: { mode: "block" }, limits: { per_key: { requests_per_minute: 5 } } });
  await reloader.reload();
  await reloader.reload();
  assert.deepEqual(entries.map((e) => [e.action, e.target]), [
    ["config.reloaded", "(built-in defaults)"],
    ["config.reloaded", "(built-in defaults)"],
    ["policy.changed", "pii"],
    ["policy.changed", "limits"],
    ["config.reloaded", "(built-in defaults)"],
  ]);
  assert.deepEqual(entries[2]!.details, { section: "pii", generation: 3, sha256: null });
  assert.equal(entries[2]!.at, entries[1]!.at, "one reload, one time");
});
