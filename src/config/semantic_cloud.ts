/**
 * What `check` says about the cloud kinds' provider keys (`aws`, `gcp`, `deployments`,
 * `models`): each is read only by its kinds, so on any other provider it is refused rather than
 * silently ignored. And the two upstream mistakes a Vertex AI provider cannot survive (its
 * requests would all answer 404).
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
    if (p.kind === "vertex") checkVertexUpstream(p, out);
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

/**
 * A Vertex upstream is a Google host with no path: clients send `/v1/projects/...` themselves
 * (the gateway appends it to the upstream's path), and location `global` has no
 * `global-aiplatform` host (peers' SDKs built that URL and got 404s: vercel/ai #6644,
 * googleapis/google-cloud-java #11845). Other hosts (a proxy of your own) are not judged.
 */
function checkVertexUpstream(
  p: Pick<GatewayConfig["providers"][number], "id" | "upstream">,
  out: { errors: RawIssue[] },
): void {
  let url: URL;
  try {
    url = new URL(p.upstream);
  } catch {
    return; // the schema reports a URL it cannot parse
  }
  const host = url.hostname.toLowerCase();
  if (
    !host.endsWith("aiplatform.googleapis.com") &&
    !/^aiplatform\.[a-z]+\.rep\.googleapis\.com$/.test(host)
  ) {
    return;
  }
  const at = ["providers", p.id, "upstream"];
  if (host === "global-aiplatform.googleapis.com") {
    out.errors.push({
      at,
      message: "names no Vertex AI host: location global is served by aiplatform.googleapis.com",
      hint:
        "upstream: https://aiplatform.googleapis.com (or leave upstream out: it is the default)",
    });
  } else if (url.pathname !== "/" && url.pathname !== "") {
    out.errors.push({
      at,
      message: `has a path (${url.pathname}); Vertex clients send /v1/projects/... (or ` +
        "/v1beta1/...) themselves, so every request would reach Vertex with it twice",
      hint: `upstream: ${url.origin}`,
    });
  }
}
