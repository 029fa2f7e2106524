/**
 * `deno task compile`: one self-contained `ongoingai` executable per release target in dist/,
 * stamped with version, commit and date, plus dist/checksums.txt.
 *
 * The stamp is written into src/build_info.ts for the duration of the build and the original
 * text is put back afterwards, also when a build fails or the task is interrupted.
 */
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildDate,
  buildInfoSource,
  checksumsText,
  commitLabel,
  compileFailureHint,
  compileUsage,
  CompileUsageError,
  denoCompileArgs,
  parseCompileArgs,
} from "./compile/mod.ts";

const root = new URL("../", import.meta.url);
const buildInfoPath = new URL("src/build_info.ts", root);
const decoder = new TextDecoder();

async function git(args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command("git", { args, cwd: root, stderr: "null" }).output();
    return out.success ? decoder.decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

export async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseCompileArgs(args);
  } catch (err) {
    if (!(err instanceof CompileUsageError)) throw err;
    console.error(`${err.message}\n\n${compileUsage}`);
    return 2;
  }
  if (options.help) {
    console.log(compileUsage);
    return 0;
  }
  const denoJson = JSON.parse(await Deno.readTextFile(new URL("deno.json", root)));
  const info = {
    version: options.version ?? String(denoJson.version),
    commit: options.commit ?? commitLabel(
      await git(["rev-parse", "--short=12", "HEAD"]),
      ((await git(["status", "--porcelain", "--untracked-files=no"])) ?? "") !== "",
    ),
    date: options.date ?? buildDate(new Date(), Deno.env.get("SOURCE_DATE_EPOCH")),
  };
  const outDir = resolve(fileURLToPath(root), options.outDir);
  await Deno.mkdir(outDir, { recursive: true });

  const original = await Deno.readTextFile(buildInfoPath);
  const restore = () => Deno.writeTextFileSync(buildInfoPath, original);
  const onInterrupt = () => {
    restore();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  const built: { name: string; sha256: string }[] = [];
  try {
    await Deno.writeTextFile(buildInfoPath, buildInfoSource(info));
    console.log(`ongoingai ${info.version} (${info.commit}, ${info.date})`);
    for (const target of options.targets) {
      console.log(`compiling ${target.triple} -> ${join(outDir, target.output)}`);
      const out = await new Deno.Command(Deno.execPath(), {
        args: denoCompileArgs(target, outDir),
        cwd: root,
        stdout: "inherit",
        stderr: "piped",
      }).output();
      const stderr = decoder.decode(out.stderr);
      if (!out.success) {
        console.error(stderr);
        console.error(`error: ${compileFailureHint(stderr, target) ?? "deno compile failed"}`);
        return 1;
      }
      built.push({ name: target.output, sha256: await sha256(join(outDir, target.output)) });
    }
  } finally {
    restore();
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
  const checksums = join(outDir, "checksums.txt");
  await Deno.writeTextFile(checksums, checksumsText(built));
  console.log(`wrote ${built.length} binaries and ${checksums}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
