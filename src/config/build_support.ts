/**
 * Features the schema accepts (so configs written for later releases validate) but this build
 * does not carry out yet. Where running without them would break a promise (access control,
 * for instance), `serve` and `check` refuse the config instead of silently doing less; the rest is
 * a warning. Each entry disappears when its feature lands.
 */
import type { ConfigIssue } from "./issues.ts";
import type { LoadResult } from "./load.ts";
import type { GatewayConfig } from "./resolve.ts";

export function buildSupportIssues(config: GatewayConfig): {
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
} {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  // Limits are enforced by the team-mode gate: without it there is nobody to count them for.
  const limited = [config.limits.per_key, config.limits.per_workspace].some((l) =>
    Object.values(l).some((v) => v > 0)
  );
  if (limited && !config.auth.enabled) {
    warnings.push({
      path: "limits",
      message: "limits apply to gateway keys and workspaces, so only with auth.enabled: true; " +
        "they are not enforced now",
    });
  }
  const otel = config.observability.otel;
  // The Prometheus endpoint is served; OTLP push (spans, metrics) is not in this build yet.
  if (otel.enabled && (otel.traces_enabled || otel.metrics_enabled)) {
    const what = [otel.traces_enabled ? "traces" : "", otel.metrics_enabled ? "metrics" : ""]
      .filter((w) => w !== "").join(" and ");
    warnings.push({
      path: otel.traces_enabled
        ? "observability.otel.traces_enabled"
        : "observability.otel.metrics_enabled",
      message: `OTLP export of ${what} is not in this build yet; nothing will be pushed` +
        (otel.prometheus_enabled
          ? ` (the Prometheus endpoint ${otel.prometheus_path} is served)`
          : ""),
    });
  }
  return { errors, warnings };
}

/** A successful load becomes a failure when the config needs what this build cannot do. */
export function withBuildSupport(result: LoadResult): LoadResult {
  if (!result.ok) return result;
  const { errors, warnings } = buildSupportIssues(result.config);
  const allWarnings = [...result.warnings, ...warnings];
  if (errors.length === 0) return { ...result, warnings: allWarnings };
  return { ok: false, source: result.source, errors, warnings: allWarnings };
}
