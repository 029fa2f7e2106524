/**
 * `ongoingai doctor` as a user runs it: the real CLI as a subprocess in a temporary directory
 * with a config file there. SQLite: a directory without a database gets a warning and stays
 * without one; after `serve`'s store exists, storage passes. PostgreSQL (the test task's cluster,
 * ONGOINGAI_TEST_POSTGRES_DSN): a migrated database passes, an empty one warns.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { openPostgresStore, openSqliteStore } from "../../src/store/mod.ts";
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
