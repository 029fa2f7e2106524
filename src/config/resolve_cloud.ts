/**
 * The cloud credentials of a provider (`aws`, `gcp`) as the gateway uses them: `env("NAME")`
 * references read, a service-account key file read. Nothing is judged here: a variable that is
 * unset or a file that cannot be read leaves its value absent (with why, for a file), and
 * `check` (semantic_cloud.ts) turns that into an error before `serve` binds a port.
 */
import type { ParsedConfig } from "./schema.ts";
import type { EnvRef } from "./schema_env_ref.ts";

type Env = Readonly<Record<string, string | undefined>>;
type ParsedProvider = ParsedConfig["providers"][string];

/** Kind `bedrock`: the gateway's AWS credentials. */
export interface ResolvedAws {
  /** The configured region; null: the upstream host's (`bedrock-runtime.<region>...`). */
  region: string | null;
  /** Absent when its variable is unset (check refuses the config then). */
  access_key_id?: string | undefined;
  secret_access_key?: string | undefined;
  session_token?: string | undefined;
}

/** Kind `vertex`: the gateway's service-account key, as text. */
export interface ResolvedGcp {
  /** The key file's JSON; absent when the variable is unset or the file unreadable. */
  service_account_json?: string | undefined;
  /** Where it came from, for messages: `providers.vertex.gcp.service_account_file (/path)`. */
  source: string;
  /** Why the file could not be read (`service_account_file`); absent otherwise. */
  file_error?: string | undefined;
}

/** Largest key file read: a real one is about 2.4 KB. */
const maxKeyFileBytes = 64 * 1024;

function secretOf(value: string | EnvRef | undefined, env: Env): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  const v = env[value.env];
  return v === undefined || v === "" ? undefined : v;
}

export function resolveAws(given: ParsedProvider["aws"], env: Env): ResolvedAws | undefined {
  if (given === undefined) return undefined;
  const out: ResolvedAws = { region: given.region ?? null };
  const id = secretOf(given.access_key_id, env)?.trim();
  const secret = secretOf(given.secret_access_key, env);
  const token = secretOf(given.session_token, env)?.trim();
  if (id) out.access_key_id = id;
  if (secret) out.secret_access_key = secret;
  if (token) out.session_token = token;
  return out;
}

export function resolveGcp(
  id: string,
  given: ParsedProvider["gcp"],
  env: Env,
): ResolvedGcp | undefined {
  if (given === undefined) return undefined;
  if (given.service_account_file === undefined) {
    const json = secretOf(given.service_account_json, env);
    const source = `providers.${id}.gcp.service_account_json`;
    return json === undefined ? { source } : { source, service_account_json: json };
  }
  const path = given.service_account_file;
  const source = `providers.${id}.gcp.service_account_file (${path})`;
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) return { source, file_error: "is not a file" };
    if (info.size > maxKeyFileBytes) {
      return { source, file_error: `is ${info.size} bytes, over 64 KiB: not a key file` };
    }
    return { source, service_account_json: Deno.readTextFileSync(path) };
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound
      ? "does not exist"
      : err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotCapable
      ? "cannot be read (permission denied)"
      : `cannot be read (${err instanceof Error ? err.message.slice(0, 120) : String(err)})`;
    return { source, file_error: why };
  }
}
