/**
 * The configured gateway keys, held only as digests. A `token` is kept as HMAC-SHA256 under the
 * installation secret (the provider-key fingerprint secret), a `token_hash` as the SHA-256 it
 * is. Tokens are trimmed, as in the original.
 *
 * Keyed digests are found through a map keyed by the HMAC of the presented token, then confirmed
 * with `timingSafeEqual` (reliability.md S5/S6). The map's timing can only say something about the
 * HMAC of the caller's own guess, a pseudo-random value without the secret, never about a stored
 * token. It also keeps the cost flat: the built-in compare costs about 0.65 µs a call in Deno, so
 * comparing with every key would cost 0.65 ms a request with 1000 keys. Unkeyed `token_hash`
 * entries (config only, few) are each compared in constant time with no early exit.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Permission, ResolvedAuthKey, Role } from "../config/mod.ts";
import type { ActiveGatewayKey } from "../store/mod.ts";
import { type Principal, principalOf } from "./principal.ts";

interface StoredKey {
  /** HMAC of `token`, or SHA-256 from `token_hash`. */
  digest: Uint8Array;
  principal: Principal;
}

/** Keyed digests by their hex form; the first key configured with a token wins. */
type KeyedIndex = Map<string, StoredKey>;

function addKeyed(index: KeyedIndex, digest: Uint8Array, principal: Principal): void {
  const hex = bytesHex(digest);
  if (!index.has(hex)) index.set(hex, { digest, principal });
}

function bytesHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
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
  const configKeyed: KeyedIndex = new Map();
  const configPlain: StoredKey[] = [];
  for (const key of keys) {
    const principal = principalOf(key);
    const token = key.token?.trim();
    if (token) addKeyed(configKeyed, hmac(token), principal);
    if (key.token_hash !== undefined) {
      configPlain.push({ digest: hexBytes(key.token_hash.toLowerCase()), principal });
    }
  }
  let dynamic: KeyedIndex = new Map();
  return {
    get size() {
      return configKeyed.size + configPlain.length + dynamic.size;
    },
    setStoredKeys(keys) {
      const next: KeyedIndex = new Map();
      for (const k of keys) {
        if (!/^[0-9a-f]{64}$/.test(k.token_digest)) continue;
        const principal = principalOf({
          id: k.id,
          org_id: k.org_id,
          workspace_id: k.workspace_id,
          role: k.role as Role,
          permissions: k.permissions as Permission[],
        });
        addKeyed(
          next,
          hexBytes(k.token_digest),
          k.unconfirmed ? { ...principal, unconfirmed: true } : principal,
        );
      }
      dynamic = next;
    },
    lookup(raw) {
      const token = raw.trim();
      if (token === "") return null;
      const hex = createHmac("sha256", secret).update(token).digest("hex");
      const found = configKeyed.get(hex) ?? dynamic.get(hex);
      if (found !== undefined && constantTimeEqual(found.digest, hexBytes(hex))) {
        return found.principal;
      }
      if (configPlain.length === 0) return null;
      const plain = sha256(token);
      let match: Principal | null = null;
      for (const k of configPlain) {
        // Every entry is compared: no early exit says which one matched.
        if (constantTimeEqual(plain, k.digest) && match === null) match = k.principal;
      }
      return match;
    },
  };
}
