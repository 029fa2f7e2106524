/**
 * The gateway under test: `src/main.ts serve` as a user runs it, one process per scenario group,
 * with its own SQLite file (or a PostgreSQL database). Stopping it accounts for every trace: the
 * final health figures, the shutdown log line and the rows in the database must all agree, with
 * nothing dropped.
 */
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { countPostgresRows } from "./postgres.ts";
import { type Child, freePort, repoRoot, spawnDeno, waitReady } from "./proc.ts";
import { GcTrace, gcTraceFlags } from "./gc_trace.ts";

/** Where the gateway stores its traces. */
export type BenchStorage =
  | { driver: "sqlite"; path: string }
  | { driver: "postgres"; dsn: string };

export interface GatewayOptions {
  /** tracing.capture_bodies (with pii.mode off unless `pii` says otherwise). */
  capture?: boolean;
  /** The config's `pii` block (the PII scenario). */
  pii?: Record<string, unknown>;
  /** The config's `observability` block (the telemetry scenario); default: all off. */
  observability?: Record<string, unknown>;
  bodyMaxSize?: number;
  /** An existing SQLite file to serve (default: a fresh one in its own directory). */
  dbPath?: string;
  /**
   * Where traces go (default: SQLite at `dbPath`). A PostgreSQL database must start empty, as
   * every row of `traces` is counted at the end.
   */
  storage?: BenchStorage;
  /** More providers, next to `openai` and `anthropic` (both on the stub). */
  providers?: Record<string, unknown>;
  /** The config's `routes` block (the translate scenario). */
  routes?: Record<string, unknown>;
  /** Run with V8's GC trace and read it (`Gateway.gc`). */
  gcTrace?: boolean;
  /** server.workers (the workers scenario); default: the config's default, 1. */
  workers?: number;
}

export interface TraceAccount {
  instance: string;
  exit_code: number;
  /** From /api/health once the load stopped and the queue drained. */
  accepted: number;
  /** From the shutdown log line ("trace queue flushed"). */
  written: number | null;
  dropped: number | null;
  /** Rows in the database (SQLite file or PostgreSQL) after the process exited. */
  rows: number | null;
  /** Longest response body stored, when bodies were captured. */
  max_body_stored: number | null;
  ok: boolean;
  problem: string | null;
}

export interface Gateway {
  name: string;
  origin: string;
  pid: number;
  /** Its garbage collections, when started with `gcTrace`. */
  gc: GcTrace | null;
  health(): Promise<HealthQueue>;
  stop(): Promise<TraceAccount>;
}

export interface HealthQueue {
  accepted: number;
  written: number;
  dropped: number;
  depth: number;
  capacity: number;
}

export async function startGateway(
  name: string,
  stubOrigin: string,
  tmpDir: string,
  opts: GatewayOptions = {},
): Promise<Gateway> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ dir: tmpDir, prefix: "gateway_" });
  const storage: BenchStorage = opts.storage ??
    { driver: "sqlite", path: opts.dbPath ?? join(dir, "traces.db") };
  const config = {
    server: {
      host: "127.0.0.1",
      port,
      log_format: "json",
      shutdown_grace_ms: 5000,
      ...(opts.workers === undefined ? {} : { workers: opts.workers }),
    },
    storage,
    providers: {
      openai: { upstream: stubOrigin },
      anthropic: { upstream: stubOrigin },
      ...opts.providers,
    },
    ...(opts.routes ? { routes: opts.routes } : {}),
    tracing: opts.capture
      ? { capture_bodies: true, body_max_size: opts.bodyMaxSize ?? 1048576 }
      : { capture_bodies: false },
    ...(opts.capture ? { pii: { mode: "off" } } : {}),
    ...(opts.pii ? { pii: opts.pii } : {}),
    ...(opts.observability ? { observability: opts.observability } : {}),
  };
  const configPath = join(dir, "gateway.json");
  await Deno.writeTextFile(configPath, JSON.stringify(config, null, 2));
  const gc = opts.gcTrace ? new GcTrace() : null;
  const child = spawnDeno(
    name,
    join(repoRoot, "src/main.ts"),
    ["serve", "--config", configPath],
    gc === null ? {} : { v8Flags: gcTraceFlags, onStdoutLine: (line) => gc.feed(line) },
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(child, `${origin}/api/health`);
  const health = async (): Promise<HealthQueue> => {
    const res = await fetch(`${origin}/api/health`);
    return (await res.json()).trace_queue as HealthQueue;
  };
  return {
    name,
    origin,
    pid: child.pid,
    gc,
    health,
    stop: () => stopAndAccount(name, child, health, storage, opts.capture === true),
  };
}

/** Health until the queue is empty and `accepted` stops moving (the last traces are enqueued). */
export async function settledHealth(health: () => Promise<HealthQueue>): Promise<HealthQueue> {
  let prev = await health();
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const h = await health();
    if (h.depth === 0 && h.accepted === prev.accepted && h.written === h.accepted) return h;
    prev = h;
  }
  return prev;
}

async function stopAndAccount(
  name: string,
  child: Child,
  health: () => Promise<HealthQueue>,
  storage: BenchStorage,
  captured: boolean,
): Promise<TraceAccount> {
  let accepted = -1;
  try {
    accepted = (await settledHealth(health)).accepted;
  } catch { /* reported below as a problem */ }
  const exit_code = await child.stop("SIGTERM", 30_000);
  let written: number | null = null, dropped: number | null = null;
  for (const line of child.logs().split("\n")) {
    if (!line.includes("trace queue flushed")) continue;
    try {
      const rec = JSON.parse(line) as { written?: number; dropped?: number };
      written = rec.written ?? null;
      dropped = rec.dropped ?? null;
    } catch { /* not a JSON line */ }
  }
  let rows: number | null = null, maxBody: number | null = null;
  try {
    ({ rows, maxBody } = storage.driver === "postgres"
      ? await countPostgresRows(storage.dsn, captured)
      : countSqliteRows(storage.path, captured));
  } catch { /* reported below */ }
  const problems = [
    exit_code !== 0 && `exit code ${exit_code}`,
    accepted < 0 && "health unreadable before stop",
    written === null && "no 'trace queue flushed' log line",
    dropped !== 0 && `dropped ${dropped}`,
    written !== null && written !== accepted && `written ${written} != accepted ${accepted}`,
    rows !== accepted && `rows ${rows} != accepted ${accepted}`,
  ].filter((p): p is string => typeof p === "string");
  return {
    instance: name,
    exit_code,
    accepted,
    written,
    dropped,
    rows,
    max_body_stored: maxBody,
    ok: problems.length === 0,
    problem: problems.length === 0 ? null : `${problems.join("; ")}\n${child.logs().slice(-1500)}`,
  };
}

function countSqliteRows(
  path: string,
  captured: boolean,
): { rows: number; maxBody: number | null } {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = Number((db.prepare("SELECT count(*) AS n FROM traces").get() as { n: number }).n);
    let maxBody: number | null = null;
    if (captured) {
      const r = db.prepare("SELECT max(length(CAST(response_body AS BLOB))) AS m FROM traces")
        .get() as { m: number | null };
      maxBody = r.m === null ? null : Number(r.m);
    }
    return { rows, maxBody };
  } finally {
    db.close();
  }
}
