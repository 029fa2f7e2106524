/**
 * Storage factory: picks the trace store from `storage.driver` (SQLite or PostgreSQL).
 */
import { isAbsolute, join } from "node:path";
import type { GatewayConfig } from "../config/mod.ts";
import type { TraceStore } from "./types.ts";
import type { KeyStore } from "./key_types.ts";
import type { ResponseStateStore } from "./response_states.ts";
import type { AuditStore } from "./audit_store.ts";
import { openSqliteStore } from "./sqlite_store.ts";
import { openWorkerStore } from "./worker_store.ts";
import { openPostgresStore } from "./pg_store.ts";

/** `storage` of the config; `pool_max` may be left out by programmatic callers (default 10). */
export type StorageConfig =
  & Omit<GatewayConfig["storage"], "pool_max">
  & Partial<Pick<GatewayConfig["storage"], "pool_max">>;

export interface OpenStoreOptions {
  /** Base for a relative `storage.path`; default the process working directory. */
  cwd?: string;
  /**
   * Run SQLite on a worker thread started from this module (the program's entry, which runs
   * the store loop when it finds itself named as the store worker). Unset: on this thread.
   */
  workerModule?: string | undefined;
  /** Read an existing store without creating, migrating or writing anything (offline commands). */
  readOnly?: boolean;
}

type StoreOpener = (
  config: StorageConfig,
  options: OpenStoreOptions,
) => Promise<TraceStore & KeyStore & ResponseStateStore & AuditStore>;

const openers: Record<StorageConfig["driver"], StoreOpener> = {
  sqlite: (config, options) => {
    const path = config.path === ":memory:" || isAbsolute(config.path)
      ? config.path
      : join(options.cwd ?? Deno.cwd(), config.path);
    if (options.readOnly) return openSqliteStore({ path, readOnly: true });
    return options.workerModule === undefined || path === ":memory:"
      ? openSqliteStore({ path })
      : openWorkerStore(path, options.workerModule);
  },
  postgres: (config, options) => {
    // Semantic validation requires a dsn for postgres; this guards programmatic callers.
    if (!config.dsn) {
      return Promise.reject(new Error("storage.dsn is required when storage.driver is postgres"));
    }
    return openPostgresStore({
      dsn: config.dsn,
      maxConnections: config.pool_max ?? 10,
      readOnly: options.readOnly ?? false,
    });
  },
};

/** Opens (creating and migrating when needed, unless `readOnly`) the store the config names. */
export function openStore(
  config: StorageConfig,
  options: OpenStoreOptions = {},
): Promise<TraceStore & KeyStore & ResponseStateStore & AuditStore> {
  return openers[config.driver](config, options);
}
