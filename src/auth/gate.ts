/**
 * Team mode at the door: read the configured key header (never `Authorization`, which carries the
 * provider key), find the key, and apply `authorize()`. Denials are `GatewayError`s with their own
 * codes: `missing_gateway_key` and `invalid_gateway_key` (401), `permission_denied` (403). The
 * token is never part of a message, a log line or a trace.
 *
 * A gateway key in a provider credential position (`Authorization`, `x-api-key`, `?key=`...) would
 * be forwarded to the provider, a third party: such a request is refused (400), never stripped,
 * because stripping would send it on without the credential the client meant to give.
 */
import { type GatewayConfig, prometheusPath } from "../config/mod.ts";
import { GatewayError } from "../errors/mod.ts";
import { providerCredentialHeaders, providerCredentialParams } from "../providers/mod.ts";
import { authorize, type AuthRoutes, authRoutes, type EndpointRule } from "./authorize.ts";
import { createKeyRing, type KeyRing } from "./keys.ts";
import type { Principal } from "./principal.ts";
import type { KeyStore } from "../store/mod.ts";

export interface GateOptions {
  /** The API's endpoint registry: the access each endpoint declares. */
  endpoints: readonly EndpointRule[];
  /** Where keys created through the API live; they are reloaded every `auth.key_refresh_ms`. */
  keys?: KeyStore | undefined;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Told when reloading fails (the last good set stays until it is too old). */
  onRefreshError?: (err: unknown) => void;
  /**
   * Told the ids of the database keys created while team mode was off and not confirmed, at the
   * first load that finds any and whenever that list changes (not at every reload).
   */
  onUnconfirmedKeys?: (ids: string[]) => void;
  /** Told each request refused for a permission its (valid) key lacks: the audit log's feed. */
  onDenied?:
    | ((denial: {
      tenant: { org_id: string; workspace_id: string };
      reason: "permission_denied";
      actor: string;
      target: string;
    }) => void)
    | undefined;
}

export interface Gate {
  /** Lower-case header name the key is read from. */
  header: string;
  /**
   * The caller, or null on a public route; throws `GatewayError` when the request may not pass.
   * `path` is the raw request path; `search` its raw query ("?a=b" or ""), when known.
   */
  check(method: string, path: string, headers: Headers, search?: string): Principal | null;
  /** Reloads the database keys now. Rejects when the store fails. */
  refresh(): Promise<void>;
  /** Stops the periodic reload. */
  close(): void;
}

