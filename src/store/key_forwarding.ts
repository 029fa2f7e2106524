/**
 * The gateway-key half (`KeyStore`) of the SQLite and PostgreSQL trace stores: each builds a key
 * store on its own database (sqlite_keys.ts, pg_keys.ts) and forwards the calls to it, so the
 * forwards are written once here. (The worker store's face sends them as messages instead.)
 */
import type { TenantScope } from "./types.ts";
import type {
  ActiveGatewayKey,
  GatewayKeyEvent,
  GatewayKeyRecord,
  KeyStore,
  NewGatewayKey,
} from "./key_types.ts";

export abstract class KeyStoreForwarder implements KeyStore {
  /** The key store on the same database, checking that the trace store is still open. */
  protected abstract readonly keys: KeyStore;

  createKey(key: NewGatewayKey): Promise<GatewayKeyRecord> {
    return this.keys.createKey(key);
  }
  listKeys(scope?: TenantScope): Promise<GatewayKeyRecord[]> {
    return this.keys.listKeys(scope);
  }
  revokeKey(id: string, actor: string, at: string, scope?: TenantScope): Promise<boolean> {
    return this.keys.revokeKey(id, actor, at, scope);
  }
  rotateKey(
    id: string,
    tokenDigest: string,
    actor: string,
    at: string,
    scope?: TenantScope,
  ): Promise<GatewayKeyRecord | null> {
    return this.keys.rotateKey(id, tokenDigest, actor, at, scope);
  }
  confirmKey(
    id: string,
    actor: string,
    at: string,
    scope?: TenantScope,
  ): Promise<GatewayKeyRecord | null> {
    return this.keys.confirmKey(id, actor, at, scope);
  }
  listKeyEvents(scope: TenantScope | undefined, limit: number): Promise<GatewayKeyEvent[]> {
    return this.keys.listKeyEvents(scope, limit);
  }
  activeKeyDigests(): Promise<ActiveGatewayKey[]> {
    return this.keys.activeKeyDigests();
  }
}
