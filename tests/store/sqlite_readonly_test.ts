/**
 * The read-only open used by offline commands: it reads what `serve` wrote, and never creates,
 * migrates or writes a database.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore, openStore, sqliteMigrations } from "../../src/store/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

const tempDir = () => Deno.makeTempDirSync({ prefix: "ongoingai-ro-" });
const exists = (path: string) => {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
};

Deno.test("read-only: a missing file is an error naming it, and nothing is created", async () => {
  const dir = tempDir();
  const path = join(dir, "nested", "traces.db");
  await assert.rejects(
    openSqliteStore({ path, readOnly: true }),
    (err: Error) => err.message.includes(path) && err.message.includes("`ongoingai serve`"),
  );
  assert.equal(exists(join(dir, "nested")), false);
  await assert.rejects(
    openStore({ driver: "sqlite", path: "traces.db" }, { cwd: dir, readOnly: true }),
    /does not exist/,
  );
  assert.deepStrictEqual([...Deno.readDirSync(dir)], []);
});

Deno.test("read-only: reads what a writer stored, leaves the file unchanged, refuses writes", async () => {
  const path = join(tempDir(), "traces.db");
  const writer = await openSqliteStore({ path });
  await writer.writeBatch([makeTrace({ id: "t1" }), makeTrace({ id: "t2" })]);
  await writer.close();
  const before = Deno.readFileSync(path);
  const reader = await openSqliteStore({ path, readOnly: true });
  try {
    assert.equal(await reader.countTraces(), 2);
    assert.equal((await reader.listTraces({ limit: 1 })).items[0]?.id, "t2");
    await assert.rejects(reader.writeBatch([makeTrace({ id: "t3" })]), /readonly/i);
  } finally {
    await reader.close();
  }
  assert.deepStrictEqual(Deno.readFileSync(path), before);
});

Deno.test("read-only: a schema older than this build is refused, not migrated", async () => {
  const path = join(tempDir(), "traces.db");
  const extra = { name: "sqlite/999_future.sql", sql: "CREATE TABLE future (x INTEGER)" };
  const old = await openSqliteStore({ path });
  await old.close();
  await assert.rejects(
    openSqliteStore({ path, readOnly: true, migrations: [...sqliteMigrations, extra] }),
    /older schema than this build \(missing sqlite\/999_future\.sql\).*ongoingai serve/,
  );
});

Deno.test("read-only: a file that is not a database is an error", async () => {
  const path = join(tempDir(), "traces.db");
  Deno.writeTextFileSync(path, "not sqlite at all, just some text that is long enough to matter");
  await assert.rejects(openSqliteStore({ path, readOnly: true }), /not a database/);
});
