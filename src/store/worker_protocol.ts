/**
 * Messages between the gateway thread and the store worker. Calls are numbered; errors cross
 * as plain data and are rebuilt with their name, message and code, so that the writer's error
 * classes (busy, disk full, ...) and InvalidCursorError work as if the store were local.
 */
import type { TraceStore } from "./types.ts";
import type { KeyStore } from "./key_types.ts";
import type { ResponseStateStore } from "./response_states.ts";
import type { AuditStore } from "./audit_store.ts";
import type { PackedTraces } from "./trace_pack.ts";

/** The worker's name: how the shared entry module knows it is running as the store worker. */
export const storeWorkerName = "ongoingai-trace-store";

export type StoreMethod = Exclude<
  keyof (TraceStore & KeyStore & ResponseStateStore & AuditStore),
  "driver"
>;

export type WorkerRequest =
  | { id: number; op: "open"; args: [path: string] }
  /** `writeBatch` with the traces packed as JSON (trace_pack.ts): cheaper to copy. */
  | { id: number; op: "writePackedBatch"; args: [PackedTraces] }
  | { id: number; op: StoreMethod; args: unknown[] };

export interface SerializedError {
  name: string;
  message: string;
  code?: unknown;
  errno?: unknown;
}

export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: "Error", message: String(err) };
  const e = err as Error & { code?: unknown; errno?: unknown };
  return { name: e.name, message: e.message, code: e.code, errno: e.errno };
}

export function rebuildError(s: SerializedError, make?: (s: SerializedError) => Error): Error {
  const err = make?.(s) ?? new Error(s.message);
  err.name = s.name;
  if (s.code !== undefined) (err as Error & { code?: unknown }).code = s.code;
  if (s.errno !== undefined) (err as Error & { errno?: unknown }).errno = s.errno;
  return err;
}
