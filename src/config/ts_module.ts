/**
 * Runs a TypeScript config and the files it imports without `import()`: a compiled binary cannot
 * import files that were not there at compile time (denoland/deno#18327). Each file is stripped of
 * its types by sucrase (line numbers are kept), turned into CommonJS, and evaluated with a small
 * `require` that only knows relative files and the gateway's own public module. The same path runs
 * under `deno run`, in a bundle and in the binary.
 */
import { transform } from "sucrase";
import { dirname, extname } from "node:path";
import { pathToFileURL } from "node:url";
import type { ConfigIssue } from "./issues.ts";
import { moduleIssue, ModuleLoadError } from "./ts_module_errors.ts";
import { resolveImport } from "./ts_module_resolve.ts";

export type TsEvalResult =
  | { ok: true; value: unknown; files: string[] }
  | { ok: false; issues: ConfigIssue[] };

interface Module {
  exports: Record<string, unknown>;
}

const typescriptExtensions = new Set([".ts", ".mts", ".cts"]);

/**
 * Evaluates `entry` and returns its default export (awaited, and called when it is a function).
 * `api` is what `import ... from "ongoingai"` (or a path to the gateway's `src/mod.ts`) yields.
 */
export async function evaluateTsConfig(
  entry: string,
  api: Readonly<Record<string, unknown>>,
): Promise<TsEvalResult> {
  const cache = new Map<string, Module>();
  const files: string[] = [];
  const load = (file: string): Module => {
    const cached = cache.get(file);
    if (cached) return cached; // a cycle: the importer sees the exports filled so far, as in CommonJS
    const module: Module = { exports: {} };
    cache.set(file, module);
    files.push(file);
    const source = readSource(file);
    if (extname(file) === ".json") {
      module.exports = parseJsonModule(source, file);
      return module;
    }
    const require = (specifier: string): unknown => {
      const target = resolveImport(specifier, file, source);
      return target.kind === "api" ? { ...api, __esModule: true } : load(target.file).exports;
    };
    const code = compile(source, file);
    const fn = makeFunction(code, file);
    const meta = {
      url: pathToFileURL(file).href,
      filename: file,
      dirname: dirname(file),
      main: false,
    };
    fn(require, module, module.exports, file, dirname(file), meta);
    return module;
  };
  try {
    const exports = load(entry).exports;
    if (!("default" in exports)) {
      throw new ModuleLoadError("has no default export", {
        file: entry,
        hint: "end the file with: export default defineConfig({ ... })",
      });
    }
    let value = exports.default;
    if (typeof value === "function") value = value();
    return { ok: true, value: await value, files };
  } catch (error) {
    return { ok: false, issues: [moduleIssue(error, files, entry)] };
  }
}

function readSource(file: string): string {
  try {
    return Deno.readTextFileSync(file);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "does not exist" : String(error);
    throw new ModuleLoadError(`cannot read the file: ${why}`, { file });
  }
}

function parseJsonModule(source: string, file: string): Record<string, unknown> {
  try {
    return JSON.parse(source);
  } catch (error) {
    throw new ModuleLoadError(`invalid JSON: ${(error as Error).message}`, { file });
  }
}

function compile(source: string, file: string): string {
  const ext = extname(file);
  try {
    const { code } = transform(source, {
      transforms: typescriptExtensions.has(ext) ? ["typescript", "imports"] : ["imports"],
      filePath: file,
      production: true,
    });
    // `import.meta` has no meaning in a Function body; hand each file its own.
    return code.replace(/\bimport\.meta\b/g, "__import_meta");
  } catch (error) {
    const loc = (error as { loc?: { line: number } }).loc;
    const message = (error as Error).message
      .replace(/^Error transforming [^:]*: /, "")
      .replace(/ \(\d+:\d+\)$/, "");
    throw new ModuleLoadError(
      `syntax error: ${message}`,
      loc ? { file, line: loc.line } : { file },
    );
  }
}

type ModuleFunction = (
  require: (specifier: string) => unknown,
  module: Module,
  exports: Record<string, unknown>,
  filename: string,
  dirname: string,
  importMeta: Record<string, unknown>,
) => void;

function makeFunction(code: string, file: string): ModuleFunction {
  const url = pathToFileURL(file).href;
  try {
    return new Function(
      "require",
      "module",
      "exports",
      "__filename",
      "__dirname",
      "__import_meta",
      `${code}\n//# sourceURL=${url}`,
    ) as ModuleFunction;
  } catch (error) {
    const message = (error as Error).message;
    const hint = /await/.test(message)
      ? "top-level await is not supported; export a function instead: export default async () => defineConfig({ ... })"
      : undefined;
    throw new ModuleLoadError(`syntax error: ${message}`, hint ? { file, hint } : { file });
  }
}
