/**
 * The Responses store on SQLite: the conformance suite in memory, on a file, and on the store
 * worker thread (where its errors must arrive as `ResponseStateError` with their code), plus
 * puts of one id racing from two connections and two threads on one file.
 */
import assert from "node:assert/strict";
import { openSqliteStore, openWorkerStore, type ResponseStateStore } from "../../src/store/mod.ts";
import {
  isStateError,
  newState,
  runResponseStateConformance,
  tenantA,
} from "./response_state_conformance.ts";

const entry = new URL("../support/store_worker_entry.ts", import.meta.url).href;
const dir = Deno.makeTempDirSync({ prefix: "ongoingai-response-states-" });
let n = 0;
const freshPath = () => `${dir}/states-${n++}.db`;

runResponseStateConformance("sqlite (memory)", () => openSqliteStore({ path: ":memory:" }));
runResponseStateConformance("sqlite (file)", () => openSqliteStore({ path: freshPath() }));
runResponseStateConformance("sqlite on a worker thread", () => openWorkerStore(freshPath(), entry));

/** Puts of one id from each store at once: exactly one is kept, every other refused. */
async function race(stores: readonly ResponseStateStore[], rounds: number): Promise<void> {
  for (let round = 0; round < rounds; round++) {
    const id = `race${round}`;
    const results = await Promise.allSettled(
      stores.map((s, i) => s.putResponseState(newState(id, { state: { by: i } }))),
    );
    const won = results.flatMap((r, i) => r.status === "fulfilled" ? [i] : []);
    assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(results)}`);
    for (const r of results) {
      if (r.status === "rejected") assert.ok(isStateError("duplicate_id")(r.reason), r.reason);
    }
    for (const s of stores) {
      assert.deepStrictEqual((await s.getResponseState(tenantA, id))?.state, { by: won[0] });
    }
  }
}

Deno.test("sqlite response store: two connections to one file put one id: one wins", async () => {
  const path = freshPath();
  const stores = [await openSqliteStore({ path }), await openSqliteStore({ path })];
  try {
    await race(stores, 10);
  } finally {
    for (const s of stores) await s.close();
  }
});

Deno.test("sqlite response store: two worker threads on one file put one id: one wins", async () => {
  const path = freshPath();
  const stores = [await openWorkerStore(path, entry), await openWorkerStore(path, entry)];
  try {
    await race(stores, 20);
  } finally {
    for (const s of stores) await s.close();
  }
});
