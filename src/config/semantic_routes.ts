/**
 * What `check` says about routes and key pools beyond the schema: targets naming no enabled
 * provider, Vertex targets mixed with targets of another wire format (the gateway translates
 * between the others, issue 21, but not to or from Vertex paths), names that differ only in case, timeouts that can never fire or that cut every attempt
 * short, and key pools the gateway would never use. Targets name providers, never other routes,
 * so route names cannot form cycles; a route function may return a route's name, checked when it
 * runs (routing/routes.ts).
 */
import {
  type ModelLocation,
  modelLocationOf,
  type ProviderAdapter,
  providerAdapters,
  type WireFormat,
  wireFormatOf,
} from "../providers/mod.ts";
import type { PathSegment, RawIssue } from "./issues.ts";
import type { GatewayConfig, ResolvedProvider } from "./resolve.ts";
import type { ParsedConfig } from "./schema.ts";
import { isLoopbackHost } from "./schema_host.ts";
import { defaultConnectMs, type ParsedRoute } from "./schema_routes.ts";
import { closest } from "./suggest.ts";

interface Out {
  errors: RawIssue[];
  warnings: RawIssue[];
}

type Env = Readonly<Record<string, string | undefined>>;

const formatNames = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  gemini: "Gemini",
  vertex: "Vertex AI",
  bedrock: "Bedrock",
} as const satisfies Record<WireFormat, string>;

export function checkRoutes(parsed: ParsedConfig, config: GatewayConfig, out: Out): void {
  const byLowerName = new Map<string, string>();
  for (const [name, route] of Object.entries(config.routes)) {
    const at: PathSegment[] = ["routes", name];
    const twin = byLowerName.get(name.toLowerCase());
    if (twin !== undefined) {
      out.errors.push({
        at,
        message: `collides with routes.${twin}: the names differ only in case`,
        hint: "clients would reach one or the other by a typo; merge them or rename one",
      });
    } else byLowerName.set(name.toLowerCase(), name);
    if (typeof route === "function") continue;
    if (Array.isArray(route.targets)) checkTargets(parsed, config, route, at, out);
    checkTimeouts(route, config, at, out);
    const { backoff_ms, max_backoff_ms } = route.retry;
    if (backoff_ms > max_backoff_ms) {
      out.warnings.push({
        at: [...at, "retry", "backoff_ms"],
        message: `is more than retry.max_backoff_ms (${max_backoff_ms}), so every wait is ` +
          `${max_backoff_ms} ms`,
        hint: "lower backoff_ms or raise max_backoff_ms",
      });
    }
  }
}

function checkTargets(
  parsed: ParsedConfig,
  config: GatewayConfig,
  route: ParsedRoute,
  at: PathSegment[],
  out: Out,
): void {
  const targets = route.targets as Extract<ParsedRoute["targets"], readonly unknown[]>;
  if (targets.length === 0) {
    out.errors.push({
      at: [...at, "targets"],
      message: "must list at least one target",
      hint: "e.g. targets: [{ provider: openai, model: gpt-4o-mini }]; or remove the route",
    });
    return;
  }
  const providers = new Map(config.providers.map((p) => [p.id, p]));
  let first: { provider: ResolvedProvider; index: number } | null = null;
  const seen = new Map<string, number>();
  for (const [i, target] of targets.entries()) {
    const here = [...at, "targets", i];
    const provider = providers.get(target.provider);
    if (provider === undefined) {
      out.errors.push(unknownProvider(parsed, config, target.provider, [...here, "provider"]));
      continue;
    }
    const unroutable = pathModelRefusal(
      provider,
      modelLocationOf[provider.kind],
      providerAdapters[provider.kind],
      [...here, "provider"],
    );
    if (unroutable !== null) out.errors.push(unroutable);
    const format = wireFormatOf[provider.kind];
    if (first === null) first = { provider, index: i };
    else if (wireFormatOf[first.provider.kind] !== format) {
      const other = format === "vertex" ? { provider, index: i } : first;
      if (format === "vertex" || wireFormatOf[first.provider.kind] === "vertex") {
        out.errors.push({
          at: [...here, "provider"],
          message: `providers.${other.provider.id} (targets[${other.index}]) speaks the ` +
            `${formatNames.vertex} wire format, which the gateway does not translate to or ` +
            "from (a Vertex path names a project and location no route target has); its " +
            "targets cannot be mixed with targets of another wire format",
          hint: "make one route of Vertex targets, or use kind gemini or anthropic targets",
        });
      }
    }
    const pair = `${target.provider}\u0000${target.model}`;
    const again = seen.get(pair);
    if (again !== undefined) {
      out.warnings.push({
        at: here,
        message: `repeats targets[${again}] (${target.provider}, ${target.model})`,
        hint: "to try a target again, raise retry.attempts instead",
      });
    } else seen.set(pair, i);
    if (route.strategy !== "weighted" && target.weight !== 1) {
      out.warnings.push({
        at: [...here, "weight"],
        message: `is only read by strategy: weighted (this route's strategy is ${route.strategy})`,
        hint: "set strategy: weighted, or remove the weight",
      });
    }
    if (i === 0 && target.on_context_length) {
      out.warnings.push({
        at: [...here, "on_context_length"],
        message: "has no effect on the first target: no earlier target can pass it an error",
        hint: "set it on the larger-context target that follows the one it backs up",
      });
    }
  }
  if (route.strategy === "weighted" && targets.length > 1 && targets.every((t) => t.weight === 0)) {
    out.warnings.push({
      at: [...at, "targets"],
      message: "every target has weight 0 (a last resort), so there is nothing to weigh: they " +
        "are tried in the listed order, as strategy: fallback would",
      hint: "give the targets to spread traffic over a weight above 0, or use strategy: fallback",
    });
  }
}

