/**
 * Who the gateway's own cloud credentials (`aws`, `gcp`) serve, and where they travel. Like a key
 * pool (semantic_routes.ts), they spend the operator's money on behalf of whoever can reach the
 * gateway, so they are used only behind gateway keys (team mode) or on a gateway only this machine
 * can reach; the proxy refuses to sign otherwise (proxy/upstream_auth.ts, route_context.ts).
 * And they go only where they should: plain http carries an access token or a session token in
 * clear text (an error beyond loopback), and a host that is not the cloud's own is named (a
 * warning: VPC endpoints and proxies of one's own exist).
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
    checkCredentialDestination(p, key, out);
  }
}

/** The cloud's own hosts: AWS (also China and dual-stack `api.aws`) and Google APIs. */
const cloudHosts = {
  aws: /(^|\.)(amazonaws\.com|amazonaws\.com\.cn|api\.aws)$/,
  gcp: /(^|\.)googleapis\.com$/,
};

function checkCredentialDestination(p: Provider, key: "aws" | "gcp", out: Out): void {
  let url: URL;
  try {
    url = new URL(p.upstream);
  } catch {
    return; // the schema reports a URL it cannot parse
  }
  const host = url.hostname.toLowerCase();
  if (isLoopbackHost(host)) return; // a local stub, emulator or proxy
  const at = ["providers", p.id, "upstream"];
  const carries = key === "aws"
    ? "the gateway's AWS signature (and session token, if any)"
    : "the gateway's Google access token";
  if (url.protocol === "http:") {
    out.errors.push({
      at,
      message: `is plain http to ${host}, so ${carries} would cross the network in clear text`,
      hint: `use https://${url.host}${url.pathname === "/" ? "" : url.pathname}, or a ` +
        "loopback address for a proxy on this machine",
    });
  } else if (!cloudHosts[key].test(host)) {
    out.warnings.push({
      at,
      message: `${host} is not ${key === "aws" ? "an AWS" : "a Google"} host, yet ${carries} ` +
        "goes there with every request",
      hint: "right for a VPC endpoint or a proxy you run; otherwise set the cloud's own host",
    });
  }
}
