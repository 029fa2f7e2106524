/**
 * What `check` says about PII policies beyond the schema: detectors that cannot run, policy ids
 * that name nothing, scopes that never match or that another scope hides, and field rules that
 * would wipe out ordinary API traffic. A policy is reviewed like code, so these are the review
 * comments a careful colleague would leave.
 */
import type { PathSegment, RawIssue } from "./issues.ts";
import { type GatewayConfig, prefixesOverlap } from "./resolve.ts";
import { fieldNameMatcher, normaliseFieldName } from "./field_names.ts";
import type { BuiltinDetectorName } from "./schema_pii.ts";
import { builtinDetectorNames } from "./schema_pii.ts";
import { closest } from "./suggest.ts";

interface Out {
  errors: RawIssue[];
  warnings: RawIssue[];
}

type Pii = GatewayConfig["pii"];
type Policy = Pick<Pii, "policy_id" | "custom_detectors" | "body" | "stages">;
type Scope = Pii["scopes"][number];

export function checkPii(config: GatewayConfig, out: Out): void {
  const pii = config.pii;
  const policies: [Policy, PathSegment[]][] = [
    [pii, ["pii"]],
    ...pii.policies.map((p, i): [Policy, PathSegment[]] => [p, ["pii", "policies", i]]),
  ];
  const ids = new Map<string, number>();
  for (const [policy, at] of policies) {
    const seen = ids.get(policy.policy_id);
    if (seen !== undefined) {
      out.errors.push({
        at: [...at, "policy_id"],
        message: `"${policy.policy_id}" is already the id of ${
          seen < 0 ? "the base policy (pii.policy_id)" : `pii.policies[${seen}]`
        }; scopes could not tell them apart`,
        hint: "give each policy its own id, e.g. with a version suffix (strict/v2)",
      });
    } else ids.set(policy.policy_id, at.length === 1 ? -1 : at[2] as number);
    checkCustomDetectors(policy, at, out);
    checkFieldRules(policy, at, out);
  }
  checkScopes(config, [...ids.keys()], out);
  checkActiveModes(config, out);
}

function checkCustomDetectors(policy: Policy, at: PathSegment[], out: Out): void {
  const names = new Set<string>(builtinDetectorNames);
  policy.custom_detectors.forEach((d, i) => {
    const here = [...at, "custom_detectors", i];
    if (names.has(d.name)) {
      out.errors.push({
        at: [...here, "name"],
        message: builtinDetectorNames.includes(d.name as BuiltinDetectorName)
          ? `"${d.name}" is a built-in detector; counts of both would be mixed`
          : `"${d.name}" is declared twice in this policy`,
        hint: "choose another name",
      });
    }
    names.add(d.name);
    let re: RegExp;
    try {
      re = typeof d.pattern === "string"
        ? new RegExp(d.pattern, d.flags ?? "")
        : new RegExp(d.pattern.source, d.pattern.flags);
    } catch (err) {
      out.errors.push({
        at: [...here, "pattern"],
        message: `is not a valid regular expression: ${err instanceof Error ? err.message : err}`,
      });
      return;
    }
    if (re.test("")) {
      out.errors.push({
        at: [...here, "pattern"],
        message: "matches empty text, so it would find something everywhere",
        hint: "require at least one character, e.g. + instead of *",
      });
    }
    if (typeof d.pattern !== "string" && d.flags !== undefined) {
      out.warnings.push({
        at: [...here, "flags"],
        message: "is ignored for a RegExp pattern, which carries its own flags",
      });
    }
  });
}

/**
 * Member names whose string values carry the conversation itself in OpenAI and Anthropic
 * requests: a field rule on one of them replaces every prompt with a placeholder.
 */
const conversationFields = [
  "content",
  "text",
  "input",
  "prompt",
  "instructions",
  "system",
  "model",
  "arguments",
  "messages",
  "role",
];

function checkFieldRules(policy: Policy, at: PathSegment[], out: Out): void {
  policy.body.key_denylist.forEach((entry, i) => {
    if (normaliseFieldName(entry).replaceAll("*", "") === "") {
      out.warnings.push({
        at: [...at, "body", "key_denylist", i],
        message: `"${entry}" names no field and is ignored`,
      });
      return;
    }
    const hit = conversationFields.filter(fieldNameMatcher([entry]));
    if (hit.length > 0) {
      out.warnings.push({
        at: [...at, "body", "key_denylist", i],
        message: `"${entry}" matches the API field${hit.length > 1 ? "s" : ""} ${
          hit.join(", ")
        }, so every prompt or answer text there would be replaced whole`,
        hint: "rely on the detectors for free text; keep field rules for named secrets",
      });
    }
  });
}

