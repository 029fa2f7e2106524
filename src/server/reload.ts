/**
 * Config reload on request (SIGHUP, nginx semantics): read the config again with the loader the
 * process started with, refuse it (logged, the running config kept) when it is invalid or changes
 * what only a restart can change, else build a new gateway generation and swap it in. Requests
 * already running finish on the generation they started on.
 */
import type { GatewayConfig } from "../config/mod.ts";
import type { Gateway } from "./gateway.ts";
import type { Generations } from "./generations.ts";
import type { Logger } from "../log/mod.ts";
import type { NewAuditEntry } from "../store/mod.ts";
import { type AuditSink, configFileHash, configLoadedEntry, safeAudit } from "./audit_events.ts";
import { policyChanges } from "./audit_policy.ts";

/** A config read again: its problems and warnings already formatted, one line each. */
export type ConfigLoad =
  | { ok: true; config: GatewayConfig; source: string | null; warnings: string[] }
  | { ok: false; source: string | null; problems: string[] };

export interface ReloadRequests {
  /**
   * Calls `listener` on every request from now on, and at once when one came before anybody
   * listened (a SIGHUP during startup may mean the file changed after it was read).
   * Returns the unsubscribe function.
   */
  subscribe(listener: () => void): () => void;
}

export function createReloadRequests(): ReloadRequests & { request(): void } {
  let listener: (() => void) | null = null;
  let pending = false;
  return {
    request() {
      if (listener === null) pending = true;
      else listener();
    },
    subscribe(next) {
      listener = next;
      if (pending) {
        pending = false;
        queueMicrotask(next);
      }
      return () => void (listener === next && (listener = null));
    },
  };
}

/** The process's reload requests: src/main.ts feeds them from SIGHUP, `serve` listens. */
export const processReloadRequests = createReloadRequests();

/**
 * Settings bound at startup: the listening socket, the trace store and its writer (the queue
 * and the traces already in it), the key fingerprint secret (changing it would orphan every
 * stored key digest), and the logger. A reload changing them is refused rather than half applied.
 */
const restartOnly: readonly (readonly [string, (c: GatewayConfig) => unknown])[] = [
  ["server.host", (c) => c.server.host],
  ["server.port", (c) => c.server.port],
  ["server.log_format", (c) => c.server.log_format],
  ["server.workers", (c) => c.server.workers],
  ["storage.driver", (c) => c.storage.driver],
  ["storage.path", (c) => c.storage.path],
  ["storage.dsn", (c) => c.storage.dsn],
  ["storage.pool_max", (c) => c.storage.pool_max],
  ["tracing.key_hash_secret", (c) => c.tracing.key_hash_secret],
  ["tracing.queue_size", (c) => c.tracing.queue_size],
  ["tracing.queue_max_body_bytes", (c) => c.tracing.queue_max_body_bytes],
  ["tracing.batch_size", (c) => c.tracing.batch_size],
  ["tracing.flush_interval_ms", (c) => c.tracing.flush_interval_ms],
];

/** Paths of the restart-only settings that differ (never their values: a DSN holds a password). */
export function restartOnlyChanges(running: GatewayConfig, next: GatewayConfig): string[] {
  return restartOnly.filter(([, read]) => read(running) !== read(next)).map(([path]) => path);
}

export interface ReloaderOptions {
  generations: Generations;
  /** Reads the config again, as at startup. */
  load(): Promise<ConfigLoad>;
  /** A gateway for a config, sharing the running store and writer (and its price files read). */
  build(config: GatewayConfig): Gateway | Promise<Gateway>;
  log: Logger;
  /** The audit log: each reload and refusal, with the config file's SHA-256. */
  audit?: AuditSink | undefined;
  /** The SHA-256 of the config file the running generation was read from (the `before`). */
  configHash?: string | null;
}

export interface Reloader {
  /** Reloads now; a request during a reload runs one more reload after it (coalesced). */
  reload(): Promise<void>;
  /** Resolves when no reload is running. */
  idle(): Promise<void>;
}

