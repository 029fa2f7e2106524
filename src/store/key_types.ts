/**
 * The gateway key store contract: keys created through the API, held by the digest of their
 * token (never the token), and the audit log of their lifecycle. SQLite and PostgreSQL implement
 * it; one conformance suite (`tests/store/key_conformance.ts`) runs against both. Every mutation
 * writes its audit event in the same transaction.
 */
import type { TenantScope } from "./types.ts";

export interface GatewayKeyRecord {
  id: string;
  org_id: string;
  workspace_id: string;
  name: string;
  description: string;
  role: string;
  permissions: string[];
  created_by: string;
  /** RFC 3339 UTC. */
  created_at: string;
  last_rotated_at: string | null;
  /**
   * Created while team mode was off (API with auth off, or the CLI on a config without team
   * mode): refused in team mode until confirmed.
   */
  created_without_auth: boolean;
  /** When an operator confirmed it (`ongoingai keys confirm`); null if not (or not needed). */
  confirmed_at: string | null;
}

/** A record's columns, in its order: never `token_digest` (nor `revoked_at`, `confirmed_by`). */
export const keyRecordColumns = [
  "id",
  "org_id",
  "workspace_id",
  "name",
  "description",
  "role",
  "permissions",
  "created_by",
  "created_at",
  "last_rotated_at",
  "created_without_auth",
  "confirmed_at",
] as const satisfies readonly (keyof GatewayKeyRecord)[];

/** How a database hands back the columns it stores its own way (times, the list, the flag). */
export interface KeyColumnDecoders {
  time(value: unknown): string;
  permissions(value: unknown): string[];
  flag(value: unknown): boolean;
}

/** A stored row of `keyRecordColumns` as a record. */
export function keyRecordOf(row: Record<string, unknown>, d: KeyColumnDecoders): GatewayKeyRecord {
  return {
    id: String(row.id),
    org_id: String(row.org_id),
    workspace_id: String(row.workspace_id),
    name: String(row.name),
    description: String(row.description),
    role: String(row.role),
    permissions: d.permissions(row.permissions),
    created_by: String(row.created_by),
    created_at: d.time(row.created_at),
    last_rotated_at: row.last_rotated_at === null ? null : d.time(row.last_rotated_at),
    created_without_auth: d.flag(row.created_without_auth),
    confirmed_at: row.confirmed_at === null ? null : d.time(row.confirmed_at),
  };
}

export interface NewGatewayKey extends Omit<GatewayKeyRecord, "last_rotated_at" | "confirmed_at"> {
  /** Hex HMAC-SHA256 of the token under the key-hash secret. */
  token_digest: string;
}

export type GatewayKeyEventKind = "created" | "rotated" | "revoked" | "confirmed";

export interface GatewayKeyEvent {
  id: number;
  key_id: string;
  event: GatewayKeyEventKind;
  /** The key that acted, or `system` (team mode off, or the command line). */
  actor_key_id: string;
  org_id: string;
  workspace_id: string;
  at: string;
}

/** An active key as the authorizer needs it: who it is and the digest of its token. */
export interface ActiveGatewayKey {
  id: string;
  token_digest: string;
  org_id: string;
  workspace_id: string;
  role: string;
  permissions: string[];
  /** Created while team mode was off and not confirmed since: refused at use. */
  unconfirmed: boolean;
}

/**
 * A scope must name both an org and a workspace. Checked before any query, so a scope that lost
 * its fields to a bug is an error, never "every tenant" (PostgreSQL read a null org as no bound).
 */
export function checkScope(scope: TenantScope | undefined): void {
  if (scope === undefined) return;
  if (typeof scope.org_id !== "string" || typeof scope.workspace_id !== "string") {
    throw new TypeError("a tenant scope needs org_id and workspace_id strings");
  }
}

/** Created while team mode was off and not confirmed since. */
export const isUnconfirmed = (k: Pick<GatewayKeyRecord, "created_without_auth" | "confirmed_at">) =>
  k.created_without_auth && k.confirmed_at === null;

export interface KeyStore {
  /** Stores the key and its `created` event. Throws `KeyConflictError` for a taken id or digest. */
  createKey(key: NewGatewayKey): Promise<GatewayKeyRecord>;
  /** Active keys in `scope` (every tenant when absent), by `created_at`, then `id`. */
  listKeys(scope?: TenantScope): Promise<GatewayKeyRecord[]>;
  /** False when missing, already revoked or outside `scope`: the caller cannot tell which. */
  revokeKey(id: string, actor: string, at: string, scope?: TenantScope): Promise<boolean>;
  /** New digest for an active key in `scope`; null as for `revokeKey`. */
  rotateKey(
    id: string,
    tokenDigest: string,
    actor: string,
    at: string,
    scope?: TenantScope,
  ): Promise<GatewayKeyRecord | null>;
  /**
   * Accepts a key created while team mode was off (records `confirmed`); a key that needs no
   * confirmation is returned as it is. Null as for `revokeKey`.
   */
  confirmKey(
    id: string,
    actor: string,
    at: string,
    scope?: TenantScope,
  ): Promise<GatewayKeyRecord | null>;
  /** Audit events in `scope`, newest first, at most `limit`. */
  listKeyEvents(scope: TenantScope | undefined, limit: number): Promise<GatewayKeyEvent[]>;
  /** Every tenant's active keys: what the authorizer refreshes from. */
  activeKeyDigests(): Promise<ActiveGatewayKey[]>;
}

/** Checked by name, since errors crossing from the store worker are rebuilt as plain `Error`s. */
export class KeyConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeyConflictError";
  }
}

export const keyStoreMethods = [
  "createKey",
  "listKeys",
  "revokeKey",
  "rotateKey",
  "confirmKey",
  "listKeyEvents",
  "activeKeyDigests",
] as const satisfies readonly (keyof KeyStore)[];

// A method missing from the list above would not cross the store worker.
const _everyKeyMethodListed: Exclude<keyof KeyStore, (typeof keyStoreMethods)[number]> extends never
  ? true
  : never = true;
void _everyKeyMethodListed;

export function isKeyStore(store: object): store is KeyStore {
  return keyStoreMethods.every((m) => typeof (store as Record<string, unknown>)[m] === "function");
}
