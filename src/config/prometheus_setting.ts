/**
 * Where the Prometheus scrape endpoint is, from its two spellings: `observability.prometheus`
 * (the first-class form) and the original's `observability.otel.prometheus_enabled` /
 * `prometheus_path` (and their variables). They are equivalents; `ongoingai check` refuses a
 * config where both are written and disagree, so the order of `??` below never decides anything
 * a user wrote.
 */
import type { GatewayConfig } from "./resolve.ts";

const defaultPrometheusPath = "/metrics";

export interface PrometheusSetting {
  enabled: boolean;
  path: string;
}

type Observability = Pick<GatewayConfig["observability"], "otel" | "prometheus">;

export function prometheusSetting(observability: Observability): PrometheusSetting {
  const { otel, prometheus } = observability;
  return {
    enabled: prometheus.enabled ?? otel.prometheus_enabled ?? false,
    path: prometheus.path ?? otel.prometheus_path ?? defaultPrometheusPath,
  };
}

/**
 * The scrape path when this config serves one, else null. Unlike the original, OTLP export need
 * not be on (`observability.otel.enabled`): the registry collects either way, and a scrape is
 * what some deployments want instead of a collector.
 */
export function prometheusPath(config: Pick<GatewayConfig, "observability">): string | null {
  const setting = prometheusSetting(config.observability);
  return setting.enabled ? setting.path : null;
}
