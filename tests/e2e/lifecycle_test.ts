/**
 * Process lifecycle against the real `serve` subprocess (reliability.md F11, F12): SIGTERM with
 * open streams drains within the grace period, ends the rest as `shutdown`, flushes the trace
 * queue and exits 0; SIGHUP reloads the config atomically, refuses a bad one, and costs no
 * request under load. Streams are held open by the test, never by a timer, so that CI speed only
 * changes the measured figures, never the outcome.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { freePort, poll } from "../support/process.ts";
import { assertLedger } from "../support/ledger.ts";
import { startUpstreamStub, type UpstreamStub } from "../support/upstream_stub.ts";
import {
  connectionRefused,
  firstEvent,
  type HeldUpstream,
  type LiveServer,
  readAll,
  startHeldUpstream,
  startLiveServer,
  streamChat,
  traceRows,
} from "./lifecycle_support.ts";

interface Setup {
  dir: string;
  port: number;
  held: HeldUpstream;
  stub: UpstreamStub;
  server: LiveServer;
  /** Replaces the config file (the server reads it again on SIGHUP). */
  write(yaml: string): Promise<void>;
}

interface ConfigOptions {
  grace?: number;
  /** USD per million tokens of model m1 on the held provider. */
  price?: number;
  /** Extra YAML under `providers:`. */
  providers?: string;
  /** Extra top-level YAML. */
  extra?: string;
  port?: number;
}

function configFor(s: Pick<Setup, "port" | "held" | "stub">, o: ConfigOptions = {}): string {
  const price = o.price ?? 1;
  return `server: { host: 127.0.0.1, port: ${o.port ?? s.port}, shutdown_grace_ms: ${
    o.grace ?? 4000
  } }
storage: { path: ./data/gw.db }
tracing: { flush_interval_ms: 10 }
providers:
  openai: { upstream: "${s.stub.url}" }
  held:
    prefix: /held
    upstream: "${s.held.url}"
    prices: { m1: { input: ${price}, output: ${price} } }
${o.providers ?? ""}
${o.extra ?? ""}
`;
}

async function withGateway(
  options: ConfigOptions,
  fn: (s: Setup) => Promise<void>,
  env: Record<string, string> = {},
) {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-lifecycle-" });
  const held = startHeldUpstream();
  const stub = await startUpstreamStub();
  const port = freePort();
  const file = join(dir, "ongoingai.yaml");
  let server: LiveServer | undefined;
  try {
    await Deno.writeTextFile(file, configFor({ port, held, stub }, options));
    server = await startLiveServer(dir, port, env);
    await fn({ dir, port, held, stub, server, write: (yaml) => Deno.writeTextFile(file, yaml) });
  } finally {
    await server?.kill();
    await held.close();
    await stub.close();
    await Deno.remove(dir, { recursive: true });
  }
}

const since = (t0: number) => Math.round(performance.now() - t0);

