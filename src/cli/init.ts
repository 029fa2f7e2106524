/**
 * `ongoingai init`: a starter gateway.config.ts, an example PII policy and the editor setup, so a
 * repository without the gateway's source can write, type-check and run a config. Never replaces
 * an existing file unless told to (--force); exit 0 written, 1 nothing written, 2 usage error.
 */
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parseFlags } from "./args.ts";
import { initPlan, overwrites, type PlannedFile, toWrite } from "./init/plan.ts";
import { type CliCommand, exitCode } from "./io.ts";

export const initSpec = {
  name: "init",
  summary: "Write a starter gateway.config.ts, an example PII policy and editor types",
  usage: "ongoingai init [--dir DIR] [--force] [--types]",
  flags: [
    ["--dir DIR", "Directory to write into (created if missing); default: the current directory"],
    ["--force", "Replace files that already exist"],
    ["--types", "Only refresh .ongoingai/types/ongoingai.d.ts (after upgrading the gateway)"],
  ],
} as const;

export const init: CliCommand = async (args, io) => {
  const { values } = parseFlags("init", args, {
    dir: { type: "string" },
    force: { type: "boolean" },
    types: { type: "boolean" },
  });
  const dir = resolve(io.cwd, values.dir ?? ".");
  const options = { typesOnly: values.types === true, force: values.force === true };
  const plan = initPlan(options);
  // Paths as the user would type them: relative below the current directory, else absolute.
  const below = relative(io.cwd, dir);
  const shown = below === "" ? "." : below.startsWith("..") || isAbsolute(below) ? dir : below;
  const cannotWrite = (error: unknown) => {
    io.stderr(`init: cannot write into ${shown}: ${(error as Error).message}\n`);
    return exitCode.failure;
  };
  let existing: Set<string>;
  try {
    existing = new Set(plan.filter((f) => exists(join(dir, f.path))).map((f) => f.path));
  } catch (error) {
    return cannotWrite(error);
  }
  const blocked = overwrites(plan, existing, options);
  if (blocked.length > 0) {
    io.stderr(
      `init: these files already exist in ${shown} and were left alone:\n` +
        blocked.map((p) => `  ${p}\n`).join("") +
        "Nothing was written. Run `ongoingai init --force` to replace them, " +
        "or `ongoingai init --dir DIR` to start in another directory.\n",
    );
    return exitCode.failure;
  }
  const writing = toWrite(plan, existing, options);
  try {
    for (const file of writing) await write(dir, file);
  } catch (error) {
    return cannotWrite(error);
  }
  for (const file of plan) {
    const path = join(shown, file.path);
    if (!writing.includes(file)) io.stdout(`kept your ${path}: ${file.mergeHint}\n`);
    else io.stdout(`${existing.has(file.path) ? "replaced" : "wrote"} ${path}\n`);
  }
  if (!options.typesOnly) io.stdout(nextSteps(shown));
  return exitCode.ok;
};

function nextSteps(shown: string): string {
  const cd = shown === "." ? [] : [`  cd ${shown}`];
  return [
    "",
    "Next steps:",
    ...cd,
    "  ongoingai check     # validate gateway.config.ts as serve would",
    "  ongoingai serve     # run the gateway on 127.0.0.1:8080",
    // shell-init reads a TypeScript config only when named (it is code; see discover.ts).
    '  eval "$(ongoingai shell-init --config gateway.config.ts)"   # point clients at it',
    "",
  ].join("\n");
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function write(dir: string, file: PlannedFile): Promise<void> {
  const path = join(dir, file.path);
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeTextFile(path, file.content);
}
