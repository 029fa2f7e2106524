/**
 * What `check` says about `observability`: OTLP export that would send nothing or nowhere, and
 * the Prometheus scrape endpoint, which has two spellings (`observability.prometheus.*` and the
 * original's `observability.otel.prometheus_*`). Both are accepted; written twice with different
 * values is an error naming both keys, since no precedence rule would be obvious to a reader.
 */
import type { PathSegment, RawIssue } from "./issues.ts";
import { type GatewayConfig, prefixesOverlap } from "./resolve.ts";
import { prometheusSetting } from "./prometheus_setting.ts";
import type { ParsedConfig } from "./schema.ts";
import { duplicateNames, forbiddenValueChars, type OtlpHeaderKey } from "./otlp_headers.ts";

interface Out {
  errors: RawIssue[];
  warnings: RawIssue[];
}

type Observability = GatewayConfig["observability"];

const otelAt = (key: string): PathSegment[] => ["observability", "otel", key];
const promAt = (key: string): PathSegment[] => ["observability", "prometheus", key];
const dotted = (at: PathSegment[]) => at.join(".");

export function checkObservability(config: GatewayConfig, out: Out, apiPrefix: string): void {
  const conflicts = prometheusConflicts(config.observability);
  out.errors.push(...conflicts);
  checkOtel(config.observability, out);
  if (conflicts.length === 0) checkScrapePath(config, out, apiPrefix);
}

/** One error per setting written in both forms with different values. */
export function prometheusConflicts(observability: Observability): RawIssue[] {
  const { otel, prometheus } = observability;
  const pairs: [string, unknown, unknown][] = [
    ["enabled", prometheus.enabled, otel.prometheus_enabled],
    ["path", prometheus.path, otel.prometheus_path],
  ];
  const issues: RawIssue[] = [];
  for (const [key, first, original] of pairs) {
    if (first === undefined || original === undefined || first === original) continue;
    const other = dotted(otelAt(`prometheus_${key}`));
    issues.push({
      at: promAt(key),
      message: `is ${JSON.stringify(first)} but ${other} is ${
        JSON.stringify(original)
      }; they are the same setting`,
      hint: `keep one of observability.prometheus.${key} and ${other}`,
    });
  }
  return issues;
}

function checkOtel(observability: Observability, out: Out): void {
  const otel = observability.otel;
  if (!otel.enabled) return;
  if (!otel.traces_enabled && !otel.metrics_enabled && !prometheusSetting(observability).enabled) {
    out.errors.push({
      at: ["observability", "otel"],
      message: "is enabled with nothing to export",
      hint:
        "turn on traces_enabled, metrics_enabled or observability.prometheus.enabled, or set enabled: false",
    });
  }
  if ((otel.traces_enabled || otel.metrics_enabled) && otel.endpoint.trim() === "") {
    out.errors.push({
      at: otelAt("endpoint"),
      message: "is required when OTLP export is on",
      hint: "e.g. localhost:4318",
    });
  }
  if (otel.service_name.trim() === "") {
    out.errors.push({
      at: otelAt("service_name"),
      message: "must not be empty when OpenTelemetry is on",
    });
  }
}

/**
 * The path key a scrape-path problem is reported at: the one written, else the path key of the
 * form that turned the endpoint on (so a default `/metrics` clash names the user's own section).
 */
function pathKey(observability: Observability): PathSegment[] {
  const { otel, prometheus } = observability;
  if (prometheus.path !== undefined) return promAt("path");
  if (otel.prometheus_path !== undefined) return otelAt("prometheus_path");
  return prometheus.enabled !== undefined ? promAt("path") : otelAt("prometheus_path");
}

function checkScrapePath(config: GatewayConfig, out: Out, apiPrefix: string): void {
  const setting = prometheusSetting(config.observability);
  if (!setting.enabled) return;
  const at = pathKey(config.observability);
  const path = setting.path;
  if (!path.startsWith("/") || path === "/") {
    out.errors.push({ at, message: `must be a path such as /metrics (got "${path}")` });
    return;
  }
  if (prefixesOverlap(path, apiPrefix)) {
    out.errors.push({ at, message: `"${path}" overlaps the gateway API under /api` });
  }
  for (const p of config.providers) {
    if (prefixesOverlap(path, p.prefix)) {
      out.errors.push({ at, message: `"${path}" overlaps providers.${p.id}.prefix "${p.prefix}"` });
    }
  }
}

/**
 * The OTLP headers: a name written twice (HTTP names ignore case), a value that would split the
 * request (CR, LF or NUL, literal or read from the environment), and an `env("NAME")` whose
 * variable is unset while its signal is exported. Messages name the header, never its value.
 */
export function checkOtlpHeaders(
  parsed: ParsedConfig,
  config: GatewayConfig,
  env: Readonly<Record<string, string | undefined>>,
  out: Out,
): void {
  const otel = config.observability.otel;
  const exporting = otel.enabled && (otel.traces_enabled || otel.metrics_enabled);
  const used: Record<OtlpHeaderKey, boolean> = {
    headers: exporting,
    traces_headers: otel.enabled && otel.traces_enabled,
    metrics_headers: otel.enabled && otel.metrics_enabled,
  };
  for (const key of ["headers", "traces_headers", "metrics_headers"] as const) {
    const given = parsed.observability.otel[key];
    for (const name of duplicateNames(given)) {
      out.errors.push({
        at: [...otelAt(key), name],
        message: "is written twice (header names ignore case)",
        hint: "keep one spelling",
      });
    }
    for (const [name, value] of Object.entries(given)) {
      const ref = typeof value === "string" ? undefined : value.env;
      const resolved = ref === undefined ? value as string : env[ref];
      const at = [...otelAt(key), name];
      if (resolved && forbiddenValueChars.test(resolved)) {
        const from = ref === undefined ? "" : ` (from ${ref})`;
        out.errors.push({ at, message: `must not contain CR, LF or NUL${from}` });
      } else if (ref !== undefined && !resolved && used[key]) {
        out.errors.push({
          at,
          message: `environment variable ${ref} is not set`,
          hint: `export ${ref}=... (it is sent to the collector)`,
        });
      }
    }
  }
}
