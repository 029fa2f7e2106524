/**
 * Policy changes in the audit log (issue 22): when a reload is applied, one `policy.changed`
 * entry per policy section whose value differs between the running config and the new one, with
 * that section's value before and after.
 *
 * Secrets never enter an entry because every section's view is built from an allowlist of
 * fields: a field is copied only when it is named here, and only as a scalar (a nested value
 * arriving where a scalar was expected becomes null). Nothing is copied and then pruned, so a
 * secret added to the config schema later stays out until someone names it here. Token values
 * and token hashes, provider keys, the PII salt, the translation seal key, OTLP headers and the
 * storage DSN are never named; of the salt and the seal key only their presence is recorded.
 */
import { createHash } from "node:crypto";
import { builtinDetectorNames, type GatewayConfig } from "../config/mod.ts";
import { type AuditJson, canonicalJson, type NewAuditEntry } from "../store/mod.ts";

/** Largest canonical JSON of one `before` or `after`; past it, its SHA-256 stands for it. */
export const maxPolicyViewBytes = 16 * 1024;

export const policySections = [
  "pii",
  "limits",
  "auth",
  "routes",
  "tracing",
  "translation",
] as const;
export type PolicySection = (typeof policySections)[number];

type Json = AuditJson;
type JsonObject = { [key: string]: Json };

/**
 * A scalar as the audit log's canonical JSON takes it: a number with a fraction (a weight, a
 * USD budget) or past the safe-integer range is written as a string; anything not a scalar is
 * null, so an unexpected object can never carry a value through.
 */
export function scalar(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && !Object.is(value, -0) ? value : String(value);
  }
  return null;
}

/** The named fields of `from`, as scalars; a field not named is never read. */
export function pick(from: unknown, fields: readonly string[]): JsonObject {
  const source = typeof from === "object" && from !== null ? from as Record<string, unknown> : {};
  const out: JsonObject = {};
  for (const field of fields) out[field] = scalar(source[field]);
  return out;
}

const strings = (list: unknown): Json[] =>
  Array.isArray(list) ? list.map((v) => typeof v === "string" ? v : null) : [];

const stageFields = ["request_headers", "request_body", "response_headers", "response_body"];
const detectorFields: readonly string[] = builtinDetectorNames;
const limitFields = [
  "requests_per_minute",
  "tokens_per_minute",
  "max_tokens_per_day",
  "cost_usd_per_day",
  "max_cost_usd_per_day",
];

type PiiConfig = GatewayConfig["pii"];
type NamedPolicy = PiiConfig["policies"][number];
type CustomDetector = PiiConfig["custom_detectors"][number];

/** A custom detector by its name and pattern source; its validator only by presence. */
function detectorView(d: CustomDetector): Json {
  const regex = d.pattern instanceof RegExp;
  return {
    name: scalar(d.name),
    type: scalar(d.type),
    pattern: scalar(regex ? (d.pattern as RegExp).source : d.pattern),
    flags: scalar(regex ? (d.pattern as RegExp).flags : d.flags),
    validator: typeof d.validate === "function",
  };
}

/** What the base policy and a named policy both decide. */
function piiPolicyView(p: PiiConfig | NamedPolicy): JsonObject {
  return {
    policy_id: scalar(p.policy_id),
    stages: pick(p.stages, stageFields),
    detectors: pick(p.detectors, detectorFields),
    custom_detectors: p.custom_detectors.map(detectorView),
    header_denylist: strings(p.headers.denylist),
    body_key_denylist: strings(p.body.key_denylist),
    replacement_format: scalar(p.replacement.format),
  };
}

const scopeMatchFields = ["org_id", "workspace_id", "key_id", "provider", "route_prefix"];

function piiView(c: GatewayConfig): Json {
  return {
    mode: scalar(c.pii_mode),
    mode_written: scalar(c.pii.mode),
    ...piiPolicyView(c.pii),
    hash_salt_set: c.pii.replacement.hash_salt !== "",
    scan_budget: pick(c.pii.scan_budget, ["time_ms", "max_findings"]),
    policies: c.pii.policies.map((p) => ({ ...piiPolicyView(p), mode: scalar(p.mode) })),
    scopes: c.pii.scopes.map((s) => ({
      match: pick(s.match, scopeMatchFields),
      mode: scalar(s.mode),
      policy_id: scalar(s.policy_id),
    })),
  };
}

