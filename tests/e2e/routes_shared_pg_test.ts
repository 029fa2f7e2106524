/**
 * Routing state shared on PostgreSQL, end to end: two `serve` processes with the same config on
 * one database, a byte-scripted upstream (tests/support/fault_upstream.ts) behind both. What one
 * gateway learns about a target or a pool key, the other acts on: an open circuit breaker, a key
 * disabled by a 401 (and re-enabled by an operator through the other gateway), a key cooling down
 * after a 429 with `Retry-After`. No timing is asserted: each step waits (bounded) until the
 * other gateway's `GET /api/routes` reports the state, then checks what it does with it through
 * the upstream's request records.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, type ServerProcess, startServer } from "../support/process.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";
import { answerOf, chatJson, openaiError } from "../support/fault_bodies.ts";
import {
  type FaultRequest,
  type FaultScript,
  jsonScript,
  queues,
  startFaultUpstream,
} from "../support/fault_upstream.ts";

const available = postgresAvailable();
const skip = "skip" in available ? available.skip : null;
const testName = "e2e postgres: two gateways share breakers, disabled keys and cooldowns";
if (skip !== null) console.warn(`SKIPPED ${testName}: ${skip}`);

const clientKey = "sk-proj-SHAREDCLIENTKEY0123456789abcdefWXYZ";
const keys = {
  k1: "sk-proj-SHAREDPOOLK1-0123456789abcdefghij",
  k2: "sk-proj-SHAREDPOOLK2-0123456789abcdefghij",
  k3: "sk-proj-SHAREDPOOLK3-0123456789abcdefghij",
} as const;
type KeyId = keyof typeof keys;
const idOfKey = new Map<string, KeyId>(Object.entries(keys).map(([id, k]) => [k, id as KeyId]));

// k2 and k3 weigh much more than k1, so a request picks one of them almost always: the steps
// reach the key they script in a few requests, and "never used" is a strong statement.
const config = (port: number, up: string, dsn: string) =>
  `server: { host: 127.0.0.1, port: ${port}, shutdown_grace_ms: 2000 }
storage: { driver: postgres, dsn: "${dsn}" }
providers:
  openai: { upstream: "${up}/o" }
  pool:
    kind: openai-compatible
    upstream: "${up}/p"
    keys:
      - { id: k1, key: { env: SHARED_POOL_K1 }, weight: 1 }
      - { id: k2, key: { env: SHARED_POOL_K2 }, weight: 50 }
      - { id: k3, key: { env: SHARED_POOL_K3 }, weight: 50 }
routes:
  guarded:
    targets:
      - { provider: openai, model: primary-model }
      - { provider: openai, model: fallback-model }
    retry: { attempts: 1 }
    circuit_breaker: { failures: 2, open_ms: 600000 }
  pooled:
    targets:
      - { provider: pool, model: pool-model }
    retry: { attempts: 1, backoff_ms: 1, max_backoff_ms: 2 }
tracing: { flush_interval_ms: 10, key_hash_secret: "e2e-shared-secret-0123456789" }
`;

const ok = (model: string) =>
  jsonScript(`ok-${model}`, 200, chatJson(answerOf("s", model, "fine")));
const down = jsonScript(
  "down",
  503,
  openaiError("server_error", "The server is overloaded.", null),
);
const unauthorized = jsonScript(
  "unauthorized",
  401,
  openaiError("invalid_request_error", "Incorrect API key provided.", "invalid_api_key"),
);
const rateLimited = jsonScript(
  "rate_limited_429",
  429,
  openaiError("requests", "Rate limit reached for requests.", "rate_limit_exceeded"),
  { "retry-after": "600" },
);

interface PoolKeyStatus {
  id: string;
  state: string;
  reason: string | null;
  until: string | null;
}
interface RoutesStatus {
  shared: boolean;
  state_error: string | null;
  routes: { name: string; targets: { target: string; breaker: { phase: string } }[] }[];
  key_pools: { provider: string; keys: PoolKeyStatus[] }[];
}

async function routesOf(s: ServerProcess): Promise<RoutesStatus> {
  const res = await fetch(`${s.origin}/api/routes`);
  assert.equal(res.status, 200);
  return await res.json();
}

const breakerOf = (r: RoutesStatus, target: string) =>
  r.routes.find((x) => x.name === "guarded")!.targets.find((t) => t.target === target)!.breaker
    .phase;
const keyOf = (r: RoutesStatus, id: KeyId) =>
  r.key_pools.find((p) => p.provider === "pool")!.keys.find((k) => k.id === id)!;

/** Asks `probe` until it is true, at most `rounds` times (bounded; no timing asserted). */
async function until(what: string, probe: () => Promise<boolean>, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what}: not after ${rounds} rounds`);
}

async function chat(s: ServerProcess, model: string, withKey: boolean) {
  const res = await fetch(`${s.origin}/openai/v1/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(withKey ? { authorization: `Bearer ${clientKey}` } : {}),
    },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  const body = await res.text();
  return { status: res.status, body, correlationId: res.headers.get("x-ongoingai-correlation-id") };
}

