/**
 * The worker side: runs the SQLite store on its own thread, so that inserting traces (tens of
 * microseconds each, in batches that would block for milliseconds) never shares the event loop
 * with requests. The gateway thread only copies finished traces into a message.
 */
import { openSqliteStore } from "./sqlite_store.ts";
import type { TraceStore } from "./types.ts";
import type { KeyStore } from "./key_types.ts";
import type { ResponseStateStore } from "./response_states.ts";
import type { AuditStore } from "./audit_store.ts";
import { unpackTraces } from "./trace_pack.ts";
import {
  serializeError,
  storeWorkerName,
  type WorkerRequest,
  type WorkerResponse,
} from "./worker_protocol.ts";

interface WorkerScope {
  name: string;
  onmessage: ((ev: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(msg: WorkerResponse): void;
  close(): void;
}

/** True inside the store worker thread. */
export function isStoreWorker(): boolean {
  const scope = globalThis as unknown as Partial<WorkerScope> & { WorkerGlobalScope?: unknown };
  return scope.WorkerGlobalScope !== undefined && scope.name === storeWorkerName;
}

export function runStoreWorker(): void {
  const scope = globalThis as unknown as WorkerScope;
  let store: (TraceStore & KeyStore & ResponseStateStore & AuditStore) | null = null;
  // One call at a time, in arrival order: SQLite has one writer anyway, and order keeps the
  // insert sequence equal to the order the writer sent batches in.
  let queue: Promise<void> = Promise.resolve();
  scope.onmessage = (ev) => {
    const msg = ev.data;
    queue = queue.then(async () => {
      try {
        let value: unknown;
        if (msg.op === "open") {
          store = await openSqliteStore({ path: msg.args[0] });
        } else if (msg.op === "writePackedBatch") {
          if (store === null) throw new Error("trace store worker is not open");
          await store.writeBatch(unpackTraces(msg.args[0]));
        } else {
          if (store === null) throw new Error("trace store worker is not open");
          const method = store[msg.op] as (...args: unknown[]) => Promise<unknown>;
          value = await method.apply(store, msg.args);
        }
        scope.postMessage({ id: msg.id, ok: true, value });
        if (msg.op === "close") scope.close();
      } catch (err) {
        scope.postMessage({ id: msg.id, ok: false, error: serializeError(err) });
      }
    });
  };
}
