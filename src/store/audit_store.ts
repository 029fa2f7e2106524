/**
 * The audit log's store contract (issue 22): append one entry, list entries for the API, read the
 * chain for verification. The driver-neutral half: query checks, the row form and its decoding,
 * the cursor. Both drivers (sqlite_audit.ts, pg_audit.ts) keep `before`/`after`/`details` as the
 * canonical JSON text the hash covered, so a row decodes to exactly the entry that was hashed.
 */
import type { AuditEntry, AuditJson, AuditTenant, NewAuditEntry } from "./audit_chain.ts";
import { InvalidCursorError } from "./types.ts";
import { normalizeTimestamp, parseTimestamp } from "./timestamps.ts";

export const defaultAuditListLimit = 100;
export const maxAuditListLimit = 1000;
/** Most entries one `auditChain` call returns. */
export const maxAuditChainLimit = 10_000;

export interface AuditQuery {
  /** RFC 3339 bounds on `at`, both inclusive (as the trace list's). */
  from?: string;
  to?: string;
  /** Only this tenant's entries; unset: every entry, gateway-wide ones included. */
  tenant?: AuditTenant;
  /** With `tenant`: the gateway-wide entries (tenant null) too, for operators. */
  includeGateway?: boolean;
  action?: string;
  /** `next_cursor` of the previous page. */
  cursor?: string;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  next_cursor: string | null;
}

export interface AuditStore {
  /** Appends after the current head, in one transaction; returns the entry with its hashes. */
  appendAudit(input: NewAuditEntry): Promise<AuditEntry>;
  listAudit(query: AuditQuery): Promise<AuditPage>;
  /** Entries with seq >= `fromSeq`, ascending, at most `limit` (for verification). */
  auditChain(fromSeq: number, limit: number): Promise<AuditEntry[]>;
  /** The last seq and hash the store recorded; seq 0 and the genesis hash when empty. */
  auditHead(): Promise<{ seq: number; hash: string }>;
}

export const auditStoreMethods = [
  "appendAudit",
  "listAudit",
  "auditChain",
  "auditHead",
] as const satisfies readonly (keyof AuditStore)[];

const _everyMethodListed: Exclude<keyof AuditStore, (typeof auditStoreMethods)[number]> extends
  never ? true
  : never = true;
void _everyMethodListed;

export function isAuditStore(store: object): store is AuditStore {
  return auditStoreMethods.every((m) =>
    typeof (store as Record<string, unknown>)[m] === "function"
  );
}

/** The cursor: base64url of the last listed entry's seq (seq is in every entry already). */
export function encodeAuditCursor(seq: number): string {
  return btoa(`a${seq}`).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeAuditCursor(cursor: string): number {
  if (cursor.length > 64 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError("not base64url");
  }
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    throw new InvalidCursorError("not base64url");
  }
  const m = /^a([1-9][0-9]{0,15})$/.exec(text);
  if (m === null || !Number.isSafeInteger(Number(m[1]))) {
    throw new InvalidCursorError("not an audit position");
  }
  return Number(m[1]);
}

/** A checked query in the form both drivers bind. */
export interface AuditFilter {
  from: string | null;
  to: string | null;
  org: string | null;
  ws: string | null;
  /** 1 when gateway-wide entries are listed with a tenant's, else 0. */
  gw: number;
  action: string | null;
  below: number | null;
  limit: number;
}

export function auditFilter(q: AuditQuery): AuditFilter {
  const limit = q.limit ?? defaultAuditListLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxAuditListLimit) {
    throw new RangeError(`limit must be an integer between 1 and ${maxAuditListLimit}`);
  }
  if (q.action !== undefined && (typeof q.action !== "string" || q.action.length > 512)) {
    throw new TypeError("action must be a string of at most 512 characters");
  }
  return {
    from: q.from === undefined ? null : normalizeTimestamp(q.from, "from"),
    to: q.to === undefined ? null : normalizeTimestamp(q.to, "to"),
    org: q.tenant?.org_id ?? null,
    ws: q.tenant?.workspace_id ?? null,
    gw: q.includeGateway === true ? 1 : 0,
    action: q.action ?? null,
    below: q.cursor === undefined ? null : decodeAuditCursor(q.cursor),
    limit,
  };
}

export function checkChainRange(fromSeq: number, limit: number): void {
  if (!Number.isSafeInteger(fromSeq) || fromSeq < 1) {
    throw new RangeError("fromSeq must be a positive integer");
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > maxAuditChainLimit) {
    throw new RangeError(`limit must be an integer between 1 and ${maxAuditChainLimit}`);
  }
}

export const auditColumns =
  "seq, at, actor, org_id, workspace_id, action, target, before_json, after_json, details_json, " +
  "prev_hash, hash";

/** A stored row as the entry; JSON columns that do not parse are kept as their text (verify then
 * reports the entry as changed rather than the read failing). */
export function auditEntryOf(row: Record<string, unknown>): AuditEntry {
  const json = (v: unknown): AuditJson => {
    try {
      return JSON.parse(String(v)) as AuditJson;
    } catch {
      return String(v);
    }
  };
  return {
    seq: Number(row.seq),
    at: String(row.at),
    actor: String(row.actor),
    tenant: row.org_id === null || row.workspace_id === null
      ? null
      : { org_id: String(row.org_id), workspace_id: String(row.workspace_id) },
    action: String(row.action),
    target: String(row.target),
    before: json(row.before_json),
    after: json(row.after_json),
    details: json(row.details_json),
    prev_hash: String(row.prev_hash),
    hash: String(row.hash),
  };
}

export function auditPage(entries: AuditEntry[], limit: number): AuditPage {
  const more = entries.length > limit;
  const page = more ? entries.slice(0, limit) : entries;
  return {
    entries: page,
    next_cursor: more ? encodeAuditCursor(page[page.length - 1]!.seq) : null,
  };
}

/**
 * The audit entry of a gateway key lifecycle event, written by the key stores in the same
 * transaction as the change and its `gateway_key_events` row (which `GET /api/gateway-key-events`
 * still answers from). Never a token or its digest: the key's public fields only.
 */
export function keyAuditEntry(
  key: { id: string; org_id: string; workspace_id: string },
  kind: "created" | "rotated" | "revoked" | "confirmed",
  actor: string,
  at: string,
  record?: { name: string; role: string; permissions: readonly string[] },
): NewAuditEntry {
  const field = { rotated: "last_rotated_at", revoked: "revoked_at", confirmed: "confirmed_at" };
  // Bounded and lenient throughout: a key change is never refused over its audit entry. The key
  // store takes the caller's time as given; the log needs RFC 3339 (else: now).
  const when = parseTimestamp(at) ?? new Date().toISOString();
  return {
    at: when,
    actor: actor === "" ? "unknown" : actor.slice(0, 512),
    tenant: { org_id: key.org_id, workspace_id: key.workspace_id },
    action: `gateway_key.${kind}`,
    target: key.id.slice(0, 512),
    before: kind === "created" ? null : { [field[kind]]: null },
    after: kind === "created"
      ? {
        name: (record?.name ?? "").slice(0, 1000),
        role: record?.role ?? "",
        permissions: [...(record?.permissions ?? [])],
      }
      : { [field[kind]]: at.slice(0, 100) },
    // The time as the key store recorded it, when the log could not take it as is.
    details: when === parseTimestamp(at) ? {} : { recorded_at: at.slice(0, 100) },
  };
}
