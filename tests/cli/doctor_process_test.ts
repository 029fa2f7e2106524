/**
 * `ongoingai doctor` as a user runs it: the real CLI as a subprocess in a temporary directory
 * with a config file there. SQLite: a directory without a database gets a warning and stays
 * without one; after `serve`'s store exists, storage passes. PostgreSQL (the test task's cluster,
 * ONGOINGAI_TEST_POSTGRES_DSN): a migrated database passes, an empty one warns. In team mode the
 * store's active keys are counted with the config's, unconfirmed ones apart, without writing.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type KeyStore, openPostgresStore, openSqliteStore } from "../../src/store/mod.ts";
import { runCliProcess } from "../support/process.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";

async function inTempDir<T>(config: unknown, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-doctor-" }));
  try {
    await Deno.writeTextFile(join(dir, "ongoingai.yaml"), JSON.stringify(config));
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

interface Check {
  name: string;
  status: string;
  summary: string;
  details?: string[];
}

function storageOf(stdout: string): Check {
  const doc = JSON.parse(stdout) as { checks: Check[] };
  return doc.checks.find((c) => c.name === "storage")!;
}

Deno.test("doctor process: SQLite, before and after the store exists", async () => {
  await inTempDir({ storage: { path: "data/traces.db" } }, async (dir) => {
    const before = await runCliProcess(["doctor"], { cwd: dir });
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /^OngoingAI Doctor\n/);
    assert.match(before.stdout, /^Config path {5}.*ongoingai\.yaml$/m);
    assert.match(before.stdout, /^Overall status {2}WARN$/m);
    assert.match(
      before.stdout,
      new RegExp(
        `^- \\[WARN\\] storage: no trace database yet at ${join(dir, "data/traces.db")}$`,
        "m",
      ),
    );
    assert.equal(existsSync(join(dir, "data")), false, "doctor created nothing");

    await (await openSqliteStore({ path: join(dir, "data/traces.db") })).close();
    const after = await runCliProcess(["doctor", "--format", "json"], { cwd: dir });
    assert.equal(after.code, 0, after.stderr);
    assert.deepEqual(storageOf(after.stdout), {
      name: "storage",
      status: "pass",
      summary: "connected to sqlite trace storage",
      details: [`path: ${join(dir, "data/traces.db")}`],
    });
  });
});

Deno.test("doctor process: a failing check exits 1, a positional argument 2", async () => {
  await inTempDir({ auth: { enabled: true } }, async (dir) => {
    const failed = await runCliProcess(["doctor", "--config", "ongoingai.yaml"], { cwd: dir });
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /^- \[FAIL\] auth_posture: auth is enabled but no gateway keys/m);
    const usage = await runCliProcess(["doctor", "now"], { cwd: dir });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /^doctor does not accept positional arguments\n/);
  });
});

const pg = postgresAvailable();

Deno.test({
  name: "doctor process: PostgreSQL, migrated and empty",
  ignore: "skip" in pg,
  async fn() {
    const db = await freshDatabase();
    try {
      const config = { storage: { driver: "postgres", dsn: db.dsn } };
      await inTempDir(config, async (dir) => {
        const empty = await runCliProcess(["doctor", "--format", "json"], { cwd: dir });
        const warned = storageOf(empty.stdout);
        assert.equal(warned.status, "warn", JSON.stringify(warned));
        assert.equal(
          warned.summary,
          "postgres trace storage needs migrating: `ongoingai serve` does it when it starts",
        );

        await (await openPostgresStore({ dsn: db.dsn, maxConnections: 1 })).close();
        const migrated = await runCliProcess(["doctor", "--format", "json"], { cwd: dir });
        assert.equal(migrated.code, 0, migrated.stderr);
        const passed = storageOf(migrated.stdout);
        assert.equal(passed.status, "pass", JSON.stringify(passed));
        assert.equal(passed.summary, "connected to postgres trace storage");
        assert.ok(!migrated.stdout.includes(new URL(db.dsn).password || "\0"));
      });
    } finally {
      await db.drop();
    }
  },
});

/** Three stored keys: one accepted, one unconfirmed, one revoked (not counted). */
async function storeKeys(store: KeyStore & { close(): Promise<void> }): Promise<void> {
  const at = "2026-12-01T00:00:00.000Z";
  const key = (id: string, withoutAuth: boolean, digit: string) => ({
    id,
    org_id: "default",
    workspace_id: "default",
    name: id,
    description: "",
    role: "developer",
    permissions: [],
    created_by: "cli",
    created_at: at,
    created_without_auth: withoutAuth,
    token_digest: digit.repeat(64),
  });
  await store.createKey(key("gk_ok", false, "1"));
  await store.createKey(key("gk_unconfirmed", true, "2"));
  await store.createKey(key("gk_revoked", false, "3"));
  assert.ok(await store.revokeKey("gk_revoked", "cli", at));
  await store.close();
}

