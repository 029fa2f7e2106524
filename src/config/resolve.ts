/**
 * Turns the parsed file into the runtime shape: built-in providers filled in, providers ordered
 * for routing, and the effective PII mode decided once instead of at every request.
 */
import type { ParsedConfig, PiiMode, PriceTable, ProviderKind } from "./schema.ts";

export interface ResolvedProvider {
  id: string;
  kind: ProviderKind;
  /** Normalised: leading '/', no trailing '/'. */
  prefix: string;
  /** Absolute http(s) URL; its path is kept as the base path of every upstream request. */
  upstream: string;
  /** Config prices only; built-in prices are merged by the pricing module. */
  prices: PriceTable;
  stream_usage: boolean;
}

export type GatewayConfig = Omit<ParsedConfig, "providers"> & {
  /** Enabled providers, longest prefix first so the most specific route wins. */
  providers: ResolvedProvider[];
  /** Effective PII mode after the "auto" rule. */
  pii_mode: PiiMode;
};

const builtInProviders: Record<string, { kind: ProviderKind; prefix: string; upstream: string }> = {
  openai: { kind: "openai", prefix: "/openai", upstream: "https://api.openai.com" },
  anthropic: { kind: "anthropic", prefix: "/anthropic", upstream: "https://api.anthropic.com" },
};

export function resolveProviders(parsed: ParsedConfig["providers"]): ResolvedProvider[] {
  const ids = new Set([...Object.keys(builtInProviders), ...Object.keys(parsed)]);
  const out: ResolvedProvider[] = [];
  for (const id of ids) {
    const given = parsed[id] ?? {};
    if (given.enabled === false) continue;
    const builtIn = builtInProviders[id];
    const kind = given.kind ?? builtIn?.kind ?? "openai-compatible";
    out.push({
      id,
      kind,
      prefix: given.prefix ?? builtIn?.prefix ?? `/${id}`,
      upstream: given.upstream ?? builtIn?.upstream ?? "",
      prices: given.prices ?? {},
      stream_usage: given.stream_usage ?? true,
    });
  }
  return out.sort((a, b) => b.prefix.length - a.prefix.length || a.id.localeCompare(b.id));
}

export function effectivePiiMode(config: ParsedConfig): PiiMode {
  return config.pii.mode ?? (config.tracing.capture_bodies ? "redact_storage" : "off");
}

export function resolveConfig(parsed: ParsedConfig): GatewayConfig {
  return {
    ...parsed,
    providers: resolveProviders(parsed.providers),
    pii_mode: effectivePiiMode(parsed),
  };
}