function checkScopes(config: GatewayConfig, policyIds: string[], out: Out): void {
  const prefixes = config.providers.map((p) => p.prefix);
  const providerIds = new Set(config.providers.map((p) => p.id));
  const scopes = config.pii.scopes;
  scopes.forEach((scope, i) => {
    const at: PathSegment[] = ["pii", "scopes", i];
    const route = scope.match.route_prefix;
    if (route !== undefined && !prefixes.some((p) => prefixesOverlap(route, p))) {
      out.warnings.push({
        at: [...at, "match", "route_prefix"],
        message: `"${route}" is under no provider prefix (${
          prefixes.join(", ")
        }), so this scope never applies`,
      });
    }
    const provider = scope.match.provider;
    if (provider !== undefined && !providerIds.has(provider)) {
      const typo = closest(provider, [...providerIds]);
      out.warnings.push({
        at: [...at, "match", "provider"],
        message: `"${provider}" is not an enabled provider, so this scope never applies`,
        ...(typo !== undefined && { hint: `did you mean "${typo}"?` }),
      });
    }
    if (!config.auth.enabled) checkIdentityWithoutAuth(scope, at, out);
    if (scope.mode === undefined && scope.policy_id === undefined) {
      out.errors.push({
        at,
        message: "sets neither mode nor policy_id, so it changes nothing",
        hint: 'add mode: "block" (or another mode) or policy_id',
      });
    }
    if (scope.policy_id !== undefined && !policyIds.includes(scope.policy_id)) {
      // The original gateway treated a scope's policy_id as a label only. With a mode of its own
      // the scope still protects (base detectors, its mode), so that stays a warning; without
      // one, a misspelt id would silently drop the stricter policy it meant.
      const typo = closest(scope.policy_id, policyIds);
      (scope.mode === undefined ? out.errors : out.warnings).push({
        at: [...at, "policy_id"],
        message: `"${scope.policy_id}" is not a declared policy (${policyIds.join(", ")})${
          scope.mode === undefined
            ? ""
            : `; the base policy's detectors apply with mode ${scope.mode}, recorded under this id`
        }`,
        hint: typo !== undefined
          ? `did you mean "${typo}"?`
          : "declare it in pii.policies, or use the base policy's id",
      });
    }
    for (let j = 0; j < i; j++) checkPair(scopes[j]!, j, scope, i, out);
  });
}

/** Without team mode every request is org "default", workspace "default" and has no key. */
function checkIdentityWithoutAuth(scope: Scope, at: PathSegment[], out: Out): void {
  const m = scope.match;
  const never = m.key_id !== undefined
    ? "key_id"
    : m.org_id !== undefined && m.org_id !== "default"
    ? "org_id"
    : m.workspace_id !== undefined && m.workspace_id !== "default"
    ? "workspace_id"
    : null;
  if (never === null) return;
  out.warnings.push({
    at: [...at, "match", never],
    message: `never matches while auth.enabled is false: every request is then org "default", ` +
      `workspace "default" and has no gateway key`,
    hint: "turn on team mode (auth.enabled) or remove the scope",
  });
}

const selectors = ["org_id", "workspace_id", "key_id", "provider", "route_prefix"] as const;

/** Two scopes that a single request can both match, and which one then applies. */
function checkPair(first: Scope, i: number, later: Scope, j: number, out: Out): void {
  const a = first.match, b = later.match;
  const compatible = selectors.every((s) => {
    const x = a[s], y = b[s];
    if (x === undefined || y === undefined) return true;
    return s === "route_prefix" ? prefixesOverlap(x, y) : x === y;
  });
  if (!compatible) return;
  const sameOutcome = first.mode === later.mode && first.policy_id === later.policy_id;
  const identical = selectors.every((s) => a[s] === b[s]);
  const at: PathSegment[] = ["pii", "scopes", j];
  if (identical) {
    (sameOutcome ? out.warnings : out.errors).push({
      at: [...at, "match"],
      message: sameOutcome
        ? `repeats pii.scopes[${i}] and can be removed`
        : `is the same selector as pii.scopes[${i}], which is declared first and always wins, ` +
          "so this scope never applies",
      hint: sameOutcome ? "delete one of them" : "merge the two, or make this one more specific",
    });
    return;
  }
  const count = (m: typeof a) => selectors.filter((s) => m[s] !== undefined).length;
  if (!sameOutcome && count(a) === count(b)) {
    out.warnings.push({
      at: [...at, "match"],
      message: `a request can match both this scope and pii.scopes[${i}] with the same ` +
        `number of selectors; pii.scopes[${i}] then wins because it is declared first`,
      hint: "add a selector to the one that should win, or reorder them on purpose",
    });
  }
}

/** True when some request can be under a mode other than `off`. */
export function piiActive(config: GatewayConfig): boolean {
  if (config.pii_mode !== "off") return true;
  const named = new Map(config.pii.policies.map((p) => [p.policy_id, p.mode]));
  return config.pii.scopes.some((s) => {
    const mode = s.mode ?? (s.policy_id === undefined ? undefined : named.get(s.policy_id));
    return mode !== undefined && mode !== "off";
  });
}

function checkActiveModes(config: GatewayConfig, out: Out): void {
  const active = piiActive(config);
  const saltAt = "pii,replacement,hash_salt";
  // An unset salt variable is already an error there; "empty" would contradict it.
  const warnedUnset = [...out.warnings, ...out.errors].some((w) => w.at.join() === saltAt);
  if (active && config.pii.replacement.hash_salt === "" && !warnedUnset) {
    out.warnings.push({
      at: ["pii", "replacement", "hash_salt"],
      message: "is empty: placeholders are keyed by a random value per process, so the same " +
        "value gets another placeholder after a restart or on another instance",
      hint: 'set hash_salt: env("ONGOINGAI_PII_HASH_SALT") to a long random value',
    });
  }
  const guard = config.pii_mode === "redact_upstream" || config.pii_mode === "block";
  const s = config.pii.stages;
  if (guard && !s.request_body && !s.response_body) {
    out.warnings.push({
      at: ["pii", "stages"],
      message: `pii.mode is ${config.pii_mode} but request_body and response_body are both ` +
        "off, so nothing is inspected",
    });
  }
}