function authOf(stdout: string): Check {
  const doc = JSON.parse(stdout) as { checks: Check[] };
  return doc.checks.find((c) => c.name === "auth_posture")!;
}

const teamMode = { enabled: true, keys: [{ id: "cfg", token_hash: "a".repeat(64) }] };
const storedPosture = [
  "auth header: X-OngoingAI-Gateway-Key",
  "active gateway keys: 2 (1 from the config, 1 from the store)",
  "unconfirmed gateway keys: 1 (created while team mode was off, refused until confirmed): " +
  "gk_unconfirmed; run `ongoingai keys confirm ID` for each one you mean to keep, or " +
  "`ongoingai keys revoke ID`",
];

Deno.test("doctor process: team mode counts the store's keys, read-only (SQLite)", async () => {
  await inTempDir({ auth: teamMode, storage: { path: "traces.db" } }, async (dir) => {
    await storeKeys(await openSqliteStore({ path: join(dir, "traces.db") }));
    const files = () => [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    const before = { files: files(), bytes: Deno.readFileSync(join(dir, "traces.db")) };
    const run = await runCliProcess(["doctor", "--format", "json"], { cwd: dir });
    assert.equal(run.code, 0, run.stderr);
    const auth = authOf(run.stdout);
    assert.equal(auth.status, "warn");
    assert.equal(
      auth.summary,
      "gateway auth is enabled; 1 stored gateway key is unconfirmed and refused",
    );
    assert.deepEqual(auth.details?.slice(0, 3), storedPosture);
    // A read-only reader of a WAL database gets SQLite's shared-memory sidecars (as the storage
    // check and `report` do); the database itself is neither created nor written.
    const sidecars = ["traces.db-shm", "traces.db-wal"];
    assert.deepEqual(files().filter((f) => !sidecars.includes(f)), before.files);
    assert.deepEqual(Deno.readFileSync(join(dir, "traces.db")), before.bytes, "nothing written");
    const text = await runCliProcess(["doctor"], { cwd: dir });
    assert.match(text.stdout, /^- \[WARN\] auth_posture: gateway auth is enabled; 1 stored/m);
    assert.match(text.stdout, /^ {2}active gateway keys: 2 \(1 from the config, 1 from the/m);
  });
});

Deno.test({
  name: "doctor process: team mode counts the store's keys (PostgreSQL)",
  ignore: "skip" in pg,
  async fn() {
    const db = await freshDatabase();
    try {
      const config = { auth: teamMode, storage: { driver: "postgres", dsn: db.dsn } };
      await inTempDir(config, async (dir) => {
        await storeKeys(await openPostgresStore({ dsn: db.dsn, maxConnections: 1 }));
        const run = await runCliProcess(["doctor", "--format", "json"], { cwd: dir });
        assert.equal(run.code, 0, run.stderr);
        const auth = authOf(run.stdout);
        assert.equal(auth.status, "warn", JSON.stringify(auth));
        assert.deepEqual(auth.details?.slice(0, 3), storedPosture);
      });
    } finally {
      await db.drop();
    }
  },
});
