/**
 * What a config file may import: relative files (policies, shared provider lists, JSON data) and
 * the gateway's own public module. Anything else (npm packages, `node:` built-ins, URLs) is refused,
 * so a reviewed config cannot pull in code nobody reviewed, and the binary needs no module cache.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ModuleLoadError } from "./ts_module_errors.ts";
import { closest } from "./suggest.ts";

export type ImportTarget = { kind: "api" } | { kind: "file"; file: string };

/**
 * Names a config author might use for the gateway's public module: the package name (mapped in
 * their deno.json or package.json for type checking), with or without an npm:/jsr: scheme,
 * version or sub-path.
 */
const publicModule = /^(?:(?:npm|jsr):\/?)?(?:@ongoingai\/gateway|ongoingai)(?:@[^/]+)?(?:\/.*)?$/;

export const publicModuleNames = ["ongoingai", "@ongoingai/gateway"] as const;

const tryExtensions = [".ts", ".mts", ".js", ".mjs", ".json"];

// When running from source, the real src/mod.ts; in a bundle or binary this is not a file path.
const ownModule = (() => {
  const url = new URL("../mod.ts", import.meta.url);
  return url.protocol === "file:" ? fileURLToPath(url) : undefined;
})();

/** `src/mod.ts` of a checkout of this repository, imported by a relative path. */
function isGatewayModule(file: string): boolean {
  if (file === ownModule) return true;
  if (!file.replaceAll("\\", "/").endsWith("/src/mod.ts")) return false;
  try {
    const manifest = JSON.parse(readFileSync(join(dirname(dirname(file)), "deno.json"), "utf8"));
    return manifest?.name === "@ongoingai/gateway";
  } catch {
    return false;
  }
}

function lineOf(source: string, specifier: string): number | undefined {
  const lines = source.split("\n");
  const i = lines.findIndex((l) => l.includes(`"${specifier}"`) || l.includes(`'${specifier}'`));
  return i === -1 ? undefined : i + 1;
}

export function resolveImport(specifier: string, from: string, source: string): ImportTarget {
  const where = (hint?: string) => {
    const line = lineOf(source, specifier);
    return { file: from, ...(line !== undefined && { line }), ...(hint !== undefined && { hint }) };
  };
  if (publicModule.test(specifier)) return { kind: "api" };
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  if (!relative && !specifier.startsWith("/") && !specifier.startsWith("file:")) {
    throw new ModuleLoadError(
      `imports "${specifier}", which a config cannot load`,
      where(
        'a config may import relative files (./policies/strict.ts) and "ongoingai" (defineConfig, env); read secrets with env("NAME")',
      ),
    );
  }
  const base = specifier.startsWith("file:")
    ? fileURLToPath(specifier)
    : resolve(dirname(from), specifier);
  const file = findFile(base);
  if (file === undefined) {
    const suggestion = nearbyFile(base);
    const hint = specifier.endsWith("src/mod.ts")
      ? 'outside a checkout of the gateway, import { defineConfig, env } from "ongoingai"'
      : suggestion && `did you mean "${suggestion}"?`;
    throw new ModuleLoadError(
      `imports "${specifier}", which does not exist (looked for ${base})`,
      where(hint || undefined),
    );
  }
  return isGatewayModule(file) ? { kind: "api" } : { kind: "file", file };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function findFile(base: string): string | undefined {
  if (isFile(base)) return base;
  if (extname(base) === "") {
    for (const ext of tryExtensions) if (isFile(base + ext)) return base + ext;
    for (const index of ["mod.ts", "index.ts"]) {
      if (isFile(join(base, index))) return join(base, index);
    }
  }
  return undefined;
}

function nearbyFile(base: string): string | undefined {
  const dir = dirname(base);
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) =>
    e.name
  );
  return closest(basename(base), names);
}
