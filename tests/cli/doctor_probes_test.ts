/**
 * `ongoingai doctor`, in-process, the checks that look outside the config: the SQLite store (a
 * real file in a temporary directory, opened read-only), PostgreSQL that refuses or never answers
 * (bounded), the OTLP collector (a closed loopback port, then a listening one) and the price
 * table's age against an injected clock.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { runDoctor } from "../../src/cli/doctor.ts";
import { defaultProbeDeps, withTimeout } from "../../src/cli/doctor_probes.ts";
import type { DoctorCheck } from "../../src/cli/doctor_report.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { withFiles } from "../config/temp_files.ts";
import { byName, closedPort, deps, doctorOf, io, now } from "./doctor_support.ts";

Deno.test("doctor: an unreachable collector (a closed loopback port) warns", async () => {
  const port = closedPort();
  const doc = await doctorOf({
    observability: { otel: { enabled: true, endpoint: `127.0.0.1:${port}` } },
  });
  const t = byName(doc, "telemetry");
  assert.equal(t.status, "warn");
  assert.equal(t.summary, `OTLP collector at http://127.0.0.1:${port} is unreachable`);
});

Deno.test("doctor: a listening collector passes", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepted = listener.accept().then((c) => c.close());
  try {
    const doc = await doctorOf({
      observability: { otel: { enabled: true, endpoint: `http://127.0.0.1:${port}` } },
    });
    const t = byName(doc, "telemetry");
    assert.equal(t.status, "pass", JSON.stringify(t));
    assert.equal(t.summary, `OTLP collector at http://127.0.0.1:${port} accepts connections`);
  } finally {
    await accepted;
    listener.close();
  }
});

Deno.test("doctor: price table age against an injected clock", async () => {
  const table: [string, DoctorCheck["status"], string][] = [
    ["2026-12-07T12:00:00Z", "pass", "built-in price table is 6 days old"],
    ["2027-03-01T00:00:00Z", "pass", "built-in price table is 90 days old"],
    ["2027-03-02T00:00:00Z", "warn", "built-in price table is 91 days old"],
    ["2026-11-01T00:00:00Z", "pass", "built-in price table is dated after this machine's clock"],
  ];
  for (const [at, status, summary] of table) {
    const doc = await doctorOf({}, { now: () => new Date(at) });
    const p = byName(doc, "price_table");
    assert.equal(p.status, status, at);
    assert.equal(p.summary, summary);
    if (status === "warn") assert.ok(p.details?.some((d) => d.startsWith("to update: ")));
  }
});

Deno.test("doctor: the built-in price table has a date", async () => {
  await withFiles({}, async (dir) => {
    const doc = await runDoctor({}, io(dir), { ...defaultProbeDeps, now: () => now });
    assert.match(byName(doc, "price_table").details?.[0] ?? "", /^as of \d{4}-\d{2}-\d{2}$/);
  });
});

Deno.test("doctor: a probe that never answers is cut at its bound; a late value is disposed of", async () => {
  await assert.rejects(
    withTimeout(new Promise<never>(() => {}), 5, "the collector"),
    { message: "the collector did not answer within 5 ms" },
  );
  let release!: (v: string) => void;
  const late = new Promise<string>((r) => (release = r));
  const disposed = Promise.withResolvers<string>();
  await assert.rejects(withTimeout(late, 1, "x", disposed.resolve));
  release("conn");
  assert.equal(await disposed.promise, "conn");
});

Deno.test("doctor: PostgreSQL that refuses the connection fails storage", async () => {
  const port = closedPort();
  const dsn = `postgres://doctor:secret-password@127.0.0.1:${port}/traces`;
  const s = byName(await doctorOf({ storage: { driver: "postgres", dsn } }), "storage");
  assert.equal(s.status, "fail");
  assert.equal(s.summary, "postgres trace storage is not ready");
  assert.equal(s.details?.[0], `database: 127.0.0.1:${port}/traces`);
  assert.ok(!JSON.stringify(s).includes("secret-password"));
});

Deno.test("doctor: a missing SQLite file warns and is not created", async () => {
  await withFiles({ "c.json": JSON.stringify({ storage: { path: "db/t.db" } }) }, async (dir) => {
    const doc = await runDoctor({ config: "c.json" }, io(dir), deps);
    const s = byName(doc, "storage");
    assert.equal(s.status, "warn");
    assert.equal(s.summary, `no trace database yet at ${join(dir, "db/t.db")}`);
    assert.equal(existsSync(join(dir, "db")), false);
  });
});

Deno.test("doctor: an existing SQLite store passes, read-only", async () => {
  await withFiles({ "c.json": JSON.stringify({ storage: { path: "t.db" } }) }, async (dir) => {
    await (await openSqliteStore({ path: join(dir, "t.db") })).close();
    const doc = await runDoctor({ config: "c.json" }, io(dir), deps);
    assert.deepEqual(byName(doc, "storage"), {
      name: "storage",
      status: "pass",
      summary: "connected to sqlite trace storage",
      details: [`path: ${join(dir, "t.db")}`],
    });
  });
});

Deno.test("doctor: a file that is no SQLite database fails storage", async () => {
  const files = { "c.json": JSON.stringify({ storage: { path: "t.db" } }), "t.db": "not sqlite" };
  await withFiles(files, async (dir) => {
    const s = byName(await runDoctor({ config: "c.json" }, io(dir), deps), "storage");
    assert.equal(s.status, "fail");
    assert.equal(s.summary, "sqlite trace storage is not ready");
  });
});

Deno.test({
  name: "doctor: PostgreSQL that accepts and never answers is cut at the storage bound",
  // The driver's own connect timer (1 s) outlives the test; it ends on its own.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const held: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of listener) held.push(conn);
    })();
    try {
      const dsn = `postgres://doctor@127.0.0.1:${port}/traces`;
      const doc = await doctorOf({ storage: { driver: "postgres", dsn } }, {
        storageTimeoutMs: 200,
      });
      const s = byName(doc, "storage");
      assert.equal(s.status, "fail");
      assert.match(s.details?.[1] ?? "", /did not answer within 200 ms$/);
    } finally {
      listener.close();
      for (const conn of held) conn.close();
      await accepting.catch(() => {});
    }
  },
});

Deno.test("doctor: a price file serve would refuse fails price_table", async () => {
  const doc = await doctorOf({ pricing: { sources: ["./missing-prices.json"] } });
  const p = byName(doc, "price_table");
  assert.equal(p.status, "fail", JSON.stringify(p));
  assert.equal(p.summary, "pricing sources cannot be used");
  assert.match(p.details?.[0] ?? "", /^pricing\.sources\[0\]: /);
});

Deno.test("doctor: an old built-in table with a fetched price file does not warn", async () => {
  const later = { now: () => new Date("2027-06-01T00:00:00Z") };
  const url = "https://prices.example.com/model_prices.json";
  const doc = await doctorOf({ pricing: { sources: [url] } }, later);
  const p = byName(doc, "price_table");
  assert.equal(p.status, "pass", JSON.stringify(p));
  assert.equal(p.summary, "built-in price table is 182 days old");
});
