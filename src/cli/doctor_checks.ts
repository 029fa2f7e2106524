/**
 * The `doctor` checks that read only the loaded config: `config`, `route_wiring`,
 * `auth_posture`, `routes` and `pii_salt`. The loader (the one `check` and `serve` use) already
 * finds prefix overlaps, credential-header conflicts, team mode without keys, unusable key pools
 * and an empty PII salt; these checks do not find them again, they sort its problems by the
 * check each belongs to, so that `doctor` names the area instead of one long `config` failure.
 */
import { endpoints } from "../api/mod.ts";
import { type ConfigIssue, formatIssue, type GatewayConfig } from "../config/mod.ts";
import { check, type CheckName, type DoctorCheck } from "./doctor_report.ts";
import { keyPosture, type StoredKeys } from "./doctor_keys.ts";

export const skippedSummary = "skipped: config failed to load";

/** Which check a loader problem belongs to, by its config path. */
export function ownerOf(path: string): CheckName {
  if (/^providers\.[^.[]+\.prefix$/.test(path)) return "route_wiring";
  if (/^providers\.[^.[]+\.keys([.[]|$)/.test(path)) return "routes";
  if (/^routes([.[]|$)/.test(path)) return "routes";
  if (/^auth([.[]|$)/.test(path)) return "auth_posture";
  if (path === "pii.replacement.hash_salt") return "pii_salt";
  if (/^observability([.[]|$)/.test(path)) return "telemetry";
  if (/^pricing([.[]|$)/.test(path)) return "price_table";
  return "config";
}

/** The loader's errors and warnings, each under the check it belongs to. */
export interface SortedIssues {
  errors: ReadonlyMap<CheckName, ConfigIssue[]>;
  warnings: ReadonlyMap<CheckName, ConfigIssue[]>;
}

export function sortIssues(
  errors: readonly ConfigIssue[],
  warnings: readonly ConfigIssue[],
): SortedIssues {
  const group = (issues: readonly ConfigIssue[]) => {
    const out = new Map<CheckName, ConfigIssue[]>();
    for (const issue of issues) {
      const owner = ownerOf(issue.path);
      out.set(owner, [...(out.get(owner) ?? []), issue]);
    }
    return out;
  };
  return { errors: group(errors), warnings: group(warnings) };
}

export interface CheckContext {
  cwd: string;
  issues: SortedIssues;
}

function lines(ctx: CheckContext, name: CheckName, kind: "errors" | "warnings"): string[] {
  const prefix = kind === "warnings" ? "warning: " : "";
  return (ctx.issues[kind].get(name) ?? []).map((i) =>
    `${prefix}${formatIssue(i, { cwd: ctx.cwd })}`
  );
}

/**
 * A check whose area has loader errors fails with them (its warnings after them). Null when it
 * has none, so the caller says what it found.
 */
export function fromIssues(
  ctx: CheckContext,
  name: CheckName,
  failSummary: (messages: readonly string[]) => string,
): DoctorCheck | null {
  const errors = lines(ctx, name, "errors");
  const warnings = lines(ctx, name, "warnings");
  if (errors.length > 0) {
    const messages = (ctx.issues.errors.get(name) ?? []).map((i) => i.message);
    return check(name, "fail", failSummary(messages), [...errors, ...warnings]);
  }
  return null;
}

/** Turns a pass into a warn when the area has loader warnings, which go first in the details. */
export function withWarnings(
  ctx: CheckContext,
  result: DoctorCheck,
  warnSummary: string,
): DoctorCheck {
  const warnings = lines(ctx, result.name, "warnings");
  if (warnings.length === 0 || result.status === "fail" || result.status === "warn") return result;
  return check(result.name, "warn", warnSummary, [...warnings, ...(result.details ?? [])]);
}

export function configCheck(ctx: CheckContext, loaded: boolean, source: string): DoctorCheck {
  const errors = lines(ctx, "config", "errors");
  const warnings = lines(ctx, "config", "warnings");
  if (!loaded) {
    return errors.length > 0
      ? check("config", "fail", "failed to load or validate configuration", [
        ...errors,
        ...warnings,
      ])
      : check("config", "fail", "configuration is invalid: see the checks below", warnings);
  }
  if (warnings.length > 0) {
    return check(
      "config",
      "warn",
      `loaded and validated configuration with ${warnings.length} warning(s)`,
      [`source: ${source}`, ...warnings],
    );
  }
  return check("config", "pass", "loaded and validated configuration", [`source: ${source}`]);
}

const apiRoutes = "/api";

function wiringFailure(messages: readonly string[]): string {
  if (messages.some((m) => m.startsWith("must not be '/'"))) {
    return "a provider prefix must not be /";
  }
  if (messages.some((m) => m.includes("overlaps the gateway API"))) {
    return "provider prefixes must not overlap with /api routes";
  }
  if (messages.some((m) => m.includes("overlaps"))) return "provider prefixes overlap";
  return "a provider prefix is invalid";
}

export function routeWiringCheck(ctx: CheckContext, config: GatewayConfig | null): DoctorCheck {
  const failed = fromIssues(ctx, "route_wiring", wiringFailure);
  if (failed !== null) return failed;
  if (config === null) return check("route_wiring", "skip", skippedSummary);
  const details = config.providers.map((p) => `${p.id}: ${p.prefix} -> ${p.upstream}`);
  return withWarnings(
    ctx,
    check("route_wiring", "pass", "provider routes and /api routes are separate", [
      ...details,
      `api routes: ${apiRoutes}/*`,
    ]),
    "provider routes are separate, with warnings",
  );
}

/** API endpoints behind a key or a permission, plus the provider routes (`proxy:write`). */
export function protectedRuleCount(): number {
  return endpoints.filter((e) => e.access !== "public").length + 1;
}

function authFailure(messages: readonly string[]): string {
  if (messages.some((m) => m.startsWith("conflicts with the provider credential header"))) {
    return "auth header conflicts with provider credential headers";
  }
  if (messages.some((m) => m.includes("no keys are configured"))) {
    return "auth is enabled but no gateway keys are configured";
  }
  return "gateway keys cannot be loaded";
}

/**
 * Team mode's key count is the config's keys plus, when the store was read (`stored`), its active
 * keys; without `stored` only the config's are known and the line says so.
 */
export function authPostureCheck(
  ctx: CheckContext,
  config: GatewayConfig | null,
  stored: StoredKeys | null = null,
): DoctorCheck {
  const failed = fromIssues(ctx, "auth_posture", authFailure);
  if (failed !== null) return failed;
  if (config === null) return check("auth_posture", "skip", skippedSummary);
  const { auth } = config;
  const rules = protectedRuleCount();
  if (!auth.enabled) {
    return check("auth_posture", "warn", "gateway auth is disabled", [
      `auth.enabled=false (header: ${auth.header})`,
      `${rules} protected authorization rules are bypassed`,
      ...lines(ctx, "auth_posture", "warnings"),
    ]);
  }
  const keys = stored === null
    ? {
      details: [`active gateway keys: ${auth.keys.length} (from the config; the store's not read)`],
      warn: null,
    }
    : keyPosture(auth.keys.length, stored);
  const details = [
    `auth header: ${auth.header}`,
    ...keys.details,
    `protected authorization rules: ${rules}`,
  ];
  if (keys.warn !== null) {
    return check("auth_posture", "warn", keys.warn, [
      ...details,
      ...lines(ctx, "auth_posture", "warnings"),
    ]);
  }
  return withWarnings(
    ctx,
    check("auth_posture", "pass", "gateway auth is enabled", details),
    "gateway auth is enabled, with warnings",
  );
}

function routeLine(name: string, route: GatewayConfig["routes"][string]): string {
  if (typeof route === "function") return `route ${name} -> (route function)`;
  if (!Array.isArray(route.targets)) return `route ${name} -> (targets chosen in code)`;
  const targets = route.targets.map((t) => `${t.provider}/${t.model}`);
  return `route ${name} -> ${targets.join(", ")}`;
}

function poolMode(config: GatewayConfig): string {
  return config.auth.enabled ? "team mode" : `server.host ${config.server.host} (loopback)`;
}

export function routesCheck(ctx: CheckContext, config: GatewayConfig | null): DoctorCheck {
  const failed = fromIssues(ctx, "routes", () => "routes or key pools cannot be used as written");
  if (failed !== null) return failed;
  if (config === null) return check("routes", "skip", skippedSummary);
  const routes = Object.entries(config.routes).map(([n, r]) => routeLine(n, r));
  const pools = config.providers.filter((p) => p.keys !== undefined).map((p) =>
    `key pool ${p.id}: ${p.keys!.length} usable key(s), served in ${poolMode(config)}`
  );
  if (routes.length === 0 && pools.length === 0) {
    return withWarnings(
      ctx,
      check("routes", "skip", "no routes or key pools configured"),
      "no routes or key pools configured",
    );
  }
  return withWarnings(
    ctx,
    check(
      "routes",
      "pass",
      `${routes.length} route(s) with enabled targets, ${pools.length} usable key pool(s)`,
      [...routes, ...pools],
    ),
    "routes and key pools work, with warnings",
  );
}

export function piiSaltCheck(ctx: CheckContext, config: GatewayConfig | null): DoctorCheck {
  const failed = fromIssues(ctx, "pii_salt", () => "the PII hash salt cannot be read");
  if (failed !== null) return failed;
  if (config === null) return check("pii_salt", "skip", skippedSummary);
  const warnings = lines(ctx, "pii_salt", "warnings");
  if (warnings.length > 0) {
    return check("pii_salt", "warn", "PII placeholders are hashed without a salt", warnings);
  }
  if (config.pii.replacement.hash_salt === "") {
    // The loader warns whenever a policy is active and the salt is empty, so none is active.
    return check("pii_salt", "skip", "no PII policy is active, so nothing is hashed");
  }
  return check("pii_salt", "pass", "PII placeholders are keyed by pii.replacement.hash_salt");
}
