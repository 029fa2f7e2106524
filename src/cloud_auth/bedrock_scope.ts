/**
 * Where a Bedrock request signs: the region from the config, else from the upstream host, and
 * always the signing name `bedrock` (the runtime client's `signingProperties.name`; the host's
 * `bedrock-runtime` label is not it). Host shapes are the runtime client's endpoint rules:
 * `bedrock-runtime[-fips].{region}.{dnsSuffix | dualStackDnsSuffix}`, and VPC interface
 * endpoints (`vpce-....bedrock-runtime.{region}.vpce.amazonaws.com`).
 */

import { CloudAuthError } from "./cloud_auth_error.ts";
import type { SigV4Scope } from "./sigv4.ts";

/** The signing name of every Bedrock runtime operation. */
export const bedrockSigningService = "bedrock";

const awsRegion = /^[a-z]{2,}(?:-[a-z]+)+-\d+$/;
/** AWS partitions' DNS suffixes (standard, China, and their dual-stack forms). */
const dnsSuffixes = [
  "amazonaws.com",
  "api.aws",
  "amazonaws.com.cn",
  "api.amazonwebservices.com.cn",
];

/**
 * The region a Bedrock runtime host names (`bedrock-runtime.us-east-1.amazonaws.com` →
 * `us-east-1`), or null for any other host (a proxy, a loopback stub, a custom endpoint).
 */
export function regionOfBedrockHost(host: string): string | null {
  let name = host.toLowerCase();
  const port = /:\d+$/.exec(name);
  if (port !== null && !name.endsWith("]")) name = name.slice(0, port.index);
  if (name.endsWith(".")) name = name.slice(0, -1);
  const labels = name.split(".");
  const at = labels.findIndex((l) => l === "bedrock-runtime" || l === "bedrock-runtime-fips");
  if (at < 0) return null;
  const region = labels[at + 1];
  if (region === undefined || !awsRegion.test(region)) return null;
  let rest = labels.slice(at + 2).join(".");
  if (at > 0) {
    // Only VPC endpoints put labels before the service name.
    if (!rest.startsWith("vpce.")) return null;
    rest = rest.slice("vpce.".length);
  }
  return dnsSuffixes.includes(rest) ? region : null;
}

/**
 * The scope a Bedrock request signs with: the configured region when there is one, else the
 * upstream host's. A clear error when neither says which (the caller names the config key).
 */
export function bedrockScope(upstreamHost: string, configuredRegion: string | null): SigV4Scope {
  const region = configuredRegion ?? regionOfBedrockHost(upstreamHost);
  if (region === null) {
    throw new CloudAuthError(
      "sigv4_no_region",
      `no AWS region to sign with: the upstream host ${
        JSON.stringify(upstreamHost.slice(0, 100))
      } names none (bedrock-runtime.<region>.amazonaws.com); set the provider's aws.region`,
    );
  }
  return { region, service: bedrockSigningService };
}
