/**
 * Worker for the concurrent-writers test: opens its own connection to the database and writes
 * batches, so two threads really contend for SQLite's write lock.
 */
import { openSqliteStore } from "../../src/store/mod.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";

interface Job {
  path: string;
  prefix: string;
  batches: number;
  batchSize: number;
}

/** The worker scope; typed by hand because the test type-checks with the window library. */
const scope = self as unknown as {
  onmessage: (event: MessageEvent<Job>) => void;
  postMessage(message: unknown): void;
};

scope.onmessage = async (event) => {
  const { path, prefix, batches, batchSize } = event.data;
  try {
    // A generous retry budget: the test is about lost rows, not about how long a slow CI waits.
    const store = await openSqliteStore({ path, busyTimeoutMs: 1, busyRetry: { retries: 1000 } });
    try {
      for (let b = 0; b < batches; b++) {
        const batch = Array.from(
          { length: batchSize },
          (_, i) => makeTrace({ id: `${prefix}-${b}-${i}` }),
        );
        await store.writeBatch(batch);
      }
      scope.postMessage({ ok: true });
    } finally {
      await store.close();
    }
  } catch (err) {
    scope.postMessage({ ok: false, error: String(err) });
  }
};
