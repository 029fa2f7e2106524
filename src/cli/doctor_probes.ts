/**
 * The `doctor` checks that look outside the config: the trace store (opened read-only, so a
 * doctor never creates or migrates a database, unlike the original), the OTLP collector (a TCP
 * connect), and the built-in price table's age. Every probe has a time bound: the command never
 * hangs on a server that does not answer.
 */
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { type GatewayConfig, otlpBaseUrl, prometheusPath } from "../config/mod.ts";
import { builtInPrices, isUrlSource } from "../pricing/mod.ts";
import { openPostgresStore, openSqliteStore, type TraceStore } from "../store/mod.ts";
import { type CheckContext, fromIssues, skippedSummary, withWarnings } from "./doctor_checks.ts";
import { check, type DoctorCheck } from "./doctor_report.ts";
import { type StoredKeys, storedKeysOf } from "./doctor_keys.ts";

export interface ProbeDeps {
  now: () => Date;
  /** Bound of the store check (open and one query); the original's 5 s. */
  storageTimeoutMs: number;
  /** Bound of each collector connect. */
  probeTimeoutMs: number;
  /** Built-in price table age above which `price_table` warns. */
  priceMaxAgeDays: number;
  /** The price lists' dates; default the built-in table's. */
  priceDates?: readonly string[];
}

