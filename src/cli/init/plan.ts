/**
 * Which files `ongoingai init` writes, and which of them it would overwrite. Pure, so the rules
 * (never replace a user's file without --force; `--types` refreshes only the generated types)
 * are tested without a file system.
 */
import declarations from "./ongoingai.d.ts" with { type: "text" };
import { defaultPolicy, denoJson, gatewayConfig, tsconfigJson, typesPath } from "./templates.ts";

export interface PlannedFile {
  /** Relative to the target directory, with forward slashes. */
  path: string;
  content: string;
}

export interface InitOptions {
  /** Write only the declaration file, replacing it: after upgrading the gateway. */
  typesOnly: boolean;
}

export function initPlan(options: InitOptions): PlannedFile[] {
  const types = { path: typesPath, content: declarations };
  if (options.typesOnly) return [types];
  return [
    { path: "gateway.config.ts", content: gatewayConfig },
    { path: "policies/default.ts", content: defaultPolicy },
    types,
    { path: "deno.json", content: denoJson },
    { path: "tsconfig.json", content: tsconfigJson },
  ];
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
    .filter((f) => existing.has(f.path))
    .filter((f) => !(options.typesOnly && f.path === typesPath))
    .map((f) => f.path);
}
