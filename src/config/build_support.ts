/**
 * Features the schema accepts (so configs written for later releases validate) but this build
 * does not carry out yet. Where running without them would break a promise (access control,
 * for instance), `serve` and `check` refuse the config instead of silently doing less; the rest is
 * a warning. Each entry disappears when its feature lands.
 */
import type { ConfigIssue } from "./issues.ts";
import type { LoadResult } from "./load.ts";
import type { GatewayConfig } from "./resolve.ts";
import { otlpBaseUrl } from "./otlp_endpoint.ts";

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
  // The endpoint matters only to OTLP push; the semantic checks already require one for it.
  if (otel.enabled && (otel.traces_enabled || otel.metrics_enabled) && otel.endpoint.trim()) {
    try {
      otlpBaseUrl(otel.endpoint, otel.insecure);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      errors.push({
        path: "observability.otel.endpoint",
        message: message.replace(/^observability\.otel\.endpoint: /, ""),
      });
    }
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
