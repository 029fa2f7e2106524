/**
 * `translation`: the thinking state seal key. Unset, the gateway seals with a random key per
 * process, which works until a restart or on one instance only: the warning says so when a
 * route translates, and an `env("NAME")` whose variable is unset says which variable.
 */
import { wireFormatOf } from "../providers/mod.ts";
import type { RawIssue } from "./issues.ts";
import type { GatewayConfig } from "./resolve.ts";
import type { ParsedConfig } from "./schema.ts";

interface Out {
  errors: RawIssue[];
  warnings: RawIssue[];
}

type Env = Readonly<Record<string, string | undefined>>;

const at = ["translation", "state_key"];
const lost = "thinking state is sealed with a random key per process, so a client's next " +
  "turn after a restart, or on another instance, loses it (the provider then thinks again)";

/** Routes whose written targets speak more than one wire format (a route function: unknown). */
export function translatingRoutes(config: GatewayConfig): string[] {
  const kinds = new Map(config.providers.map((p) => [p.id, p.kind]));
  return Object.entries(config.routes).flatMap(([name, route]) => {
    if (typeof route === "function" || !Array.isArray(route.targets)) return [];
    const formats = new Set(route.targets.flatMap((t: { provider: string }) => {
      const kind = kinds.get(t.provider);
      return kind === undefined ? [] : [wireFormatOf[kind]];
    }));
    return formats.size > 1 ? [name] : [];
  });
}

export function checkTranslation(
  parsed: ParsedConfig,
  config: GatewayConfig,
  env: Env,
  out: Out,
): void {
  const given = parsed.translation.state_key;
  const hint = 'set state_key: env("ONGOINGAI_TRANSLATION_STATE_KEY") to a long random value, ' +
    'the same on every instance: export ONGOINGAI_TRANSLATION_STATE_KEY="$(openssl rand -hex 32)"';
  if (typeof given === "string") {
    out.warnings.push({
      at,
      message: "is a plaintext secret in the config file",
      hint: 'use state_key: env("ONGOINGAI_TRANSLATION_STATE_KEY")',
    });
    return;
  }
  if (given !== undefined && !env[given.env]) {
    out.warnings.push({
      at,
      message: `environment variable ${given.env} is not set: ${lost}`,
      hint,
    });
    return;
  }
  if (given !== undefined || config.translation.state_key !== undefined) return;
  const routes = translatingRoutes(config);
  if (routes.length === 0) return;
  out.warnings.push({
    at,
    message: `is not set and routes.${routes[0]} translates between protocols: ${lost}`,
    hint,
  });
}
