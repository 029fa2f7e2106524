/**
 * The base URLs clients should use, derived from the config exactly as the original does:
 * a wildcard bind address becomes `localhost`, IPv6 hosts get brackets, OpenAI-style bases end
 * in `/v1` and the Anthropic base does not (its SDK adds `/v1` itself).
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

export interface ClientEnv {
  OPENAI_BASE_URL?: string;
  ANTHROPIC_BASE_URL?: string;
}

/** `OPENAI_BASE_URL` / `ANTHROPIC_BASE_URL` for the built-in providers that are enabled. */
export function clientBaseUrls(config: GatewayConfig): ClientEnv {
  const origin = gatewayOrigin(config.server.host, config.server.port);
  const out: ClientEnv = {};
  const openai = config.providers.find((p) => p.id === "openai");
  const anthropic = config.providers.find((p) => p.id === "anthropic");
  if (openai) {
    out.OPENAI_BASE_URL = origin +
      (openai.prefix.endsWith("/v1") ? openai.prefix : `${openai.prefix}/v1`);
  }
  if (anthropic) out.ANTHROPIC_BASE_URL = origin + anthropic.prefix;
  return out;
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
