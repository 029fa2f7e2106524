import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/mod.ts";
import {
  injectedMaxPageCount,
  sqliteMaxPageCountVariable,
} from "../../src/store/sqlite_fault_injection.ts";
import { classifyWriteError } from "../../src/traces/write_errors.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

Deno.test("sqlite store: the test page limit makes a filled file refuse writes as storage, until freed", async () => {
  const path = join(await Deno.makeTempDir(), "full.db");
  {
    const store = await openSqliteStore({ path, maxPageCount: 256 });
    const other = new DatabaseSync(path);
    try {
      other.exec("CREATE TABLE filler (b BLOB)");
      const insert = other.prepare("INSERT INTO filler VALUES (zeroblob(3500))");
      while (
        (other.prepare("PRAGMA page_count").get() as { page_count: number }).page_count < 256
      ) {
        insert.run();
      }
      // Free room in pages the file already has takes a few traces before a new page is needed.
      let err: unknown = null;
      for (let i = 0; i < 100 && err === null; i++) {
        const batch = Array.from({ length: 20 }, () => makeTrace());
        err = await store.writeBatch(batch).then(() => null, (e: unknown) => e);
      }
      assert.match(String(err), /database or disk is full/);
      assert.equal(classifyWriteError(err), "storage");

      other.exec("DROP TABLE filler");
      const trace = makeTrace();
      await store.writeBatch([trace]);
      assert.equal((await store.getTrace(trace.id))?.id, trace.id);
    } finally {
      other.close();
      await store.close();
    }
  }
});

Deno.test("sqlite store: the test page limit variable is read, and a malformed one names it", () => {
  // An injected reader: the process environment is shared by tests running in parallel.
  const env = (value: string | undefined) => (name: string) =>
    name === sqliteMaxPageCountVariable ? value : undefined;
  assert.equal(injectedMaxPageCount(env(undefined)), null);
  assert.equal(injectedMaxPageCount(env("")), null);
  assert.equal(injectedMaxPageCount(env("256")), 256);
  assert.throws(
    () => injectedMaxPageCount(env("lots")),
    new RegExp(`${sqliteMaxPageCountVariable} must be a positive integer \\(got "lots"\\)`),
  );
});
