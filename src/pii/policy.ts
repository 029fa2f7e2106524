/**
 * Policies compiled once at start: detectors instantiated, field names normalised, scopes kept
 * in order. `resolve` is then a few comparisons per request and returns null when nothing is to
 * be done, so the hot path of a gateway with PII off pays one call.
 */
import { fieldNameMatcher, type GatewayConfig, type PiiMode } from "../config/mod.ts";
import {
  builtinDetectorNames,
  builtinDetectors,
  createScan,
  customDetector,
} from "./detectors/mod.ts";
import { isEncodedBinary } from "./encoded.ts";
import { placeholderFor } from "./placeholder.ts";
import { type PiiRequest, selectScope } from "./scopes.ts";
import type { Detector, RedactRules, Scan } from "./types.ts";
import type { ScanBudget } from "./budget.ts";

type PiiConfig = GatewayConfig["pii"];
type PolicyConfig =
  & Pick<
    PiiConfig,
    "policy_id" | "stages" | "detectors" | "custom_detectors" | "headers" | "body"
  >
  & { mode?: PiiMode | undefined; replacement: { format: string } };

export type PiiStages = PiiConfig["stages"];
export type ActiveMode = Exclude<PiiMode, "off">;

export interface CompiledPolicy {
  id: string;
  /** The policy's own mode (named policies); null means the gateway's effective mode. */
  mode: PiiMode | null;
  stages: PiiStages;
  scan: Scan;
  isDeniedField(name: string): boolean;
  /** Lower-case header names whose stored values are replaced whole. */
  headerDenylist: ReadonlySet<string>;
  format: string;
  /** Count keys this policy can produce, in detector order. */
  detectors: string[];
  /** No custom detectors: streams may release held text where no built-in can match across. */
  builtinsOnly: boolean;
}

/** What applies to one request. */
export interface AppliedPolicy {
  mode: ActiveMode;
  policy: CompiledPolicy;
  /** Detectors, field rule and the workspace's placeholders. */
  rules: RedactRules;
}

export interface PiiPolicies {
  base: CompiledPolicy;
  byId(id: string): CompiledPolicy | undefined;
  /** The policy and mode for a request; null when its mode is `off`. */
  resolve(req: PiiRequest): AppliedPolicy | null;
  /** Rules for a policy in a workspace (the `pii scan` command, tests). */
  rulesFor(policy: CompiledPolicy, workspace: string): RedactRules;
  /** True when the placeholder key was generated because none was configured. */
  generatedSalt: boolean;
  /** `pii.scan_budget`: the bound on redacting one body. */
  scanBudget: ScanBudget;
}

export function compilePolicy(config: PolicyConfig): CompiledPolicy {
  // In the built-ins' ranking order (it breaks ties between overlapping findings), not the
  // config's key order.
  const detectors: Detector[] = builtinDetectorNames
    .filter((name) => config.detectors[name])
    .map((name) => builtinDetectors[name]);
  for (const spec of config.custom_detectors) {
    detectors.push(customDetector({
      name: spec.name,
      pattern: spec.pattern,
      ...(spec.type !== undefined && { type: spec.type }),
      ...(spec.flags !== undefined && { flags: spec.flags }),
      ...(spec.validate !== undefined && { validate: spec.validate }),
    }));
  }
  return {
    id: config.policy_id,
    mode: config.mode ?? null,
    stages: config.stages,
    scan: rememberingClean(skippingEncodedBinary(createScan(detectors))),
    isDeniedField: fieldNameMatcher(config.body.key_denylist),
    headerDenylist: new Set(config.headers.denylist.map((h) => h.trim().toLowerCase())),
    format: config.replacement.format,
    detectors: [...detectors.map((d) => d.name), "field_name", "header"],
    builtinsOnly: config.custom_detectors.length === 0,
  };
}

/**
 * `effectiveMode` is the gateway-wide mode after the "auto" rule; scopes and named policies
 * override it. An empty salt gets a random one for this process: placeholders then stay
 * consistent until a restart, and are never an unkeyed (guessable) hash.
 */
export function compilePolicies(pii: PiiConfig, effectiveMode: PiiMode): PiiPolicies {
  const base = compilePolicy(pii);
  const named = new Map<string, CompiledPolicy>([[base.id, base]]);
  for (const p of pii.policies) named.set(p.policy_id, compilePolicy(p));
  const generatedSalt = pii.replacement.hash_salt === "";
  const salt = generatedSalt ? processSalt() : pii.replacement.hash_salt;

  const rulesCache = new Map<string, RedactRules>();
  const rulesFor = (policy: CompiledPolicy, workspace: string): RedactRules => {
    const key = `${policy.id}\0${workspace}`;
    let rules = rulesCache.get(key);
    if (rules === undefined) {
      rules = {
        scan: policy.scan,
        isDeniedField: policy.isDeniedField,
        placeholder: placeholderFor(policy.format, salt, workspace),
        release: policy.builtinsOnly ? "builtins" : "whitespace",
      };
      if (rulesCache.size < 10_000) rulesCache.set(key, rules);
    }
    return rules;
  };

  const scopes = pii.scopes.map((s) => ({
    match: s.match,
    mode: s.mode ?? null,
    // An undeclared id is a label on the base policy, as in the original gateway (`check`
    // refuses it unless the scope sets its own mode).
    policy: s.policy_id === undefined
      ? null
      : named.get(s.policy_id) ?? { ...base, id: s.policy_id, mode: null },
  }));
  const anyActive = effectiveMode !== "off" ||
    scopes.some((s) => (s.mode ?? s.policy?.mode ?? "off") !== "off");

  return {
    base,
    byId: (id) => named.get(id),
    rulesFor,
    generatedSalt,
    scanBudget: {
      timeMs: pii.scan_budget.time_ms,
      maxFindings: pii.scan_budget.max_findings,
    },
    resolve(req) {
      if (!anyActive) return null;
      const i = selectScope(scopes, req);
      const scope = i < 0 ? null : scopes[i]!;
      const policy = scope?.policy ?? base;
      const mode = scope?.mode ?? (scope?.policy ? scope.policy.mode : null) ?? effectiveMode;
      if (mode === "off") return null;
      return { mode, policy, rules: rulesFor(policy, req.workspace_id) };
    },
  };
}

/**
 * Short strings that held nothing are remembered: API traffic repeats them in every request and
 * answer (`user`, `assistant`, `gpt-4o-mini`, `chat.completion`, `stop`), and detectors are pure.
 */
function rememberingClean(scan: Scan): Scan {
  const clean = new Set<string>();
  return (text) => {
    if (text.length > 64) return scan(text);
    if (clean.has(text)) return [];
    const found = scan(text);
    if (found.length === 0) {
      // Bounded: unique short strings (ids, timestamps) would otherwise grow it forever.
      if (clean.size >= 4096) clean.clear();
      clean.add(text);
    }
    return found;
  };
}

/** Encoded binary is not text: see encoded.ts. */
function skippingEncodedBinary(scan: Scan): Scan {
  return (text) => (isEncodedBinary(text) ? [] : scan(text));
}

/**
 * One generated salt per process, not per compilation: a config reload (SIGHUP) compiles the
 * policies again, and placeholders must not change under it.
 */
let generated: string | null = null;

function processSalt(): string {
  if (generated !== null) return generated;
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  generated = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return generated;
}
