/**
 * The coding agents' own binaries for the end-to-end tests (Codex, Claude Code, opencode and the
 * Gemini CLI from npm, pinned in tests/agents/package-lock.json): installed with
 * `npm ci --ignore-scripts` into `.cache/agents/` (git-ignored) when missing or when the lock
 * changed, keyed on a hash of the manifest and the lock. The install scripts are not run: the
 * tests execute each package's native binary directly (no postinstall copying 400 MB), as
 * tests/support/agents.ts finds it; the Gemini CLI, a JavaScript bundle, is run by the `node`
 * the npm that installs it comes with (its test skips loudly without Node.js 20 or later).
 *
 * The packages are about 440 MB to download and 1.1 GB on disk, so `deno task test` installs them
 * only when the test files it runs use them (they import tests/support/agents.ts).
 */
import { fileURLToPath } from "node:url";
import { join, relative, resolve } from "node:path";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** Where the pinned manifest and lock live (committed). */
export const manifestDir = join(repoRoot, "tests", "agents");
/** Where they are installed (git-ignored). */
export const defaultInstallDir = join(repoRoot, ".cache", "agents");
/** The installed copy's key: the hash of the manifest and lock it was installed from. */
export const stampName = ".installed-lock-sha256";

/** Where the agents are, for the tests (set by scripts/test.ts). */
export const agentsDirVariable = "ONGOINGAI_TEST_AGENTS_DIR";
/** Why the agent tests are skipped (set by scripts/test.ts, or by the caller to skip on purpose). */
export const agentsSkippedVariable = "ONGOINGAI_TEST_AGENTS_SKIPPED";

/** An import of tests/support/agents.ts: its importers need the agents installed. */
const importsSupport = /(?:from|import)\s*\(?\s*["'][^"'\n]*\/support\/agents\.ts["']/;
/** Bounds for the scan of test files: a test tree is far smaller. */
const maxScannedFiles = 5_000;
const installTimeoutMs = 15 * 60_000;

const decoder = new TextDecoder();

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The key of the pinned set: changes whenever package.json or the lock does. */
export async function lockKey(dir = manifestDir): Promise<string> {
  const manifest = await Deno.readFile(join(dir, "package.json"));
  const lock = await Deno.readFile(join(dir, "package-lock.json"));
  const joined = new Uint8Array(manifest.byteLength + 1 + lock.byteLength);
  joined.set(manifest);
  joined.set(lock, manifest.byteLength + 1);
  return await sha256Hex(joined);
}

/** The key the installed copy was made from, or null when there is none. */
export async function installedKey(installDir = defaultInstallDir): Promise<string | null> {
  try {
    return (await Deno.readTextFile(join(installDir, stampName))).trim();
  } catch {
    return null;
  }
}

/** The `*_test.ts` files under `paths` (files or folders), bounded. */
async function testFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  const visit = async (path: string): Promise<void> => {
    if (out.length >= maxScannedFiles) return;
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch {
      return;
    }
    if (info.isFile) {
      if (/_test\.(ts|tsx|js|mjs)$/.test(path)) out.push(path);
      return;
    }
    if (!info.isDirectory) return;
    for await (const entry of Deno.readDir(path)) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      await visit(join(path, entry.name));
    }
  };
  for (const p of paths) await visit(p);
  return out;
}

/**
 * Whether the `deno test` arguments select a test file that imports tests/support/agents.ts.
 * `testArgs` are the arguments scripts/test.ts passes to `deno test` (paths among flags).
 */
export async function needsAgents(testArgs: string[], cwd = Deno.cwd()): Promise<boolean> {
  const paths = testArgs.filter((a) => !a.startsWith("-") && a !== "test").map((a) =>
    resolve(cwd, a)
  );
  for (const file of await testFiles(paths)) {
    if (importsSupport.test(await Deno.readTextFile(file))) return true;
  }
  return false;
}

export type AgentsInstall =
  | { dir: string; installedSeconds: number | null }
  | { failed: string };

