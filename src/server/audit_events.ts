/**
 * What the gateway itself writes to the audit log (issue 22): config loads and reloads with the
 * config file's SHA-256, and denied requests in team mode, rate-limited so a flood of refusals
 * cannot grow the table without bound. Writing is best effort: a failed append is logged and
 * never fails the request or the reload it records.
 */
import { overriding } from "./overriding.ts";
import { createHash } from "node:crypto";
import type { AuditTenant, NewAuditEntry } from "../store/mod.ts";
import type { Logger } from "../log/mod.ts";
import type { TraceRecord } from "../traces/mod.ts";
import { boundedReason, type KeyScope, type RoutingState } from "../routing/mod.ts";

/** Where entries go: the store's `appendAudit`, or nothing when the store keeps no log. */
export type AuditSink = (entry: NewAuditEntry) => Promise<unknown>;

/** Largest config file hashed; a bigger one is recorded as not hashed (null), never read whole. */
export const maxHashedConfigBytes = 16 * 1024 * 1024;

/**
 * SHA-256 (hex) of the config file's bytes, as `sha256sum` prints it, so an operator can match
 * an entry to a file; null without a file (defaults and environment only) or when unreadable.
 */
export async function configFileHash(source: string | null): Promise<string | null> {
  if (source === null) return null;
  try {
    const info = await Deno.stat(source);
    if (!info.isFile || info.size > maxHashedConfigBytes) return null;
    return createHash("sha256").update(await Deno.readFile(source)).digest("hex");
  } catch {
    return null;
  }
}

export function configLoadedEntry(
  at: string,
  source: string | null,
  hash: string | null,
  detail: { generation?: number; previous_sha256?: string | null; reason?: string },
  action: "config.loaded" | "config.reloaded" | "config.reload_refused",
): NewAuditEntry {
  const details: Record<string, string | number> = {};
  if (detail.generation !== undefined) details.generation = detail.generation;
  if (detail.reason !== undefined) details.reason = detail.reason.slice(0, 2000);
  return {
    at,
    actor: "gateway",
    tenant: null,
    action,
    target: source ?? "(built-in defaults)",
    before: detail.previous_sha256 === undefined ? null : { sha256: detail.previous_sha256 },
    after: action === "config.reload_refused" ? null : { sha256: hash },
    details: action === "config.reload_refused" ? { ...details, sha256: hash ?? "" } : details,
  };
}

