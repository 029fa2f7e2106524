/**
 * The pieces of config reload that need no process: which settings only a restart changes, the
 * handler swap (each request on one generation, a replaced one closed once drained), coalesced
 * reload requests, and refusals that leave the running generation serving.
 * tests/e2e/lifecycle_test.ts covers the same against the real `serve` with SIGHUP.
 */
import assert from "node:assert/strict";
import { type GatewayConfig, validateConfig } from "../../src/config/mod.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { createGenerations } from "../../src/server/generations.ts";
import { type LogFields, silentLogger } from "../../src/log/mod.ts";
import {
  type ConfigLoad,
  createReloader,
  createReloadRequests,
  restartOnlyChanges,
} from "../../src/server/reload.ts";

function config(input: Record<string, unknown> = {}): GatewayConfig {
  const result = validateConfig(input, { env: {} });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

function fakeGateway(name: string, relays = 0) {
  const calls: string[] = [];
  /** The WebSocket relays drained by `retire` end when the test says so. */
  const relaysEnd = { now: () => {} };
  const gateway = {
    fetch: () => Promise.resolve(new Response(name)),
    inflight: new Set(),
    openRelays: relays,
    retire(onIdle: () => void) {
      calls.push("retire");
      relaysEnd.now = () => {
        (gateway as { openRelays: number }).openRelays = 0;
        onIdle();
      };
      if (relays === 0) onIdle();
    },
    beginShutdown: () => void calls.push("beginShutdown"),
    abortInflight: () => void calls.push("abortInflight"),
    refreshKeys: () => Promise.resolve(),
    close: () => void calls.push("close"),
  } as unknown as Gateway;
  return { gateway, calls, relaysEnd };
}

Deno.test("reload: restart-only settings are named by path, never by value", () => {
  const running = config({ storage: { driver: "postgres", dsn: "postgres://u:secret@h/db" } });
  const next = config({
    server: { port: 9999 },
    storage: { driver: "postgres", dsn: "postgres://u:other@h/db" },
    providers: { openai: { prefix: "/oa" } },
    proxy: { idle_timeout_ms: 5 },
  });
  assert.deepEqual(restartOnlyChanges(running, next), ["server.port", "storage.dsn"]);
  assert.deepEqual(restartOnlyChanges(running, running), []);
});

Deno.test("reload: a request keeps its generation; the replaced one is closed once its last response is delivered", async () => {
  const first = fakeGateway("one");
  const second = fakeGateway("two");
  const gens = createGenerations(first.gateway, config());
  const delivered = Promise.withResolvers<void>();
  const res = await gens.handle(new Request("http://x/"), { completed: delivered.promise });
  assert.equal(await res.text(), "one");

  const swapped = gens.swap(second.gateway, config());
  assert.ok(swapped !== false && swapped.number === 2);
  const next = await gens.handle(new Request("http://x/"), { completed: new Promise(() => {}) });
  assert.equal(await next.text(), "two");
  assert.deepEqual(first.calls, ["retire"], "still delivering a response: not closed");
  delivered.reject(new Error("client went away"));
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(first.calls, ["retire", "close"]);

  gens.beginShutdown();
  gens.abortInflight();
  assert.equal(gens.swap(fakeGateway("three").gateway, config()), false, "no swap in shutdown");
  gens.closeAll();
  assert.deepEqual(second.calls, ["beginShutdown", "abortInflight", "close"]);
});

Deno.test("reload: a replaced generation with WebSocket relays open stays live (counted, shut down) until they end", () => {
  const first = fakeGateway("one", 2);
  const gens = createGenerations(first.gateway, config());
  assert.equal(gens.inflight(), 2, "open relays count as in flight");
  gens.swap(fakeGateway("two").gateway, config());
  assert.deepEqual(first.calls, ["retire"], "its relays drain; not closed");
  assert.equal(gens.inflight(), 2);
  gens.beginShutdown();
  assert.deepEqual(first.calls, ["retire", "beginShutdown"], "shutdown reaches it");
  first.relaysEnd.now();
  assert.deepEqual(first.calls, ["retire", "beginShutdown", "close"]);
  assert.equal(gens.inflight(), 0);
  gens.closeAll();
});

Deno.test("reload: a request before anybody listens is kept; requests during a reload coalesce", async () => {
  const requests = createReloadRequests();
  requests.request();
  let heard = 0;
  const unsubscribe = requests.subscribe(() => heard++);
  await Promise.resolve();
  assert.equal(heard, 1);
  unsubscribe();
  requests.request();
  assert.equal(heard, 1);

  let loads = 0;
  const gens = createGenerations(fakeGateway("one").gateway, config());
  const reloader = createReloader({
    generations: gens,
    load: () => {
      loads++;
      return Promise.resolve<ConfigLoad>({
        ok: true,
        config: config(),
        source: null,
        warnings: [],
      });
    },
    build: () => fakeGateway("next").gateway,
    log: silentLogger,
  });
  const running = reloader.reload();
  void reloader.reload();
  void reloader.reload();
  await running;
  await reloader.idle();
  assert.equal(loads, 2, "one reload, then one more for the requests that came meanwhile");
  assert.equal(gens.current.number, 3);
});

Deno.test("reload: an invalid config, a restart-only change or a key store failure is refused and logged", async () => {
  const lines: [string, LogFields | undefined][] = [];
  const log = { ...silentLogger, error: (m: string, f?: LogFields) => void lines.push([m, f]) };
  const gens = createGenerations(fakeGateway("one").gateway, config());
  const loads: ConfigLoad[] = [
    { ok: false, source: "/c.yaml", problems: ["servre: unknown key"] },
    { ok: true, source: "/c.yaml", config: config({ server: { host: "::1" } }), warnings: [] },
    { ok: true, source: "/c.yaml", config: config(), warnings: [] },
  ];
  const failing = fakeGateway("failing");
  failing.gateway.refreshKeys = () => Promise.reject(new Error("database is locked"));
  const reloader = createReloader({
    generations: gens,
    load: () => Promise.resolve(loads.shift()!),
    build: () => failing.gateway,
    log,
  });
  for (let i = 0; i < 3; i++) await reloader.reload();
  assert.deepEqual(lines.map(([, f]) => [f?.reason, f?.problems]), [
    ["invalid config", "servre: unknown key"],
    ["server.host cannot change without a restart", "restart the gateway to apply the new config"],
    ["loading gateway keys from the store failed", "database is locked"],
  ]);
  assert.ok(lines.every(([m]) => m === "config reload refused"));
  assert.equal(gens.current.number, 1, "the running generation keeps serving");
  assert.deepEqual(failing.calls, ["close"], "a gateway built but refused is closed");
});
