/**
 * Writes the environment variables of `env_variables.ts` over a config file's values:
 * defaults < file < env, and an empty variable counts as unset.
 */
import type { ConfigIssue, PathSegment } from "./issues.ts";
import { type EnvVariable, envVariables } from "./env_variables.ts";
import { mergeHeaders } from "./otlp_headers.ts";

export interface EnvOverlay {
  /** The input with env values written in; a copy, the caller's object is not touched. */
  value: unknown;
  /** Dotted paths set from the environment, to the variable that set them. */
  envPaths: Map<string, string>;
  /** Variables that did not parse; each message names the variable. */
  issues: ConfigIssue[];
}

export function applyEnv(input: unknown, env: Record<string, string | undefined>): EnvOverlay {
  const value = clonePlain(input ?? {});
  const envPaths = new Map<string, string>();
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(value)) return { value, envPaths, issues };
  const set = (path: string, v: unknown, name: string) => {
    if (setAt(value, path.split("."), v)) envPaths.set(path, name);
  };
  let otelTrigger: string | undefined;
  for (const variable of envVariables) {
    const raw = env[variable.name];
    if (raw === undefined || raw === "") continue;
    if (variable.enablesOtel) otelTrigger ??= variable.name;
    const parsed = variable.parse(raw);
    if (!parsed.ok) {
      const got = variable.secret ? "" : ` (got ${JSON.stringify(raw)})`;
      const message = `${variable.name} must be ${parsed.expected}${got}`;
      issues.push({ path: variable.path, message });
      continue;
    }
    const writes = variable.headerList
      ? headerWrites(value, variable.path, variable.headerList, parsed.value)
      : variable.assign?.(parsed.value) ?? [[variable.path, parsed.value]];
    for (const [path, v] of writes) set(path, v, variable.name);
  }
  if (otelTrigger !== undefined && !env["OTEL_SDK_DISABLED"]) {
    set("observability.otel.enabled", true, `${otelTrigger} (any OTEL_* variable turns it on)`);
  }
  return { value, envPaths, issues };
}

/**
 * The record at `path` with the variable's headers laid over it, and the records at `shadows`
 * without those names; records the file did not write are not created (but `path` is).
 */
function headerWrites(
  root: Record<string, unknown>,
  path: string,
  list: NonNullable<EnvVariable["headerList"]>,
  headers: unknown,
): Array<[string, unknown]> {
  const fromEnv = headers as Record<string, string>;
  const names = new Set(Object.keys(fromEnv));
  const writes: Array<[string, unknown]> = [];
  for (const shadowed of list.shadows) {
    const record = getAt(root, shadowed);
    if (!isPlainObject(record)) continue;
    const kept = Object.entries(record).filter(([name]) => !names.has(name.toLowerCase()));
    writes.push([shadowed, Object.fromEntries(kept)]);
  }
  const own = getAt(root, path);
  writes.push([path, mergeHeaders(isPlainObject(own) ? own : {}, fromEnv)]);
  return writes;
}

function getAt(root: Record<string, unknown>, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split(".")) node = isPlainObject(node) ? node[key] : undefined;
  return node;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Copies plain objects and arrays only; anything else is the schema's to reject. */
export function clonePlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(clonePlain);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clonePlain(x)]));
}

/** Writes `v` at `path`, creating missing objects; refuses to replace a non-object the file set. */
function setAt(root: Record<string, unknown>, path: PathSegment[], v: unknown): boolean {
  let node = root;
  for (const segment of path.slice(0, -1)) {
    const key = String(segment);
    const next = node[key];
    if (next === undefined || next === null) node[key] = {};
    else if (!isPlainObject(next)) return false;
    node = node[key] as Record<string, unknown>;
  }
  node[String(path[path.length - 1])] = v;
  return true;
}