export const defaultProbeDeps: ProbeDeps = {
  now: () => new Date(),
  storageTimeoutMs: 5000,
  probeTimeoutMs: 2000,
  priceMaxAgeDays: 90,
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Rejects after `ms`; `late` disposes of a value that arrives after the deadline. */
export function withTimeout<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  late?: (value: T) => void,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  work.then((v) => timedOut && late?.(v), () => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

async function queryOne(open: Promise<TraceStore>, ms: number, what: string): Promise<void> {
  const closeLate = (s: TraceStore) => void s.close().catch(() => {});
  const store = await withTimeout(open, ms, what, closeLate);
  try {
    await withTimeout(store.listTraces({ limit: 1 }), ms, what);
  } finally {
    await store.close().catch(() => {});
  }
}

/** An existing database with an older schema: `serve` migrates it, nothing is broken yet. */
const olderSchema = (err: unknown) => message(err).includes("older schema than this build");
const migrating = (driver: string) =>
  `${driver} trace storage needs migrating: \`ongoingai serve\` does it when it starts`;

async function sqliteCheck(path: string, deps: ProbeDeps): Promise<DoctorCheck> {
  if (path === ":memory:") {
    return check("storage", "warn", "storage.path is :memory:: traces last only while serve runs");
  }
  try {
    Deno.statSync(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) {
      return check("storage", "fail", "cannot read the sqlite trace database", [message(err)]);
    }
    return check("storage", "warn", `no trace database yet at ${path}`, [
      "`ongoingai serve` creates it when it first starts (doctor creates nothing)",
    ]);
  }
  try {
    await queryOne(openSqliteStore({ path, readOnly: true }), deps.storageTimeoutMs, "sqlite");
  } catch (err) {
    if (olderSchema(err)) return check("storage", "warn", migrating("sqlite"), [message(err)]);
    return check("storage", "fail", "sqlite trace storage is not ready", [message(err)]);
  }
  return check("storage", "pass", "connected to sqlite trace storage", [`path: ${path}`]);
}

/** `host:port/database` of a DSN, never its credentials. */
function dsnPlace(dsn: string): string {
  try {
    const url = new URL(dsn);
    return `${url.hostname || "localhost"}:${url.port || "5432"}${url.pathname || "/"}`;
  } catch {
    return "an unparsable storage.dsn";
  }
}

async function postgresCheck(dsn: string, deps: ProbeDeps): Promise<DoctorCheck> {
  const seconds = Math.max(1, Math.ceil(deps.storageTimeoutMs / 1000));
  const open = openPostgresStore({
    dsn,
    maxConnections: 1,
    connectTimeoutSeconds: seconds,
    readOnly: true,
  });
  try {
    await queryOne(open, deps.storageTimeoutMs, `postgres at ${dsnPlace(dsn)}`);
  } catch (err) {
    const details = [`database: ${dsnPlace(dsn)}`, message(err)];
    if (olderSchema(err)) return check("storage", "warn", migrating("postgres"), details);
    return check("storage", "fail", "postgres trace storage is not ready", details);
  }
  return check("storage", "pass", "connected to postgres trace storage", [
    `database: ${dsnPlace(dsn)}`,
  ]);
}

/** The SQLite file the config names, absolute (or `:memory:`). */
function sqlitePath(config: GatewayConfig, cwd: string): string {
  const { path } = config.storage;
  return path === ":memory:" || isAbsolute(path) ? path : join(cwd, path);
}

export function storageCheck(
  config: GatewayConfig | null,
  cwd: string,
  deps: ProbeDeps,
): Promise<DoctorCheck> {
  if (config === null) return Promise.resolve(check("storage", "skip", skippedSummary));
  const { storage } = config;
  if (storage.driver === "postgres") return postgresCheck(storage.dsn ?? "", deps);
  return sqliteCheck(sqlitePath(config, cwd), deps);
}

/**
 * The store's gateway keys, in team mode only (null otherwise), read as `storage` read the store:
 * read-only, nothing created or migrated, bounded by `storageTimeoutMs`. Read only when `storage`
 * passed; a store that failed it is not tried again, its keys are unknown.
 */
export async function readStoredKeys(
  config: GatewayConfig | null,
  cwd: string,
  storage: DoctorCheck,
  deps: ProbeDeps,
): Promise<StoredKeys | null> {
  if (config === null || !config.auth.enabled) return null;
  const postgres = config.storage.driver === "postgres";
  const path = sqlitePath(config, cwd);
  if (!postgres && path === ":memory:") return { state: "none", why: "storage.path is :memory:" };
  if (!postgres && !existsSync(path)) return { state: "none", why: "no trace database yet" };
  if (storage.status !== "pass") return { state: "unknown", why: storage.summary };
  const open = postgres
    ? openPostgresStore({
      dsn: config.storage.dsn ?? "",
      maxConnections: 1,
      connectTimeoutSeconds: Math.max(1, Math.ceil(deps.storageTimeoutMs / 1000)),
      readOnly: true,
    })
    : openSqliteStore({ path, readOnly: true });
  const what = postgres ? "postgres" : "sqlite";
  try {
    const store = await withTimeout(
      open,
      deps.storageTimeoutMs,
      what,
      (s) => void s.close().catch(() => {}),
    );
    try {
      return storedKeysOf(await withTimeout(store.listKeys(), deps.storageTimeoutMs, what));
    } finally {
      await store.close().catch(() => {});
    }
  } catch (err) {
    return { state: "unknown", why: `listing them failed: ${message(err)}` };
  }
}

/** Resolves to null when a TCP connection opens within `ms`, else to why not. */
export async function tcpReachable(url: URL, ms: number): Promise<string | null> {
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  try {
    const conn = await withTimeout(
      Deno.connect({ hostname, port }),
      ms,
      `${hostname}:${port}`,
      (c) => c.close(),
    );
    conn.close();
    return null;
  } catch (err) {
    return message(err);
  }
}

export async function telemetryCheck(
  ctx: CheckContext,
  config: GatewayConfig | null,
  deps: ProbeDeps,
): Promise<DoctorCheck> {
  const failed = fromIssues(ctx, "telemetry", () => "telemetry settings cannot be used");
  if (failed !== null) return failed;
  if (config === null) return check("telemetry", "skip", skippedSummary);
  const otel = config.observability.otel;
  const scrape = prometheusPath(config);
  const details = [
    scrape === null ? "prometheus: off" : `prometheus: scrape ${scrape} on the gateway's port`,
  ];
  if (!otel.enabled) {
    const none = check(
      "telemetry",
      scrape === null ? "skip" : "pass",
      "no OTLP endpoint configured",
      details,
    );
    return withWarnings(ctx, none, "no OTLP endpoint configured, with warnings");
  }
  const url = otlpBaseUrl(otel.endpoint, otel.insecure);
  const where = `${url.protocol}//${url.host}`;
  const why = await tcpReachable(url, deps.probeTimeoutMs);
  if (why !== null) {
    return check("telemetry", "warn", `OTLP collector at ${where} is unreachable`, [
      why,
      "spans and metrics are dropped until it answers; check observability.otel.endpoint",
      ...details,
    ]);
  }
  return withWarnings(
    ctx,
    check("telemetry", "pass", `OTLP collector at ${where} accepts connections`, details),
    `OTLP collector at ${where} accepts connections, with warnings`,
  );
}

const dayMs = 24 * 60 * 60 * 1000;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function builtInDates(): string[] {
  return Object.values(builtInPrices).flatMap((list) => list.as_of === null ? [] : [list.as_of]);
}

export function priceTableCheck(
  ctx: CheckContext,
  config: GatewayConfig | null,
  deps: ProbeDeps,
): DoctorCheck {
  const failed = fromIssues(ctx, "price_table", () => "pricing sources cannot be used");
  if (failed !== null) return failed;
  if (config === null) return check("price_table", "skip", skippedSummary);
  const dates = [...(deps.priceDates ?? builtInDates())].sort();
  const oldest = dates[0];
  if (oldest === undefined) return check("price_table", "skip", "no dated built-in price list");
  const days = Math.floor((deps.now().getTime() - Date.parse(`${oldest}T00:00:00Z`)) / dayMs);
  const sources = config.pricing.sources;
  const layered = `pricing.sources: ${sources.length} price file(s) over the built-in table`;
  // A fetched price file (LiteLLM's, refreshed while serve runs) keeps prices current anyway.
  const fetched = sources.some(isUrlSource);
  if (days > deps.priceMaxAgeDays && !fetched) {
    return check("price_table", "warn", `built-in price table is ${plural(days, "day")} old`, [
      `as of ${oldest}`,
      layered,
      "to update: upgrade ongoingai (each release carries a newer table), or add LiteLLM's " +
      "price file under pricing.sources (see docs/pricing.md)",
    ]);
  }
  const age = days < 0 ? "dated after this machine's clock" : `${plural(days, "day")} old`;
  return withWarnings(
    ctx,
    check("price_table", "pass", `built-in price table is ${age}`, [`as of ${oldest}`, layered]),
    `built-in price table is ${age}, with warnings`,
  );
}
