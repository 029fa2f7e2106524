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

export interface Gate {
  /** Lower-case header name the key is read from. */
  header: string;
  /**
   * The caller, or null on a public route; throws `GatewayError` when the request may not pass.
   * `path` is the raw request path.
   */
  check(method: string, path: string, headers: Headers): Principal | null;
}

export function createGate(config: GatewayConfig, secret: string): Gate {
  const header = config.auth.header.toLowerCase();
  const ring: KeyRing = createKeyRing(config.auth.keys, secret);
  const routes: AuthRoutes = authRoutes(config.providers.map((p) => p.prefix), endpoints);
  return {
    header,
    check(method, path, headers) {
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
            `the ${config.auth.header} header does not hold a configured gateway key`,
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