interface AttemptRow {
  provider: string;
  model: string;
  key_id: string | null;
  outcome: string;
  status: number | null;
  committed: boolean;
}

/** The trace of one client request (by its correlation id), once it is stored. */
async function traceOf(s: ServerProcess, correlationId: string) {
  let id: string | null = null;
  await until(`the trace of ${correlationId} listed by ${s.origin}`, async () => {
    const page = await (await fetch(`${s.origin}/api/traces?limit=200`)).json() as {
      items: { id: string; correlation_id: string }[];
    };
    id = page.items.find((t) => t.correlation_id === correlationId)?.id ?? null;
    return id !== null;
  });
  const res = await fetch(`${s.origin}/api/traces/${id}`);
  assert.equal(res.status, 200);
  return await res.json() as { route: string | null; attempts: AttemptRow[] | null };
}

Deno.test({
  name: skip === null ? testName : `${testName} (skipped: ${skip})`,
  ignore: skip !== null,
  async fn(t) {
    const db = await freshDatabase();
    // Per pool key, what the upstream answers now (steps change it).
    const keyScript = new Map<KeyId, FaultScript>([
      ["k1", ok("pool-model")],
      ["k2", ok("pool-model")],
      ["k3", ok("pool-model")],
    ]);
    const up = startFaultUpstream({
      choose: queues(
        new Map<string, FaultScript[] | ((r: FaultRequest) => FaultScript)>([
          ["primary-model", [down]],
          ["fallback-model", [ok("fallback-model")]],
          ["pool-model", (r) => keyScript.get(idOfKey.get(r.key ?? "")!) ?? unauthorized],
        ]),
      ),
    });
    await up.ready;
    const dir = await Deno.makeTempDir({ prefix: "ongoingai-pgroutes-" });
    const servers: ServerProcess[] = [];
    const keyUses = (id: KeyId, from = 0) =>
      up.requests.slice(from).filter((r) => r.key === keys[id]).length;
    try {
      for (const name of ["a", "b"]) {
        const cwd = join(dir, name);
        await Deno.mkdir(cwd);
        const port = freePort();
        await Deno.writeTextFile(join(cwd, "ongoingai.yaml"), config(port, up.url, db.dsn));
        servers.push(
          await startServer([], {
            cwd,
            port,
            env: { SHARED_POOL_K1: keys.k1, SHARED_POOL_K2: keys.k2, SHARED_POOL_K3: keys.k3 },
          }),
        );
      }
      const [a, b] = servers as [ServerProcess, ServerProcess];
      assert.equal((await routesOf(a)).shared, true, "the routing state is PostgreSQL's");

      await t.step("a breaker opened through A sends B straight to the fallback", async () => {
        for (let i = 0; i < 2; i++) {
          const r = await chat(a, "guarded", true);
          assert.equal(r.status, 200, r.body);
        }
        assert.equal(up.requestsFor("primary-model").length, 2);
        assert.equal(breakerOf(await routesOf(a), "openai/primary-model"), "open");
        await until(
          "B reporting the breaker open",
          async () => breakerOf(await routesOf(b), "openai/primary-model") === "open",
        );

        const primaryBefore = up.requestsFor("primary-model").length;
        const fallbackBefore = up.requestsFor("fallback-model").length;
        const r = await chat(b, "guarded", true);
        assert.equal(r.status, 200, r.body);
        assert.equal(JSON.parse(r.body).model, "fallback-model");
        assert.equal(up.requestsFor("primary-model").length, primaryBefore, "primary untouched");
        assert.equal(up.requestsFor("fallback-model").length, fallbackBefore + 1);
        const trace = await traceOf(b, r.correlationId!);
        assert.equal(trace.route, "guarded");
        assert.deepEqual(
          trace.attempts!.map((x) => [x.model, x.outcome, x.status, x.committed]),
          [["fallback-model", "success", 200, true]],
        );
      });

      await t.step("a key disabled by a 401 through A is never used by B", async () => {
        keyScript.set("k2", unauthorized);
        await until("A disabling k2 after a 401", async () => {
          const r = await chat(a, "pooled", false);
          assert.equal(r.status, 200, r.body);
          return keyOf(await routesOf(a), "k2").state === "disabled";
        }, 60);
        await until(
          "B reporting k2 disabled",
          async () => keyOf(await routesOf(b), "k2").state === "disabled",
        );
        assert.equal(keyOf(await routesOf(b), "k2").reason, keyOf(await routesOf(a), "k2").reason);

        const from = up.requests.length;
        for (let i = 0; i < 8; i++) {
          const r = await chat(b, "pooled", false);
          assert.equal(r.status, 200, r.body);
        }
        assert.equal(keyUses("k2", from), 0, "B never sends the disabled key");
        assert.equal(keyUses("k1", from) + keyUses("k3", from), 8);
      });

      await t.step("re-enabled through B's API, the key is used by A again", async () => {
        keyScript.set("k2", ok("pool-model"));
        const res = await fetch(`${b.origin}/api/routes/keys/pool/k2/enable`, { method: "POST" });
        const body = await res.json();
        assert.equal(res.status, 200, JSON.stringify(body));
        assert.equal(body.cleared, true);
        assert.equal(body.key.state, "usable");
        await until(
          "A reporting k2 usable",
          async () => keyOf(await routesOf(a), "k2").state === "usable",
        );
        const from = up.requests.length;
        await until("A sending k2 again", async () => {
          const r = await chat(a, "pooled", false);
          assert.equal(r.status, 200, r.body);
          return keyUses("k2", from) > 0;
        }, 60);
      });

      await t.step("a 429 with Retry-After through A cools the key down on B too", async () => {
        keyScript.set("k3", rateLimited);
        const before = Date.now();
        await until("A cooling k3 down after a 429", async () => {
          const r = await chat(a, "pooled", false);
          assert.equal(r.status, 200, r.body);
          return keyOf(await routesOf(a), "k3").state === "cooling";
        }, 60);
        let cooling: PoolKeyStatus | null = null;
        await until("B reporting k3 cooling", async () => {
          const k = keyOf(await routesOf(b), "k3");
          if (k.state === "cooling") cooling = k;
          return cooling !== null;
        });
        const k3 = cooling! as PoolKeyStatus;
        assert.equal(k3.reason, keyOf(await routesOf(a), "k3").reason);
        // Retry-After: 600 s; the cooldown runs at least about that long (not the 30 s default).
        assert.ok(Date.parse(k3.until!) - before >= 590_000, `until ${k3.until}`);

        const from = up.requests.length;
        for (let i = 0; i < 8; i++) {
          const r = await chat(b, "pooled", false);
          assert.equal(r.status, 200, r.body);
        }
        assert.equal(keyUses("k3", from), 0, "B never sends the cooling key");
        assert.equal(keyUses("k1", from) + keyUses("k2", from), 8);
        assert.equal((await routesOf(b)).state_error, null);
      });

      for (const s of servers.splice(0)) {
        const { code, logs } = await s.stop("SIGTERM");
        assert.equal(code, 0, logs);
      }
    } finally {
      for (const s of servers) await s.kill();
      await up.close();
      await Deno.remove(dir, { recursive: true });
      await db.drop();
    }
  },
});
