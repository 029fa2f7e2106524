/**
 * What `check` says about the cloud kinds' provider keys (`aws`, `gcp`, `deployments`,
 * `models`): each is read only by its kinds, so on any other provider it is refused rather than
 * silently ignored.
 */
import type { ProviderKind } from "../providers/mod.ts";
import type { RawIssue } from "./issues.ts";
import type { GatewayConfig } from "./resolve.ts";
import type { ParsedConfig } from "./schema.ts";
import { cloudKeyKinds } from "./schema_cloud.ts";

const keys = Object.keys(cloudKeyKinds) as (keyof typeof cloudKeyKinds)[];

export function checkCloudKeys(
  parsed: ParsedConfig,
  config: GatewayConfig,
  out: { errors: RawIssue[] },
): void {
  for (const p of config.providers) {
    const given = parsed.providers[p.id];
    if (given === undefined) continue;
    for (const key of keys) {
      const readers: readonly ProviderKind[] = cloudKeyKinds[key];
      if (given[key] === undefined || readers.includes(p.kind)) continue;
      const kinds = readers.join(", ");
      out.errors.push({
        at: ["providers", p.id, key],
        message: `is read only by providers of kind ${kinds}; providers.${p.id} is kind ` +
          `${p.kind}, so it would be ignored`,
        hint: readers.length === 1
          ? `remove it, or set providers.${p.id}.kind: ${readers[0]}`
          : "remove it, or use it on a provider of one of those kinds",
      });
    }
  }
}
