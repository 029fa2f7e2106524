/**
 * Which files `ongoingai init` writes, and which of them it would overwrite. Pure, so the rules
 * (never replace a user's file without --force; `--types` refreshes only the generated types)
 * are tested without a file system.
 */
import declarations from "./ongoingai.d.ts" with { type: "text" };
import {
  defaultPolicy,
  denoJson,
  gatewayConfig,
  gitignore,
  tsconfigJson,
  typesPath,
} from "./templates.ts";

export interface PlannedFile {
  /** Relative to the target directory, with forward slashes. */
  path: string;
  content: string;
  /**
   * When the file already exists (and no --force): `refuse` stops init, since the starter would
   * be lost; `keep` leaves the repository's own file (a deno.json, tsconfig.json or .gitignore
   * it already has) and prints `mergeHint`, what to add to it by hand.
   */
  ifExists: "refuse" | "keep";
  mergeHint?: string;
}

export interface InitOptions {
  /** Write only the declaration file, replacing it: after upgrading the gateway. */
  typesOnly: boolean;
}

export function initPlan(options: InitOptions): PlannedFile[] {
  const types: PlannedFile = { path: typesPath, content: declarations, ifExists: "refuse" };
  if (options.typesOnly) return [types];
  const mapping = `"ongoingai" and "@ongoingai/gateway" to ./${typesPath}`;
  return [
    { path: "gateway.config.ts", content: gatewayConfig, ifExists: "refuse" },
    { path: "policies/default.ts", content: defaultPolicy, ifExists: "refuse" },
    types,
    {
      path: "deno.json",
      content: denoJson,
      ifExists: "keep",
      mergeHint: `map ${mapping} in its "imports"`,
    },
    {
      path: "tsconfig.json",
      content: tsconfigJson,
      ifExists: "keep",
      mergeHint: `map ${mapping} in compilerOptions.paths`,
    },
    {
      path: ".gitignore",
      content: gitignore,
      ifExists: "keep",
      mergeHint: "add the line data/ (traces and the key-hash secret stay out of git)",
    },
  ];
}

/** The planned files to write: all but the existing ones init keeps (unless --force). */
export function toWrite(
  plan: readonly PlannedFile[],
  existing: ReadonlySet<string>,
  options: { force: boolean },
): PlannedFile[] {
  if (options.force) return [...plan];
  return plan.filter((f) => !(f.ifExists === "keep" && existing.has(f.path)));
}

/**
 * The planned files that already exist and would be replaced, in plan order. `--force` allows
 * it; `--types` does for the declaration file, which init owns.
 */
export function overwrites(
  plan: readonly PlannedFile[],
  existing: ReadonlySet<string>,
  options: InitOptions & { force: boolean },
): string[] {
  if (options.force) return [];
  return plan
    .filter((f) => f.ifExists === "refuse" && existing.has(f.path))
    .filter((f) => !(options.typesOnly && f.path === typesPath))
    .map((f) => f.path);
}
