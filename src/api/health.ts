/**
 * `GET /api/health`: liveness plus the figures an operator checks first. Public, so it carries
 * no per-tenant data: the original's global `trace_count` told any caller how busy every tenant
 * was, and is left out on purpose.
 */
import type { z } from "zod";
import type { StoreStats } from "../store/mod.ts";
import type { healthResponseSchema } from "./contract/mod.ts";

/** What the API reads from the trace writer; the writer's snapshot is a superset. */
export interface TraceWriterStats {
  accepted: number;
  written: number;
  dropped: number;
  queue_depth: number;
  queue_capacity: number;
  /** `degraded` while the writer retries a failing store. */
  store_state?: "ok" | "degraded";
}

/** The `HealthResponse` schema's type: the document and the handler cannot disagree. */
export type HealthBody = z.output<typeof healthResponseSchema>;

export interface HealthInputs {
  version: string;
  startedAt: number;
  now: number;
  storageDriver: "sqlite" | "postgres";
  writer: TraceWriterStats;
  /** Null when stats could not be read: health must answer even then. */
  stats: StoreStats | null;
  /** Team mode: health is public, so queue and size figures (every tenant's traffic) stay out. */
  teamMode?: boolean;
}

export function healthBody(h: HealthInputs): HealthBody {
  const body: HealthBody = {
    status: "ok",
    version: h.version,
    uptime_sec: Math.max(0, Math.floor((h.now - h.startedAt) / 1000)),
    storage_driver: h.storageDriver,
  };
  if (h.writer.store_state !== undefined) body.trace_store = h.writer.store_state;
  if (h.teamMode) return body;
  body.trace_queue = {
    accepted: h.writer.accepted,
    written: h.writer.written,
    dropped: h.writer.dropped,
    depth: h.writer.queue_depth,
    capacity: h.writer.queue_capacity,
  };
  const size = h.stats?.db_size_bytes;
  if (typeof size === "number") body.db_size_bytes = size;
  return body;
}