/** A non-streamed chat through the stub; the status, body read. */
async function plainChat(origin: string, prefix = "/openai", headers: HeadersInit = {}) {
  const res = await fetch(`${origin}${prefix}/v1/chat/completions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: "Bearer sk-test-lifecycle-000000000000",
      ...headers,
    },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [] }),
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("lifecycle: SIGTERM with open streams: refused at once, short stream finishes, long one ended as shutdown, queue flushed, exit 0", async () => {
  // Long enough that a slow CI machine still finishes the released stream well inside it.
  const grace = 5000;
  await withGateway({ grace }, async ({ dir, held, server }) => {
    assert.equal(await plainChat(server.origin), 200);
    const short = await firstEvent(await streamChat(server.origin, "/held", { hold: "short" }));
    const long = await firstEvent(await streamChat(server.origin, "/held", { hold: "long" }));
    await held.started("short");
    await held.started("long");
    await assertLedger(server.origin);

    const t0 = performance.now();
    server.signal("SIGTERM");
    await connectionRefused(server.origin);
    const refusedMs = since(t0);
    // The short stream ends inside the grace period: released now, it completes normally.
    held.release("short");
    const shortEnd = await short.rest();
    const shortMs = since(t0);
    const longEnd = await long.rest();
    const longMs = since(t0);
    const code = await server.exited;
    const exitMs = since(t0);
    console.log(
      `SIGTERM: refused after ${refusedMs} ms; short stream done after ${shortMs} ms; ` +
        `long stream ended after ${longMs} ms (grace ${grace} ms); exit after ${exitMs} ms`,
    );

    assert.equal(code, 0, server.logs());
    assert.ok(refusedMs < 2000, `new connections refused only after ${refusedMs} ms`);
    assert.equal(shortEnd.error, null);
    assert.match(shortEnd.text, /data: \[DONE\]/);
    assert.ok(shortMs < grace, `the short stream took ${shortMs} ms`);
    assert.doesNotMatch(longEnd.text, /\[DONE\]/, "the long stream must not look complete");
    // The timer starts when the gateway gets the signal, after t0: never earlier than the grace.
    assert.ok(longMs >= grace - 50, `long stream ended after ${longMs} ms, before the grace`);
    await held.cancelled("long");
    const logs = server.logs();
    assert.match(logs, /shutting down: no new connections; open requests get a grace period/);
    assert.match(logs, /grace period over; ending open requests open_requests=1/);
    assert.match(logs, /trace queue flushed written=3 dropped=0/);

    const rows = await traceRows(dir);
    assert.equal(rows.length, 3, "one row per request");
    const summary = rows.map((r) => `${r.request_path} ${r.response_status} ${r.error_code}`);
    assert.deepEqual(summary.toSorted(), [
      "/held/v1/chat/completions 200 null",
      "/held/v1/chat/completions 200 shutdown",
      "/openai/v1/chat/completions 200 null",
    ]);
  });
});

Deno.test("lifecycle: a second SIGTERM exits at once, without waiting for the grace period", async () => {
  await withGateway({ grace: 60_000 }, async ({ held, server }) => {
    const open = await firstEvent(await streamChat(server.origin, "/held", { hold: "open" }));
    await held.started("open");
    const t0 = performance.now();
    server.signal("SIGTERM");
    await connectionRefused(server.origin);
    await server.waitForLog(/shutting down/);
    const t1 = performance.now();
    server.signal("SIGTERM");
    const code = await server.exited;
    console.log(`second SIGTERM: exit ${code} after ${since(t1)} ms (first at -${since(t0)} ms)`);
    assert.equal(code, 130);
    assert.ok(since(t1) < 10_000, "the second signal must not wait for the 60 s grace");
    await open.rest();
  });
});

Deno.test("lifecycle: SIGHUP applies a valid change to new requests; a stream started before it finishes on the old config", async () => {
  await withGateway({ price: 1 }, async (s) => {
    const { server, held } = s;
    assert.equal(await plainChat(server.origin, "/extra"), 404, "no /extra route yet");
    const before = await firstEvent(await streamChat(server.origin, "/held", { hold: "before" }));
    await held.started("before");

    await s.write(configFor(s, {
      price: 1000,
      providers: `  extra: { kind: openai, prefix: /extra, upstream: "${s.stub.url}" }`,
    }));
    const t0 = performance.now();
    server.signal("SIGHUP");
    const logs = await server.waitForLog(/config reloaded/);
    console.log(`SIGHUP: reload logged after ${since(t0)} ms`);
    assert.match(logs, /config reloaded config=\S*ongoingai\.yaml generation=2 .*extra:\/extra->/);

    assert.equal(await plainChat(server.origin, "/extra"), 200, "the new prefix serves at once");
    const after = await readAll(await streamChat(server.origin, "/held"));
    assert.match(after.text, /\[DONE\]/);
    held.release("before");
    const beforeEnd = await before.rest();
    assert.equal(beforeEnd.error, null, "the old stream is not ended by the reload");
    assert.match(beforeEnd.text, /data: \[DONE\]/);
    await assertLedger(server.origin);

    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
    const held_ = (await traceRows(s.dir)).filter((r) => r.request_path.startsWith("/held"));
    // 3000 input + 2000 output tokens: 0.005 USD at 1 USD/M, 5 USD at 1000 USD/M. Each request
    // is priced by the config it started on, even the one that ended after the reload.
    const costs = held_.map((r) => r.estimated_cost_usd).toSorted((a, b) => a! - b!);
    assert.deepEqual(costs, [0.005, 5]);
    assert.ok(held_.every((r) => r.error_code === null && r.response_status === 200));
  });
});

Deno.test("lifecycle: SIGHUP with an invalid config, or one changing server.port, is refused and logged; the old config keeps serving", async () => {
  await withGateway({}, async (s) => {
    const { server } = s;
    await s.write(configFor(s, { extra: "servre: { port: 1 }" }));
    server.signal("SIGHUP");
    let logs = await server.waitForLog(/config reload refused/);
    assert.match(logs, /ERROR config reload refused .*reason="invalid config" .*servre/);
    assert.equal(await plainChat(server.origin), 200, "the old config keeps serving");

    await s.write(configFor(s, { port: freePort() }));
    server.signal("SIGHUP");
    logs = await server.waitForLog(/config reload refused/, 2);
    assert.match(logs, /reason="server\.port cannot change without a restart"/);
    assert.equal(await plainChat(server.origin), 200);

    // A good config after bad ones is applied: the refusals left nothing half done.
    await s.write(configFor(s, { price: 7 }));
    server.signal("SIGHUP");
    logs = await server.waitForLog(/config reloaded/);
    assert.match(logs, /generation=2/);
    assert.equal(await plainChat(server.origin), 200);
    await assertLedger(server.origin);
    server.signal("SIGTERM");
    assert.equal(await server.exited, 0, server.logs());
  });
});

const adminKey = "gw-lifecycle-admin-0123456789";
const goneKey = "gw-lifecycle-revoked-0123456789";

/** Team mode with config keys; `revoked` leaves the second key out. */
function teamYaml(revoked: boolean): string {
  return `auth:
  enabled: true
  keys:
    - { id: admin, token: "${adminKey}", role: owner, permissions: [proxy:write, diagnostics:read] }
${revoked ? "" : `    - { id: gone, token: "${goneKey}", role: developer }`}`;
}

/** Requests in a loop from `workers` clients until `stop`; every non-200 or failure counted. */
function steadyLoad(origin: string, workers: number, headers: HeadersInit) {
  let stopped = false;
  let requests = 0;
  const errors: string[] = [];
  const worker = async (w: number) => {
    for (let i = 0; !stopped; i++) {
      requests++;
      try {
        if ((w + i) % 2 === 0) {
          const status = await plainChat(origin, "/openai", headers);
          if (status !== 200) errors.push(`plain: ${status}`);
        } else {
          const res = await streamChat(origin, "/openai", { model: "gpt-4o-mini", key: adminKey });
          const { text, error } = await readAll(res);
          if (res.status !== 200 || error !== null || !text.includes("[DONE]")) {
            errors.push(`stream: ${res.status} ${String(error)} ${text.slice(-80)}`);
          }
        }
      } catch (err) {
        errors.push(`failed: ${String(err)}`);
      }
    }
  };
  const running = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    async stop() {
      stopped = true;
      await running;
      return { requests, errors };
    },
  };
}

Deno.test("lifecycle: SIGHUP under steady load (valid, invalid, new upstream, revoked key) costs no request", async () => {
  const stub2 = await startUpstreamStub();
  try {
    await withGateway({ extra: teamYaml(false) }, async (s) => {
      const { server } = s;
      const auth = { "x-ongoingai-gateway-key": adminKey };
      assert.equal(
        await plainChat(server.origin, "/openai", { "x-ongoingai-gateway-key": goneKey }),
        200,
      );
      // Valid with the first upstream, valid with another upstream, invalid: in turn.
      const configs = [
        configFor(s, { extra: teamYaml(false), price: 2 }),
        configFor({ ...s, stub: stub2 }, { extra: teamYaml(false), price: 3 }),
        configFor(s, { extra: `${teamYaml(false)}\nservre: {}` }),
      ];
      const file = join(s.dir, "ongoingai.yaml");
      const load = steadyLoad(server.origin, 6, auth);
      const rounds = 15;
      const t0 = performance.now();
      for (let i = 0; i < rounds; i++) {
        // Written whole and renamed into place, as config management does: never read half done.
        await Deno.writeTextFile(`${file}.next`, configs[i % configs.length]!);
        await Deno.rename(`${file}.next`, file);
        server.signal("SIGHUP");
        await server.waitForLog(/config reload(ed| refused)/, i + 1);
      }
      const reloadMs = since(t0);
      const { requests, errors } = await load.stop();
      console.log(
        `${rounds} reloads in ${reloadMs} ms under load: ${requests} requests, ` +
          `${errors.length} errors, ${stub2.requests.length} served by the second upstream`,
      );
      assert.deepEqual(errors, []);
      const logs = server.logs();
      assert.equal(logs.match(/config reloaded/g)?.length, 10);
      assert.equal(logs.match(/config reload refused/g)?.length, 5);
      // The last round was refused: the one before it, with the second upstream, still serves.
      const seen = stub2.requests.length;
      assert.equal(await plainChat(server.origin, "/openai", auth), 200);
      assert.equal(stub2.requests.length, seen + 1);

      // The key left out of the config is refused from the first request after the reload.
      await s.write(
        configFor(s, {
          extra: teamYaml(true),
          providers: '  final: { prefix: /final, upstream: "' + s.stub.url + '" }',
        }),
      );
      server.signal("SIGHUP");
      await server.waitForLog(/config reloaded .*final:\/final->/);
      assert.equal(
        await plainChat(server.origin, "/openai", { "x-ongoingai-gateway-key": goneKey }),
        401,
      );
      assert.equal(await plainChat(server.origin, "/openai", auth), 200);

      // The load and the three 200s around it; the refused key never reached a provider.
      const total = requests + 3;
      const ledger = await poll("the trace queue empty", async () => {
        const ledger = await assertLedger(server.origin, auth);
        return ledger.queued === 0 ? ledger : undefined;
      });
      assert.deepEqual([ledger.written, ledger.dropped], [total, 0], JSON.stringify(ledger.raw));
      server.signal("SIGTERM");
      assert.equal(await server.exited, 0, server.logs());
      assert.equal((await traceRows(s.dir)).length, total, "one row per request");
    });
  } finally {
    await stub2.close();
  }
});
