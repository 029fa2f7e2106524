/**
 * The configured gateway keys, held only as digests. A `token` is kept as HMAC-SHA256 under the
 * installation secret (the provider-key fingerprint secret), a `token_hash` as the SHA-256 it
 * is. A presented token is digested both ways and compared with every key in constant time, with
 * no early exit and no map lookup keyed by the secret, so timing says nothing about which bytes
 * matched. Tokens are trimmed, as in the original.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Permission, ResolvedAuthKey, Role } from "../config/mod.ts";
import type { ActiveGatewayKey } from "../store/mod.ts";
import { type Principal, principalOf } from "./principal.ts";

interface StoredKey {
  /** HMAC of `token`, or SHA-256 from `token_hash`. */
  digest: Uint8Array;
  keyed: boolean;
  principal: Principal;
}

export interface KeyRing {
  /** The key whose token this is, or null. */
  lookup(token: string): Principal | null;
  /** Config keys plus database keys. */
  readonly size: number;
  /** Replaces the database keys (config keys stay). */
  setStoredKeys(keys: readonly ActiveGatewayKey[]): void;
}

/** The digest a database key is stored under: hex HMAC-SHA256 of the trimmed token. */
export function tokenDigest(token: string, secret: string): string {
  return createHmac("sha256", secret).update(token.trim()).digest("hex");
}

/**
 * Equal length and equal bytes, in time that depends only on the length. The built-in
 * `timingSafeEqual` (not a hand-written loop a JIT could short-circuit) does the bytes; it throws
 * on differing lengths, and a length says nothing secret here (every digest is 32 bytes).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function createKeyRing(keys: readonly ResolvedAuthKey[], secret: string): KeyRing {
  const hmac = (token: string) =>
    new Uint8Array(createHmac("sha256", secret).update(token).digest());
  const sha256 = (token: string) => new Uint8Array(createHash("sha256").update(token).digest());
  const stored: StoredKey[] = [];
  for (const key of keys) {
    const principal = principalOf(key);
    const token = key.token?.trim();
    if (token) stored.push({ digest: hmac(token), keyed: true, principal });
    if (key.token_hash !== undefined) {
      stored.push({ digest: hexBytes(key.token_hash.toLowerCase()), keyed: false, principal });
    }
  }
  let dynamic: StoredKey[] = [];
  return {
    get size() {
      return stored.length + dynamic.length;
    },
    setStoredKeys(keys) {
      dynamic = keys.filter((k) => /^[0-9a-f]{64}$/.test(k.token_digest)).map((k) => ({
        digest: hexBytes(k.token_digest),
        keyed: true,
        principal: principalOf({
          id: k.id,
          org_id: k.org_id,
          workspace_id: k.workspace_id,
          role: k.role as Role,
          permissions: k.permissions as Permission[],
        }),
      }));
    },
    lookup(raw) {
      const token = raw.trim();
      if (token === "") return null;
      const keyed = hmac(token);
      const plain = sha256(token);
      let found: Principal | null = null;
      for (const k of [...stored, ...dynamic]) {
        // Every entry is compared; the branch only picks which digest, known from config.
        if (constantTimeEqual(k.keyed ? keyed : plain, k.digest) && found === null) {
          found = k.principal;
        }
      }
      return found;
    },
  };
}
