/**
 * Provider-key fingerprints. A keyed HMAC, not a plain hash: with a plain SHA-256, anyone who
 * can read the database can test a list of leaked keys against it, and the same key links
 * across installations. The secret is per installation and never stored in the database.
 */
import { createHmac, randomBytes } from "node:crypto";
import { dirname } from "node:path";

export interface KeyFingerprint {
  /** Hex HMAC-SHA256 of the key under the installation secret. */
  hash: string;
  /** Last four characters, only for keys long enough that they reveal nothing useful. */
  last4: string | null;
}

export type Fingerprinter = (key: string) => KeyFingerprint;

/** A fingerprint's shape: the 64 lowercase hex digits of `KeyFingerprint.hash`. */
export const fingerprintPattern = /^[0-9a-f]{64}$/;

/**
 * A fingerprint given by a person or a query (`--key`, `api_key_hash=`): hex digits in either
 * case, stored lowercase. null when it is not one (a prefix, the last four, a key itself).
 */
export function parseFingerprint(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  return fingerprintPattern.test(value) ? value : null;
}

/**
 * Fingerprints are memoised: a deployment sees few distinct keys, and an HMAC per request costs
 * a measurable share of the hot path. The cache is bounded; the oldest entry goes first.
 */
export function createFingerprinter(secret: string, cacheSize = 1024): Fingerprinter {
  const cache = new Map<string, KeyFingerprint>();
  return (key) => {
    let fp = cache.get(key);
    if (fp === undefined) {
      fp = {
        hash: createHmac("sha256", secret).update(key).digest("hex"),
        last4: key.length > 12 ? key.slice(-4) : null,
      };
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(key, fp);
    }
    return fp;
  };
}

/**
 * Reads the installation secret, creating it (32 random bytes, mode 0600) on first start.
 * A secret file with wider permissions is refused rather than silently trusted.
 */
export async function loadOrCreateSecret(path: string): Promise<string> {
  try {
    const info = await Deno.stat(path);
    if (Deno.build.os !== "windows" && info.mode !== null && (info.mode & 0o077) !== 0) {
      throw new Error(
        `${path} is readable by other users (mode ${
          (info.mode & 0o777).toString(8)
        }); run chmod 600 ${path}`,
      );
    }
    const text = (await Deno.readTextFile(path)).trim();
    if (text.length < 32) {
      throw new Error(
        `${path} is too short to be a key fingerprint secret; delete it to generate a new one`,
      );
    }
    return text;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  // createNew: two instances starting together must not overwrite each other's secret.
  try {
    await Deno.writeTextFile(path, secret + "\n", { mode: 0o600, createNew: true });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return loadOrCreateSecret(path);
    throw err;
  }
  return secret;
}