async function npmVersion(npm: string): Promise<string | null> {
  try {
    const out = await new Deno.Command(npm, {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).output();
    return out.success ? decoder.decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/**
 * What npm said went wrong, in one line: its `npm error` lines without the stack, the object dump
 * and the generic advice ("code ECONNREFUSED | FetchError: request to ... failed"), else the
 * last lines of its output.
 */
export function npmComplaint(output: string): string {
  const lines = output.split("\n").map((l) => l.trim());
  const told = lines.filter((l) => l.startsWith("npm error")).map((l) =>
    l.replace(/^npm error\s*/, "")
  ).filter((l) =>
    l !== "" && !/^at /.test(l) && !/^[{}]/.test(l) && !/^\w+: ['\d]/.test(l) &&
    !/^(syscall|errno) /.test(l) && !l.startsWith("A complete log") &&
    !l.startsWith("If you are behind a proxy")
  );
  if (told.length > 0) return told.slice(0, 2).join(" | ");
  return lines.filter((l) => l !== "").slice(-3).join(" | ");
}

/**
 * Makes `installDir` hold the pinned agents: nothing to do when its stamp matches the lock;
 * otherwise `npm ci` into a fresh sibling folder, which replaces the old copy only once complete
 * (an interrupted install leaves the old copy or nothing, never half of one).
 */
export async function ensureAgents(
  { installDir = defaultInstallDir, source = manifestDir, npm = "npm" } = {},
): Promise<AgentsInstall> {
  const key = await lockKey(source);
  if ((await installedKey(installDir)) === key) return { dir: installDir, installedSeconds: null };
  if ((await npmVersion(npm)) === null) {
    return { failed: "npm is not installed (Node.js's package manager installs the agents)" };
  }
  const staging = `${installDir}.staging-${Deno.pid}`;
  await Deno.remove(staging, { recursive: true }).catch(() => {});
  await Deno.mkdir(staging, { recursive: true });
  try {
    for (const name of ["package.json", "package-lock.json"]) {
      await Deno.copyFile(join(source, name), join(staging, name));
    }
    const t0 = performance.now();
    const out = await new Deno.Command(npm, {
      args: [
        "ci",
        "--ignore-scripts",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        // Without a network npm would retry for over a minute before giving up; a few seconds
        // say as much, and two retries still ride out a dropped connection.
        "--fetch-retries=2",
        "--fetch-retry-mintimeout=1000",
        "--fetch-retry-maxtimeout=5000",
      ],
      cwd: staging,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(installTimeoutMs),
    }).output();
    if (!out.success) {
      const why = npmComplaint(`${decoder.decode(out.stdout)}\n${decoder.decode(out.stderr)}`);
      return { failed: `npm ci failed (exit ${out.code}): ${why}` };
    }
    const seconds = (performance.now() - t0) / 1000;
    await Deno.writeTextFile(join(staging, stampName), `${key}\n`);
    await Deno.remove(installDir, { recursive: true }).catch(() => {});
    try {
      await Deno.rename(staging, installDir);
    } catch (err) {
      // Another test run installed the same lock in the meantime: its copy is as good.
      if ((await installedKey(installDir)) !== key) throw err;
    }
    return { dir: installDir, installedSeconds: seconds };
  } catch (err) {
    return { failed: `installing with npm ci failed: ${err instanceof Error ? err.message : err}` };
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

export function agentsSkipBanner(reason: string): string {
  const line = "!".repeat(100);
  return [
    line,
    `!! Coding-agent tests (real Codex, Claude Code, opencode and Gemini CLI under wrap) SKIPPED: ${reason}`,
    `!! they need npm and the npm registry once: npm ci of ${
      relative(repoRoot, manifestDir)
    }/package-lock.json (about 440 MB)`,
    line,
  ].join("\n");
}

/**
 * What scripts/test.ts does about the agents for one run: the variables for the tests, and the
 * banner to print before and after them when the agent tests are skipped.
 */
export async function prepareAgents(
  testArgs: string[],
  log: (line: string) => void,
): Promise<{ env: Record<string, string>; banner: string | null }> {
  const preset = Deno.env.get(agentsSkippedVariable);
  if (preset) return { env: {}, banner: agentsSkipBanner(preset) };
  if (!(await needsAgents(testArgs))) return { env: {}, banner: null };
  const where = relative(repoRoot, defaultInstallDir);
  if ((await installedKey()) !== (await lockKey())) {
    log(`installing the coding agents for the e2e tests into ${where} (npm ci, about 440 MB)`);
  }
  const result = await ensureAgents();
  if ("failed" in result) {
    return {
      env: { [agentsSkippedVariable]: result.failed },
      banner: agentsSkipBanner(result.failed),
    };
  }
  if (result.installedSeconds !== null) {
    log(`coding agents installed in ${where} in ${result.installedSeconds.toFixed(1)}s`);
  }
  return { env: { [agentsDirVariable]: result.dir }, banner: null };
}
