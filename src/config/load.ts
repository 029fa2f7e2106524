/**
 * The one loader `serve`, `check` and every other command use: find the file, read it (TypeScript,
 * YAML or JSON), lay the environment over it, validate with the schema and the semantic checks,
 * and resolve. It never throws for a user's mistake; it returns every problem with its path.
 */
import { publicApi } from "./define.ts";
import { discoverConfig } from "./discover.ts";
import { applyEnv } from "./env_overlay.ts";
import { type FileParse, type Locate, parseJson, parseYaml } from "./file_formats.ts";
import { type ConfigIssue, finishIssue, type IssueContext } from "./issues.ts";
import { type GatewayConfig, resolveConfig } from "./resolve.ts";
import { configSchema } from "./schema.ts";
import { semanticChecks } from "./semantic.ts";
import { semanticChecksDespite } from "./partial_checks.ts";
import { evaluateTsConfig } from "./ts_module.ts";
import { locateInTs } from "./ts_locate.ts";
import { describeValue, fromZodIssues } from "./zod_issues.ts";

export interface LoadOptions {
  /** `--config`; relative to `cwd`. Unset: `ONGOINGAI_CONFIG`, then the default file names. */
  path?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** `explicit`: `./gateway.config.ts` is not read unless named (see discover.ts). */
  typescript?: "any" | "explicit" | undefined;
}

export type LoadResult =
  | {
    ok: true;
    config: GatewayConfig;
    /** Absolute path of the file read, or null for the built-in defaults. */
    source: string | null;
    warnings: ConfigIssue[];
  }
  | { ok: false; source: string | null; errors: ConfigIssue[]; warnings: ConfigIssue[] };

export async function loadConfig(options: LoadOptions): Promise<LoadResult> {
  const found = discoverConfig(options);
  if (found.kind === "error") {
    return { ok: false, source: found.issue.file ?? null, errors: [found.issue], warnings: [] };
  }
  if (found.kind === "defaults") return validateConfig({}, { env: options.env });
  const source = found.path;
  const fail = (errors: ConfigIssue[]): LoadResult => ({ ok: false, source, errors, warnings: [] });
  let parsed: FileParse;
  if (found.format === "ts") {
    const result = await evaluateTsConfig(source, publicApi);
    if (!result.ok) return fail(result.issues);
    if (!isObject(result.value)) {
      return fail([{
        path: "",
        file: source,
        message: `the default export must be a config object, got ${describeValue(result.value)}`,
        hint: "export default defineConfig({ ... })",
      }]);
    }
    // Read again for positions only: a config that evaluated is there, and this costs little.
    const text = await Deno.readTextFile(source).catch(() => null);
    parsed = {
      ok: true,
      value: result.value,
      ...(text === null ? {} : { locate: locateInTs(text) }),
    };
  } else {
    let text: string;
    try {
      text = await Deno.readTextFile(source);
    } catch (error) {
      return fail([{ path: "", file: source, message: `cannot read the file: ${String(error)}` }]);
    }
    parsed = found.format === "yaml" ? parseYaml(text, source) : parseJson(text, source);
  }
  if (!parsed.ok) return fail(parsed.issues);
  return validateConfig(parsed.value, { env: options.env, source, locate: parsed.locate });
}

export interface ValidateOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** The file the value came from, for messages; null or unset for values built in code. */
  source?: string | null;
  locate?: Locate | undefined;
}

/**
 * Validates a config value as `loadConfig` does after reading a file: env overlay, schema,
 * semantic checks. Tests and embedders can use it to build a `GatewayConfig` from an object.
 */
export function validateConfig(input: unknown, options: ValidateOptions): LoadResult {
  const source = options.source ?? null;
  const overlay = applyEnv(input, options.env);
  const ctx: IssueContext = { envPaths: overlay.envPaths };
  if (source !== null) ctx.file = source;
  if (options.locate) ctx.locate = options.locate;
  const result = configSchema.safeParse(overlay.value, { reportInput: true });
  if (!result.success) {
    const found = [
      ...fromZodIssues(result.error.issues, configSchema),
      ...semanticChecksDespite(overlay.value, result.error.issues, options.env),
    ];
    const errors = [...overlay.issues, ...byLine(found.map((i) => finishIssue(i, ctx)))];
    return { ok: false, source, errors, warnings: [] };
  }
  const config = resolveConfig(result.data, options.env);
  const checked = semanticChecks(result.data, config, options.env);
  const errors = [...overlay.issues, ...byLine(checked.errors.map((i) => finishIssue(i, ctx)))];
  const warnings = byLine(checked.warnings.map((i) => finishIssue(i, ctx)));
  if (errors.length > 0) return { ok: false, source, errors, warnings };
  return { ok: true, config, source, warnings };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Issues located in the file come in file order; the others keep the order they were found. */
function byLine(issues: ConfigIssue[]): ConfigIssue[] {
  const line = (i: ConfigIssue) => i.line ?? Number.MAX_SAFE_INTEGER;
  return issues.sort((a, b) => line(a) - line(b));
}