/**
 * A target whose kind names the model in the request path, when its adapter cannot aim a
 * request at another model (no `withModel`): the route would send every request to the model the
 * client's path names, whatever the target says. Refused rather than half-working.
 */
export function pathModelRefusal(
  provider: Pick<ResolvedProvider, "id" | "kind">,
  location: ModelLocation,
  adapter: Pick<ProviderAdapter, "withModel">,
  at: PathSegment[],
): RawIssue | null {
  if (location !== "path" || adapter.withModel !== undefined) return null;
  return {
    at,
    message: `providers.${provider.id} (kind ${provider.kind}) names the model in the request ` +
      "path, and this build cannot yet aim such a request at a route target's model, so the " +
      "route would not do what it says",
    hint: `call providers.${provider.id} through its own prefix without a route, or route to ` +
      "providers of a kind whose model is in the body (openai, anthropic, openai-compatible)",
  };
}

function unknownProvider(
  parsed: ParsedConfig,
  config: GatewayConfig,
  id: string,
  at: PathSegment[],
): RawIssue {
  if (parsed.providers[id]?.enabled === false) {
    return {
      at,
      message: `providers.${id} is disabled (enabled: false), so this target can never be used`,
      hint: `enable providers.${id} or remove the target`,
    };
  }
  const ids = config.providers.map((p) => p.id);
  const typo = closest(id, ids);
  return {
    at,
    message: `"${id}" is not an enabled provider`,
    hint: typo
      ? `did you mean "${typo}"?`
      : ids.length > 0
      ? `enabled providers: ${ids.join(", ")}; or declare providers.${id}`
      : `declare providers.${id}`,
  };
}

type PhaseKey = keyof ParsedRoute["timeouts"];

/**
 * Limits written in the route that can never fire because an enclosing limit is shorter. Only a
 * written value is blamed: a route that shortens `total_ms` below the inherited header timeout
 * simply caps it, which is what it asked for.
 */
