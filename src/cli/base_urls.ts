/**
 * The base URLs clients should use, derived from the config exactly as the original does:
 * a wildcard bind address becomes `localhost`, IPv6 hosts get brackets; which variable each
 * client reads and the path it expects are the providers' knowledge (providers/clients.ts).
 *
 * Clients send their provider keys to these URLs, and the config may come from whatever
 * directory the user is in: `offMachine` says when they would leave this machine.
 */
import {
  canonicalHost,
  type GatewayConfig,
  isLoopbackHost,
  isWildcardHost,
} from "../config/mod.ts";
import {
  builtInProviders,
  clientBaseUrl,
  clientBaseUrls as baseUrlVariables,
  type ProviderKind,
} from "../providers/mod.ts";

/**
 * An IP address is shown in its canonical form: `0x7f.1` or `2130706433` is 127.0.0.1 to glibc,
 * but Go's resolver parses only dotted quads and asks DNS for anything else, which a hostile
 * network answers. Names are shown as written.
 */
export function gatewayOrigin(host: string, port: number): string {
  const h = host.trim();
  const c = canonicalHost(h);
  const visible = isWildcardHost(h) ? "localhost" : c?.kind === "ip" ? c.host : h;
  const bracketed = visible.includes(":") && !visible.startsWith("[") ? `[${visible}]` : visible;
  return `http://${bracketed}:${port}`;
}

/** Variable name to base URL. */
export type ClientEnv = Record<string, string>;

/**
 * The base-URL variables (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`) of the built-in providers that
 * are enabled: the official clients of their kind reach the built-in route, never another
 * provider of the same kind. A kind with no built-in provider (`gemini`, `vertex`, `bedrock`,
 * `azure-openai`) gets its variable from `kindProvider`. `aliases` adds the older names some
 * clients read instead.
 */
export function clientBaseUrls(
  config: GatewayConfig,
  opts: { aliases?: boolean } = {},
): ClientEnv {
  const origin = gatewayOrigin(config.server.host, config.server.port);
  const out: ClientEnv = {};
  const builtInKinds = new Set(Object.values(builtInProviders).map((b) => b.kind));
  const chosen = [
    ...Object.keys(builtInProviders).flatMap((id) => config.providers.filter((p) => p.id === id)),
    ...Object.keys(baseUrlVariables).flatMap((kind) => {
      if (builtInKinds.has(kind as ProviderKind)) return [];
      const provider = kindProvider(config.providers, kind as ProviderKind);
      return provider === null ? [] : [provider];
    }),
  ];
  for (const provider of chosen) {
    const client = baseUrlVariables[provider.kind];
    if (client === undefined) continue;
    // A SigV4 client pointed at a provider that cannot re-sign would get AWS's 403 for every
    // call; one whose provider can would run as the gateway's identity: only where configured.
    if (client.signsForHost && !holdsCloudCredentials(provider)) continue;
    const url = clientBaseUrl(client, origin, provider.prefix);
    out[client.variable] = url;
    if (opts.aliases) { for (const alias of client.aliases) out[alias] = url; }
  }
  return out;
}

/** The provider signs or authorizes upstream requests itself (`aws`, `gcp`). */
function holdsCloudCredentials(provider: { aws?: unknown; gcp?: unknown }): boolean {
  return provider.aws !== undefined || provider.gcp !== undefined;
}

/**
 * The provider that clients of a kind with no built-in provider are pointed at: the one whose id
 * is the kind's name, else the first of that kind in the config. Null when there is none.
 */
export function kindProvider<P extends { id: string; kind: ProviderKind }>(
  providers: readonly P[],
  kind: ProviderKind,
): P | null {
  return providers.find((p) => p.kind === kind && p.id === kind) ??
    providers.find((p) => p.kind === kind) ?? null;
}

/**
 * Null when the base URLs stay on this machine (loopback, or a wildcard bind shown as
 * `localhost`); else why they do not, for a refusal or, with `--force`, a warning.
 */
export function offMachine(config: GatewayConfig, source: string | null): string | null {
  const { host, port } = config.server;
  if (isWildcardHost(host) || isLoopbackHost(host)) return null;
  return `server.host is ${JSON.stringify(host)}${source === null ? "" : ` (${source})`}, so ` +
    `clients would send their provider keys to ${gatewayOrigin(host, port)}, which is not this ` +
    "machine's loopback";
}
