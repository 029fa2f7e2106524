/**
 * Which config file to read: `--config PATH`, else `ONGOINGAI_CONFIG`, else `./gateway.config.ts`,
 * else `./ongoingai.yaml` (or `.yml`), else the built-in defaults (zero-config start). A path the
 * user named explicitly must exist; the fallbacks are only used when present.
 *
 * `typescript: "explicit"` (shell-init, wrap, health) skips `./gateway.config.ts`: a TypeScript
 * config runs with every permission, and these commands run in whatever directory the user is
 * in, a freshly cloned repository included (`eval "$(ongoingai shell-init)"` in a shell's
 * startup file). YAML and JSON are data, validated like any config, so they are still found.
 */
import { statSync } from "node:fs";
import { extname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ConfigIssue } from "./issues.ts";

export type ConfigFormat = "ts" | "yaml" | "json";

export type Discovery =
  | { kind: "file"; path: string; format: ConfigFormat }
  | { kind: "defaults" }
  | { kind: "error"; issue: ConfigIssue };

/** Files looked for in the working directory, in order, when no path is given. */
export const defaultConfigFiles = ["gateway.config.ts", "ongoingai.yaml", "ongoingai.yml"] as const;

const formats: Record<string, ConfigFormat> = {
  ".ts": "ts",
  ".mts": "ts",
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "json",
};

export function formatOf(path: string): ConfigFormat | undefined {
  return formats[extname(path).toLowerCase()];
}

function absolute(path: string, cwd: string): string {
  if (path.startsWith("file:")) return fileURLToPath(path);
  return isAbsolute(path) ? path : resolve(cwd, path);
}

function kindOf(path: string): "file" | "directory" | "missing" {
  try {
    return statSync(path).isDirectory() ? "directory" : "file";
  } catch {
    return "missing";
  }
}

function explicit(given: string, cwd: string, origin: string): Discovery {
  const path = absolute(given, cwd);
  const fail = (message: string, hint?: string): Discovery => ({
    kind: "error",
    issue: { path: "", message, file: path, ...(hint !== undefined && { hint }) },
  });
  const format = formatOf(path);
  if (format === undefined) {
    return fail(
      `${origin} names "${given}", which is not a config file type`,
      "use a .ts, .yaml, .yml or .json file",
    );
  }
  const kind = kindOf(path);
  if (kind === "missing") return fail(`${origin} names "${given}", which does not exist`);
  if (kind === "directory") return fail(`${origin} names "${given}", which is a directory`);
  return { kind: "file", path, format };
}

export interface DiscoverOptions {
  path?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** `explicit`: a TypeScript config is only read when named (`--config`, `ONGOINGAI_CONFIG`). */
  typescript?: "any" | "explicit" | undefined;
}

/** `./gateway.config.ts` when discovery skipped it (`typescript: "explicit"`), else null. */
export function skippedTsConfig(options: DiscoverOptions): string | null {
  if (options.typescript !== "explicit") return null;
  if ((options.path ?? "") !== "" || options.env["ONGOINGAI_CONFIG"]) return null;
  const path = resolve(options.cwd, defaultConfigFiles[0]);
  return kindOf(path) === "file" ? path : null;
}

export function discoverConfig(options: DiscoverOptions): Discovery {
  if (options.path !== undefined && options.path !== "") {
    return explicit(options.path, options.cwd, "--config");
  }
  const fromEnv = options.env["ONGOINGAI_CONFIG"];
  if (fromEnv) return explicit(fromEnv, options.cwd, "ONGOINGAI_CONFIG");
  for (const name of defaultConfigFiles) {
    if (options.typescript === "explicit" && formatOf(name) === "ts") continue;
    const path = resolve(options.cwd, name);
    if (kindOf(path) === "file") return { kind: "file", path, format: formatOf(name) ?? "yaml" };
  }
  return { kind: "defaults" };
}