function limitsView(c: GatewayConfig): Json {
  return {
    per_key: pick(c.limits.per_key, limitFields),
    per_workspace: pick(c.limits.per_workspace, limitFields),
  };
}

/** Config keys by id, role, permissions and tenant: never a token or a token hash. */
function authView(c: GatewayConfig): Json {
  const keys = [...c.auth.keys].sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return {
    enabled: c.auth.enabled,
    header: scalar(c.auth.header),
    key_refresh_ms: scalar(c.auth.key_refresh_ms),
    keys: keys.map((k) => ({
      id: scalar(k.id),
      role: scalar(k.role),
      permissions: strings(k.permissions),
      org_id: scalar(k.org_id),
      workspace_id: scalar(k.workspace_id || k.team),
      limits: k.limits === undefined ? null : pick(k.limits, limitFields),
    })),
  };
}

const retryFields = ["attempts", "backoff_ms", "max_backoff_ms", "max_retry_after_ms"];
const timeoutFields = ["connect_ms", "first_byte_ms", "first_token_ms", "idle_ms", "total_ms"];
const targetFields = ["provider", "model", "weight", "on_context_length"];

/** A route function is code: recorded as such, its source never read. */
function routeView(route: GatewayConfig["routes"][string]): Json {
  if (typeof route === "function") return { targets: "(function)" };
  return {
    strategy: scalar(route.strategy),
    targets: Array.isArray(route.targets)
      ? route.targets.map((t) => pick(t, targetFields))
      : "(function)",
    retry: pick(route.retry, retryFields),
    timeouts: pick(route.timeouts, timeoutFields),
    circuit_breaker: route.circuit_breaker === false
      ? false
      : pick(route.circuit_breaker, ["failures", "open_ms"]),
    stream_commit: scalar(route.stream_commit),
    max_buffer_bytes: scalar(route.max_buffer_bytes),
  };
}

/** Routes, and each provider's key pool by key id (never the key). */
function routesView(c: GatewayConfig): Json {
  const pools = c.providers.filter((p) => p.keys !== undefined).map((p) =>
    [p.id, p.keys!.map((k) => pick(k, ["id", "weight", "rpm", "tpm", "group"]))] as const
  );
  return {
    routes: Object.fromEntries(Object.entries(c.routes).map(([n, r]) => [n, routeView(r)])),
    pools: Object.fromEntries(pools),
  };
}

const views: Record<PolicySection, (c: GatewayConfig) => Json> = {
  pii: piiView,
  limits: limitsView,
  auth: authView,
  routes: routesView,
  tracing: (c) => pick(c.tracing, ["capture_bodies", "body_max_size"]),
  translation: (c) => ({
    state_key_set: c.translation.state_key !== undefined && c.translation.state_key !== "",
    response_store_retention: scalar(c.translation.response_store.retention),
  }),
};

/** A section's secret-free view of a config. */
export function policyView(config: GatewayConfig, section: PolicySection): Json {
  return views[section](config);
}

/** The view as stored: itself, or past `maxPolicyViewBytes` its SHA-256 and size. */
function bounded(canonical: string, view: Json): Json {
  const bytes = new TextEncoder().encode(canonical).length;
  if (bytes <= maxPolicyViewBytes) return view;
  const sha256 = createHash("sha256").update(canonical).digest("hex");
  return { sha256, truncated: true, bytes };
}

/** What the entries say about the reload that changed the policy. */
export interface PolicyChangeContext {
  at: string;
  /** Generation the new config serves as. */
  generation: number;
  /** SHA-256 of the new config file; null without a file or when unreadable. */
  sha256: string | null;
}

/**
 * One `policy.changed` entry per section whose view differs between the running config and the
 * new one, in `policySections` order; none when nothing changed. Pure.
 */
export function policyChanges(
  before: GatewayConfig,
  after: GatewayConfig,
  ctx: PolicyChangeContext,
): NewAuditEntry[] {
  const entries: NewAuditEntry[] = [];
  for (const section of policySections) {
    const was = views[section](before);
    const now = views[section](after);
    const wasText = canonicalJson(was);
    const nowText = canonicalJson(now);
    if (wasText === nowText) continue;
    entries.push({
      at: ctx.at,
      actor: "gateway",
      tenant: null,
      action: "policy.changed",
      target: section,
      before: bounded(wasText, was),
      after: bounded(nowText, now),
      details: { section, generation: ctx.generation, sha256: ctx.sha256 },
    });
  }
  return entries;
}