export function createReloader(opts: ReloaderOptions): Reloader {
  let running: Promise<void> | null = null;
  let again = false;
  const hashes = { running: opts.configHash ?? null };
  const loop = async () => {
    try {
      do {
        again = false;
        await reloadOnce(opts, hashes);
      } while (again);
    } finally {
      running = null;
    }
  };
  return {
    reload() {
      if (running !== null) {
        again = true;
        return running;
      }
      return (running = loop());
    },
    idle: () => running ?? Promise.resolve(),
  };
}

async function reloadOnce(
  { generations, load, build, log, audit }: ReloaderOptions,
  hashes: { running: string | null },
): Promise<void> {
  const started = performance.now();
  const record = safeAudit(audit, log);
  const at = () => new Date().toISOString();
  const refuse = async (source: string | null, reason: string, problems: string[]) => {
    await record(configLoadedEntry(
      at(),
      source,
      await configFileHash(source),
      { previous_sha256: hashes.running, reason },
      "config.reload_refused",
    ));
    return refusal(source, reason, problems);
  };
  const refusal = (source: string | null, reason: string, problems: string[]) =>
    log.error("config reload refused", {
      config: source ?? "(built-in defaults)",
      reason,
      // One string, so that a text log stays readable; each problem names its config path.
      problems: problems.length === 0 ? undefined : problems.join("; "),
      serving: `the running config (generation ${generations.current.number})`,
    });

  let loaded: ConfigLoad;
  try {
    loaded = await load();
  } catch (err) {
    return refuse(null, "the config could not be read", [message(err)]);
  }
  if (!loaded.ok) return refuse(loaded.source, "invalid config", loaded.problems);
  const fixed = restartOnlyChanges(generations.current.config, loaded.config);
  if (fixed.length > 0) {
    return refuse(
      loaded.source,
      `${fixed.join(", ")} cannot change without a restart`,
      ["restart the gateway to apply the new config"],
    );
  }
  for (const warning of loaded.warnings) log.warn("config warning", { problem: warning });

  let gateway: Gateway;
  try {
    gateway = await build(loaded.config);
  } catch (err) {
    return refuse(loaded.source, "the gateway could not be built from it", [message(err)]);
  }
  try {
    // Team mode: the new generation must know the database's keys before its first request.
    await gateway.refreshKeys();
  } catch (err) {
    gateway.close();
    return refuse(loaded.source, "loading gateway keys from the store failed", [message(err)]);
  }
  const previous = generations.current.config;
  const generation = generations.swap(gateway, loaded.config);
  if (generation === false) {
    gateway.close();
    log.info("config reload abandoned: the gateway is shutting down");
    return;
  }
  hashes.running = await auditApplied(record, log, previous, loaded, {
    generation: generation.number,
    previous_sha256: hashes.running,
  });
  log.info("config reloaded", {
    config: loaded.source ?? "(built-in defaults)",
    generation: generation.number,
    providers: describeProviders(loaded.config),
    auth: loaded.config.auth.enabled ? "on" : "off",
    took_ms: Math.round(performance.now() - started),
  });
}

/**
 * The audit entries of an applied reload: `config.reloaded`, then one `policy.changed` per policy
 * section that differs (audit_policy.ts). Returns the new file's hash, the next `before`.
 */
async function auditApplied(
  record: AuditSink,
  log: Logger,
  previous: GatewayConfig,
  loaded: { config: GatewayConfig; source: string | null },
  reload: { generation: number; previous_sha256: string | null },
): Promise<string | null> {
  const hash = await configFileHash(loaded.source);
  const at = new Date().toISOString();
  await record(configLoadedEntry(at, loaded.source, hash, reload, "config.reloaded"));
  let changes: NewAuditEntry[] = [];
  try {
    changes = policyChanges(previous, loaded.config, { ...reload, at, sha256: hash });
  } catch (err) {
    // Best effort like every gateway entry: the reload is applied already.
    log.warn("audit of policy changes failed", { error: message(err) });
  }
  for (const entry of changes) await record(entry);
  return hash;
}

/** `openai:/openai->https://api.openai.com, ...`, as the startup line shows them. */
export function describeProviders(config: GatewayConfig): string {
  return config.providers.map((p) => `${p.id}:${p.prefix}->${p.upstream}`).join(", ");
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