export function createGate(config: GatewayConfig, secret: string, options: GateOptions): Gate {
  const header = config.auth.header.toLowerCase();
  const ring: KeyRing = createKeyRing(config.auth.keys, secret);
  const scrape = prometheusPath(config);
  // The scrape path is configurable, so it is added here rather than in the API registry. Its
  // figures count every tenant's traffic, like the trace pipeline's diagnostics.
  const { endpoints } = options;
  // With routes, the root `/v1` forwards like a provider prefix (route loop, issue 19).
  const root = Object.keys(config.routes).length > 0 ? ["/v1"] : [];
  const routes: AuthRoutes = authRoutes(
    [...config.providers.map((p) => p.prefix), ...root],
    scrape === null ? endpoints : [...endpoints, { path: scrape, access: "diagnostics:read" }],
  );
  const now = options.now ?? Date.now;
  const interval = config.auth.key_refresh_ms;
  // A reload that keeps failing must not keep a revoked key alive: past this age the database
  // keys are dropped (fail closed for them; config keys still work).
  const maxStale = interval * 3;
  let loadedAt = -Infinity;
  let hasStored = false;
  let reportedUnconfirmed = "";
  const keys = options.keys;
  const refresh = async () => {
    if (keys === undefined) return;
    const started = now();
    const active = await keys.activeKeyDigests();
    ring.setStoredKeys(active);
    hasStored = active.length > 0;
    loadedAt = started;
    const unconfirmed = active.filter((k) => k.unconfirmed).map((k) => k.id).sort();
    const joined = unconfirmed.join(",");
    if (joined !== reportedUnconfirmed) {
      reportedUnconfirmed = joined;
      if (unconfirmed.length > 0) options.onUnconfirmedKeys?.(unconfirmed);
    }
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
    check(method, path, headers, search = "") {
      if (hasStored && now() - loadedAt > maxStale) {
        ring.setStoredKeys([]);
        hasStored = false;
      }
      const token = headers.get(header);
      const principal = token === null ? null : ring.lookup(token);
      const decision = authorize({ method, path }, routes, principal);
      if (principal?.unconfirmed && decision.requirement.kind !== "public") {
        throw unconfirmedKeyError(principal.keyId);
      }
      const forwarded = decision.requirement.kind === "permission" &&
        decision.requirement.permission === "proxy:write";
      if (decision.allow) {
        if (forwarded) refuseGatewayKeyAsCredential(ring, header, headers, search);
        return decision.requirement.kind === "public" ? null : principal;
      }
      if (decision.status === 401) {
        const misplaced = token === null || token.trim() === ""
          ? gatewayKeyAsCredential(ring, header, headers, search)
          : null;
        throw token === null || token.trim() === ""
          ? new GatewayError(
            "missing_gateway_key",
            `this route needs a gateway key in the ${config.auth.header} header` +
              (misplaced === null ? "" : `; the one sent in ${misplaced} belongs there instead`),
          )
          : new GatewayError(
            "invalid_gateway_key",
            `the ${config.auth.header} header does not hold a valid gateway key`,
          );
      }
      options.onDenied?.({
        tenant: { org_id: principal!.orgId, workspace_id: principal!.workspaceId },
        reason: "permission_denied",
        actor: principal!.keyId,
        target: `${method} ${path}`,
      });
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

/**
 * Anyone who reached the port could create keys while team mode was off; such a key works only
 * once someone on the host vouches for it.
 */
export function unconfirmedKeyError(keyId: string): GatewayError {
  return new GatewayError(
    "unconfirmed_gateway_key",
    `gateway key ${keyId} was created while team mode was off, when anyone who could reach the ` +
      `gateway could create keys; it is refused until an operator confirms it on the host with ` +
      `\`ongoingai keys confirm ${keyId}\` (or revokes it with \`ongoingai keys revoke ${keyId}\`)`,
  );
}

/** The credential position (e.g. "the authorization header") holding a gateway key, or null. */
export function gatewayKeyAsCredential(
  ring: KeyRing,
  gatewayKeyHeader: string,
  headers: Headers,
  search: string,
): string | null {
  for (const name of providerCredentialHeaders) {
    if (name === gatewayKeyHeader) continue;
    const value = headers.get(name);
    if (value === null) continue;
    // `Bearer <key>`, `Basic <key>` or the bare key (gateway keys hold no spaces).
    if (ring.lookup(value.replace(/^[A-Za-z]+[ \t]+/, "")) !== null) {
      return `the ${name} header`;
    }
  }
  if (search.length > 1) {
    const params = new URLSearchParams(search);
    for (const name of providerCredentialParams) {
      for (const value of params.getAll(name)) {
        if (ring.lookup(value) !== null) return `the ${name} query parameter`;
      }
    }
  }
  return null;
}

function refuseGatewayKeyAsCredential(
  ring: KeyRing,
  gatewayKeyHeader: string,
  headers: Headers,
  search: string,
): void {
  const where = gatewayKeyAsCredential(ring, gatewayKeyHeader, headers, search);
  if (where === null) return;
  throw new GatewayError(
    "bad_request",
    `${where} holds a gateway key, which would be sent to the provider; the request was not forwarded. Send the gateway key only in the ${gatewayKeyHeader} header and the provider's own key in ${where}`,
  );
}
