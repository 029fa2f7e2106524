/**
 * Team mode at the door: read the configured key header (never `Authorization`, which carries the
 * provider key), find the key, and apply `authorize()`. Denials are `GatewayError`s with their own
 * codes: `missing_gateway_key` and `invalid_gateway_key` (401), `permission_denied` (403). The
 * token is never part of a message, a log line or a trace.
 */
import type { GatewayConfig } from "../config/mod.ts";
import { endpoints } from "../api/mod.ts";
import { GatewayError } from "../server/errors.ts";
import { authorize, type AuthRoutes, authRoutes } from "./authorize.ts";
import { createKeyRing, type KeyRing } from "./keys.ts";
import type { Principal } from "./principal.ts";
import type { KeyStore } from "../store/mod.ts";

export interface GateOptions {
  /** Where keys created through the API live; they are reloaded every `auth.key_refresh_ms`. */
  keys?: KeyStore | undefined;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Told when reloading fails (the last good set stays until it is too old). */
  onRefreshError?: (err: unknown) => void;
}

export interface Gate {
  /** Lower-case header name the key is read from. */
  header: string;
  /**
   * The caller, or null on a public route; throws `GatewayError` when the request may not pass.
   * `path` is the raw request path.
   */
  check(method: string, path: string, headers: Headers): Principal | null;
  /** Reloads the database keys now. Rejects when the store fails. */
  refresh(): Promise<void>;
  /** Stops the periodic reload. */
  close(): void;
}

export function createGate(config: GatewayConfig, secret: string, options: GateOptions = {}): Gate {
  const header = config.auth.header.toLowerCase();
  const ring: KeyRing = createKeyRing(config.auth.keys, secret);
  const routes: AuthRoutes = authRoutes(config.providers.map((p) => p.prefix), endpoints);
  const now = options.now ?? Date.now;
  const interval = config.auth.key_refresh_ms;
  // A reload that keeps failing must not keep a revoked key alive: past this age the database
  // keys are dropped (fail closed for them; config keys still work).
  const maxStale = interval * 3;
  let loadedAt = -Infinity;
  let hasStored = false;
  const keys = options.keys;
  const refresh = async () => {
    if (keys === undefined) return;
    const started = now();
    const active = await keys.activeKeyDigests();
    ring.setStoredKeys(active);
    hasStored = active.length > 0;
    loadedAt = started;
  };
  let timer: ReturnType<typeof setInterval> | undefined;
  if (keys !== undefined) {
    const id = setInterval(() => {
      refresh().catch((err) => {
        if (hasStored && now() - loadedAt > maxStale) {
          ring.setStoredKeys([]);
          hasStored = false;
        }
        options.onRefreshError?.(err);
      });
    }, interval);
    Deno.unrefTimer(id);
    timer = id;
  }
  return {
    header,
    refresh,
    close() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
    check(method, path, headers) {
      if (hasStored && now() - loadedAt > maxStale) {
        ring.setStoredKeys([]);
        hasStored = false;
      }
      const token = headers.get(header);
      const principal = token === null ? null : ring.lookup(token);
      const decision = authorize({ method, path }, routes, principal);
      if (decision.allow) return decision.requirement.kind === "public" ? null : principal;
      if (decision.status === 401) {
        throw token === null || token.trim() === ""
          ? new GatewayError(
            "missing_gateway_key",
            `this route needs a gateway key in the ${config.auth.header} header`,
          )
          : new GatewayError(
            "invalid_gateway_key",
            `the ${config.auth.header} header does not hold a valid gateway key`,
          );
      }
      throw new GatewayError(
        "permission_denied",
        `gateway key ${principal!.keyId} (role ${
          principal!.role
        }) lacks the ${decision.permission} permission this route needs`,
        { permission: decision.permission },
      );
    },
  };
}