function checkTimeouts(route: ParsedRoute, config: GatewayConfig, at: PathSegment[], out: Out) {
  const t = route.timeouts;
  const inherited: Record<PhaseKey, [number | null, string]> = {
    connect_ms: [defaultConnectMs, `the default ${defaultConnectMs}`],
    first_byte_ms: [config.proxy.headers_timeout_ms, "proxy.headers_timeout_ms"],
    first_token_ms: [null, ""],
    idle_ms: [config.proxy.idle_timeout_ms, "proxy.idle_timeout_ms"],
    total_ms: [config.proxy.total_timeout_ms || null, "proxy.total_timeout_ms"],
  };
  const effective = (k: PhaseKey): [number | null, string] =>
    t[k] === undefined ? inherited[k] : [t[k], `timeouts.${k}`];
  const pairs: Array<[PhaseKey, PhaseKey, string]> = [
    ["connect_ms", "first_byte_ms", "connecting is part of waiting for the headers"],
    ["first_byte_ms", "total_ms", "the headers come within the attempt"],
    ["first_token_ms", "total_ms", "the first token comes within the attempt"],
    ["idle_ms", "total_ms", "a gap between events lies within the attempt"],
  ];
  for (const [inner, outer, why] of pairs) {
    const value = t[inner];
    const [limit, source] = effective(outer);
    if (value === undefined || value === null || limit === null || value <= limit) continue;
    out.errors.push({
      at: [...at, "timeouts", inner],
      message: `is ${value}, longer than ${source} (${limit}), so it can never fire: ${why}`,
      hint: `make ${inner} shorter than ${outer}, or raise ${outer}`,
    });
  }
}

/** `providers.<id>.keys`: ids, duplicate secrets, unset variables, and pools never used. */
export function checkKeyPools(
  parsed: ParsedConfig,
  config: GatewayConfig,
  env: Env,
  out: Out,
): void {
  for (const [id, given] of Object.entries(parsed.providers)) {
    const keys = given.keys ?? [];
    if (keys.length === 0 || given.enabled === false) continue;
    const at: PathSegment[] = ["providers", id, "keys"];
    const ids = new Map<string, number>();
    const values = new Map<string, number>();
    let set = 0;
    for (const [i, key] of keys.entries()) {
      const first = ids.get(key.id);
      if (first !== undefined) {
        out.errors.push({
          at: [...at, i, "id"],
          message: `duplicates ${formatKey(id, first)}.id "${key.id}"`,
          hint: "each key of a pool needs its own id; it names the key in traces and the API",
        });
      } else ids.set(key.id, i);
      if (typeof key.key === "string") {
        out.warnings.push({
          at: [...at, i, "key"],
          message: "is a plaintext secret in the config file",
          hint: 'use key: env("OPENAI_KEY_A") (YAML: key: { env: OPENAI_KEY_A })',
        });
      }
      const value = typeof key.key === "string" ? key.key : env[key.key.env] || undefined;
      if (value === undefined) {
        const name = typeof key.key === "string" ? "" : key.key.env;
        out.warnings.push({
          at: [...at, i, "key"],
          message: `environment variable ${name} is not set, so this key is left out of the pool`,
          hint: `export ${name}=...`,
        });
        continue;
      }
      set++;
      const same = values.get(value);
      if (same !== undefined) {
        out.errors.push({
          at: [...at, i, "key"],
          message: `is the same key as ${formatKey(id, same)}; cooldowns of one account ` +
            "would be counted twice",
          hint: "list each key once; keys of one account that share a quota take one group",
        });
      } else values.set(value, i);
    }
    if (set === 0) {
      out.errors.push({
        at,
        message: "no key of the pool is set, so requests without a provider key would fail",
        hint: "set the variables the keys name, or remove the pool",
      });
    }
    if (keys.length > 1 && keys.every((k) => k.weight === 0)) {
      out.warnings.push({
        at,
        message: "every key has weight 0 (a last resort), so there is nothing to weigh: the " +
          "first usable key in the list takes every request",
        hint: "give the keys to spread requests over a weight above 0",
      });
    }
    checkPoolReachable(config, at, out);
  }
}

function formatKey(provider: string, i: number): string {
  return `providers.${provider}.keys[${i}]`;
}

/**
 * A pool spends the operator's money on behalf of whoever can reach the gateway, so it is only
 * used behind gateway keys (team mode) or on a gateway only this machine can reach.
 */
function checkPoolReachable(config: GatewayConfig, at: PathSegment[], out: Out): void {
  if (config.auth.enabled || isLoopbackHost(config.server.host)) return;
  out.errors.push({
    at,
    message: `is never used: a key pool serves requests only in team mode (auth.enabled) or ` +
      `when server.host is loopback, and server.host is ${config.server.host} without auth`,
    hint: "turn on auth.enabled with gateway keys, or listen on 127.0.0.1",
  });
}
