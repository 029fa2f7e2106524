/**
 * The store on its worker thread must be indistinguishable from the local one: the same
 * conformance suite, plus the errors that cross the thread boundary.
 */
import assert from "node:assert/strict";
import { InvalidCursorError, openWorkerStore } from "../../src/store/mod.ts";
import { runTraceStoreConformance } from "./conformance.ts";
import { runKeyStoreConformance } from "./key_conformance.ts";

const entry = new URL("../support/store_worker_entry.ts", import.meta.url).href;
const tempDbPath = () => `${Deno.makeTempDirSync({ prefix: "ongoingai-worker-store-" })}/t.db`;

runTraceStoreConformance("sqlite on a worker thread", () => openWorkerStore(tempDbPath(), entry));
runKeyStoreConformance("sqlite on a worker thread", () => openWorkerStore(tempDbPath(), entry));

Deno.test("worker store: an invalid cursor still arrives as InvalidCursorError", async () => {
  const store = await openWorkerStore(tempDbPath(), entry);
  try {
    await assert.rejects(
      store.listTraces({ limit: 10, cursor: "not-a-cursor" }),
      (e) => e instanceof InvalidCursorError && /next_cursor/.test(e.message),
    );
  } finally {
    await store.close();
  }
});

Deno.test("worker store: a path that cannot be opened fails the open, with the reason", async () => {
  await assert.rejects(openWorkerStore("/proc/definitely/not/writable/t.db", entry), Error);
});
