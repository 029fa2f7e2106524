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
}

export interface NewGatewayKey extends Omit<GatewayKeyRecord, "last_rotated_at"> {
  /** Hex HMAC-SHA256 of the token under the key-hash secret. */
  token_digest: string;
}

export type GatewayKeyEventKind = "created" | "rotated" | "revoked";

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
}

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
  "listKeyEvents",
  "activeKeyDigests",
] as const satisfies readonly (keyof KeyStore)[];

export function isKeyStore(store: object): store is KeyStore {
  return keyStoreMethods.every((m) => typeof (store as Record<string, unknown>)[m] === "function");
}
