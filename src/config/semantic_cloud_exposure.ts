/**
 * Who the gateway's own cloud credentials (`aws`, `gcp`) serve, and where they travel. Like a key
 * pool (semantic_routes.ts), they spend the operator's money on behalf of whoever can reach the
 * gateway, so they are used only behind gateway keys (team mode) or on a gateway only this machine
 * can reach; the proxy refuses to sign otherwise (proxy/upstream_auth.ts, route_context.ts).
 */
import type { RawIssue } from "./issues.ts";
import type { GatewayConfig } from "./resolve.ts";
import { isLoopbackHost } from "./schema_host.ts";

interface Out {
  errors: RawIssue[];
  warnings: RawIssue[];
}

type Provider = GatewayConfig["providers"][number];

/** `aws` or `gcp` when the provider holds the gateway's own credentials, else null. */
export function heldCredentialKey(p: Provider): "aws" | "gcp" | null {
  if (p.kind === "bedrock" && p.aws !== undefined) return "aws";
  if (p.kind === "vertex" && p.gcp !== undefined) return "gcp";
  return null;
}

export function checkCredentialExposure(config: GatewayConfig, out: Out): void {
  for (const p of config.providers) {
    const key = heldCredentialKey(p);
    if (key === null) continue;
    if (!config.auth.enabled && !isLoopbackHost(config.server.host)) {
      out.errors.push({
        at: ["providers", p.id, key],
        message: `is never used: the gateway's own ${key} credentials sign requests only in ` +
          `team mode (auth.enabled) or when server.host is loopback, and server.host is ` +
          `${config.server.host} without auth, so anyone who can reach the gateway would spend ` +
          "them",
        hint: "turn on auth.enabled with gateway keys, or listen on 127.0.0.1",
      });
    }
  }
}
