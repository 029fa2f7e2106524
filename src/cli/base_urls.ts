/**
 * The base URLs clients should use, derived from the config exactly as the original does:
 * a wildcard bind address becomes `localhost`, IPv6 hosts get brackets, OpenAI-style bases end
 * in `/v1` and the Anthropic base does not (its SDK adds `/v1` itself).
 */
import type { GatewayConfig } from "../config/mod.ts";

export function gatewayOrigin(host: string, port: number): string {
  const h = host.trim();
  const visible = h === "" || h === "0.0.0.0" || h === "::" || h === "[::]" ? "localhost" : h;
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