/** Appends without ever throwing: the failure is a warning in the log. */
export function safeAudit(sink: AuditSink | undefined, log: Pick<Logger, "warn">): AuditSink {
  return async (entry) => {
    if (sink === undefined) return;
    try {
      await sink(entry);
    } catch (err) {
      log.warn("audit log append failed", {
        action: entry.action,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  };
}

/** A denied request: who, why, and where. */
export interface Denial {
  tenant: AuditTenant | null;
  /** `rate_limited`, `permission_denied`, `pii_blocked`, ... (the error code answered). */
  reason: string;
  /** The gateway key that asked, or `anonymous`. */
  actor: string;
  /** The method and path asked for (no query: it may hold data). */
  target: string;
}

/** Most (tenant, reason) windows remembered; past it the oldest are flushed early. */
export const maxDenialWindows = 10_000;

interface Window {
  denial: Denial;
  startedMs: number;
  count: number;
}

/**
 * At most one `request.denied` entry per (tenant, reason) per `windowMs`: the first denial of a
 * window is written at once (count 1); the others are counted and written as one entry with
 * their count when a later denial finds the window over, or on `flush()`. Memory is bounded by
 * `maxDenialWindows`. Pure but for the sink: the clock is given.
 */
export class DenialAuditor {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly sink: AuditSink,
    private readonly now: () => number,
    private readonly windowMs = 1000,
  ) {}

  record(d: Denial): void {
    const key = JSON.stringify([
      d.tenant?.org_id ?? null,
      d.tenant?.workspace_id ?? null,
      d.reason,
    ]);
    const now = this.now();
    const open = this.#windows.get(key);
    if (open !== undefined && now - open.startedMs < this.windowMs) {
      open.count++;
      open.denial = d;
      return;
    }
    if (open !== undefined) this.#emit(open, true);
    this.#windows.delete(key);
    if (this.#windows.size >= maxDenialWindows) {
      const [oldestKey, oldest] = this.#windows.entries().next().value!;
      this.#windows.delete(oldestKey);
      this.#emit(oldest, true);
    }
    this.#windows.set(key, { denial: d, startedMs: now, count: 0 });
    this.#emit({ denial: d, startedMs: now, count: 1 }, false);
  }

  /** Writes the counts still held (shutdown, tests). */
  flush(): void {
    for (const w of this.#windows.values()) this.#emit(w, true);
    this.#windows.clear();
  }

  #emit(w: Window, summary: boolean): void {
    if (w.count === 0) return;
    const d = w.denial;
    void this.sink({
      at: new Date(summary ? Math.max(w.startedMs, this.now()) : w.startedMs).toISOString(),
      actor: d.actor,
      tenant: d.tenant,
      action: "request.denied",
      target: d.target,
      before: null,
      after: null,
      details: summary
        ? { reason: d.reason, count: w.count, window_ms: this.windowMs, since: iso(w.startedMs) }
        : { reason: d.reason, count: 1 },
    });
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Trace error codes that are team-mode denials inside the forward path (after the gate). */
const deniedCodes: ReadonlySet<string> = new Set(["rate_limited", "pii_blocked"]);

/**
 * The writer, telling `denials` of each traced request a gateway key was refused for (rate
 * limits, PII blocks); the trace itself goes on unchanged. Without a gateway key (auth off) no
 * denial is recorded: the audit log's denials are team mode's.
 */
export function auditedWriter<W extends { enqueue(trace: TraceRecord): boolean }>(
  writer: W,
  denials: Pick<DenialAuditor, "record">,
): W {
  const enqueue = (trace: TraceRecord) => {
    if (
      trace.gateway_key_id !== null && trace.error_code !== null &&
      deniedCodes.has(trace.error_code)
    ) {
      denials.record({
        tenant: { org_id: trace.org_id, workspace_id: trace.workspace_id },
        reason: trace.error_code,
        actor: trace.gateway_key_id,
        target: `${trace.request_method} ${trace.request_path}`,
      });
    }
    return writer.enqueue(trace);
  };
  return overriding(writer, { enqueue } as Partial<W>);
}

/**
 * The routing state, writing a gateway-wide audit entry when a pooled provider key (or group) is
 * disabled after a 401/402/403 from its provider, or enabled again (`POST /api/routes/keys/...`).
 * A key already disabled is not recorded again (several requests may hit the same dead key).
 * Every other call passes through unchanged.
 */
export function auditedRoutingState(state: RoutingState, sink: AuditSink): RoutingState {
  const entry = (scope: KeyScope, now: number, action: string, details: Record<string, string>) =>
    sink({
      at: new Date(now).toISOString(),
      actor: action === "provider_key.disabled" ? "gateway" : "api",
      tenant: null,
      action,
      target: `${scope.provider}/${scope.kind}/${scope.id}`,
      before: null,
      after: { state: action === "provider_key.disabled" ? "disabled" : "usable" },
      details,
    });
  return overriding(state, {
    disableKey: async (scope: KeyScope, now: number, reason: string) => {
      const was = state.blocked(scope, now);
      await state.disableKey(scope, now, reason);
      if (was?.state !== "disabled") {
        await entry(scope, now, "provider_key.disabled", { reason: boundedReason(reason) });
      }
    },
    enableKey: async (scope: KeyScope, now: number) => {
      const was = state.blocked(scope, now);
      const cleared = await state.enableKey(scope, now);
      if (cleared) {
        await entry(scope, now, "provider_key.enabled", { was: was?.state ?? "unknown" });
      }
      return cleared;
    },
  });
}
