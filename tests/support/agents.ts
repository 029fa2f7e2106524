/**
 * The real coding agents in tests: where their native binaries are (installed from npm by
 * `deno task test`, see scripts/test/agents.ts), and running one the way a developer would, in a
 * sandbox that cannot touch the developer's own setup: a temporary HOME and CODEX_HOME, a
 * temporary working folder, stdin from /dev/null, an environment cleared down to what is needed,
 * and a time bound after which the whole process group is killed.
 *
 * Tests that use the agents must skip loudly when they are missing:
 *
 *     const codex = await findAgent("codex");
 *     Deno.test({ name, ignore: "skip" in codex, fn: ... });
 */
import { join } from "node:path";
import {
  agentsDirVariable,
  agentsSkippedVariable,
  defaultInstallDir,
  installedKey,
  lockKey,
} from "../../scripts/test/agents.ts";
import { mainModule } from "./process.ts";

export type AgentName = "codex" | "claude" | "opencode" | "gemini";

/** npm's names for this platform (`process.platform`, `process.arch`). */
function npmPlatform(): { os: string; cpu: string } | null {
  const os = ({ linux: "linux", darwin: "darwin", windows: "win32" } as Record<string, string>)[
    Deno.build.os
  ];
  const cpu = ({ x86_64: "x64", aarch64: "arm64" } as Record<string, string>)[Deno.build.arch];
  return os && cpu ? { os, cpu } : null;
}

/** Codex's Rust target triple per npm platform (its launcher's table, bin/codex.js). */
const codexTriples: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-musl",
  "linux-arm64": "aarch64-unknown-linux-musl",
  "darwin-x64": "x86_64-apple-darwin",
  "darwin-arm64": "aarch64-apple-darwin",
  "win32-x64": "x86_64-pc-windows-msvc",
  "win32-arm64": "aarch64-pc-windows-msvc",
};

/**
 * Where each package puts its native binary: what the npm launchers (`@openai/codex`'s
 * bin/codex.js, `@anthropic-ai/claude-code`'s and `opencode-ai`'s postinstall) would run, run here
 * directly. opencode names Windows `windows`; tests/agents pins its linux-x64 package only.
 */
function candidates(name: AgentName, dir: string): string[] {
  const p = npmPlatform();
  if (p === null) return [];
  const platform = `${p.os}-${p.cpu}`;
  const exe = p.os === "win32" ? ".exe" : "";
  const modules = join(dir, "node_modules");
  if (name === "codex") {
    const triple = codexTriples[platform];
    if (triple === undefined) return [];
    return [
      join(modules, "@openai", `codex-${platform}`, "vendor", triple, "bin", `codex${exe}`),
    ];
  }
  // The Gemini CLI is a JavaScript bundle (its bin, run by `node` through its shebang).
  if (name === "gemini") return [join(modules, "@google", "gemini-cli", "bundle", "gemini.js")];
  if (name === "opencode") {
    const os = p.os === "win32" ? "windows" : p.os;
    return [join(modules, `opencode-${os}-${p.cpu}`, "bin", `opencode${exe}`)];
  }
  return ["", "-musl"].map((libc) =>
    join(modules, "@anthropic-ai", `claude-code-${platform}${libc}`, `claude${exe}`)
  );
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/** The agent's binary, or why there is none (for a loud `ignore:`). */
export async function findAgent(name: AgentName): Promise<{ path: string } | { skip: string }> {
  const skipped = Deno.env.get(agentsSkippedVariable);
  if (skipped) return { skip: `no coding agents: ${skipped}` };
  let dir = Deno.env.get(agentsDirVariable);
  if (!dir) {
    // Run outside `deno task test`: an earlier install is used when it is current.
    if ((await installedKey(defaultInstallDir)) !== (await lockKey())) {
      return {
        skip: `the coding agents are not installed or outdated in ${defaultInstallDir}; run ` +
          "the tests through `deno task test`, which installs them with npm",
      };
    }
    dir = defaultInstallDir;
  }
  for (const path of candidates(name, dir)) {
    if (!(await isFile(path))) continue;
    if (name === "gemini" && !(await nodeRuns())) {
      return { skip: "the Gemini CLI needs Node.js 20 or later (`node` on PATH), and none runs" };
    }
    return { path };
  }
  return { skip: `no ${name} binary for ${Deno.build.os}-${Deno.build.arch} under ${dir}` };
}

/** Whether a `node` of version 20 or later runs (the Gemini CLI's `engines`). */
async function nodeRuns(): Promise<boolean> {
  try {
    const out = await new Deno.Command("node", {
      args: ["--version"],
      stdout: "piped",
      stderr: "null",
      stdin: "null",
    }).output();
    const major = Number(/^v(\d+)\./.exec(new TextDecoder().decode(out.stdout))?.[1]);
    return out.success && major >= 20;
  } catch {
    return false;
  }
}

/** The path of the agent's runnable binary, or null (`findAgent` says why). */
export async function agentBinary(name: AgentName): Promise<string | null> {
  const found = await findAgent(name);
  return "path" in found ? found.path : null;
}

let denoDirCache: Promise<string> | null = null;

/**
 * Deno's cache folder, named explicitly: with another HOME, `deno run` would otherwise look for
 * (and download) every npm package again under that HOME.
 */
function denoDir(): Promise<string> {
  denoDirCache ??= (async () => {
    const given = Deno.env.get("DENO_DIR");
    if (given) return given;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
  })();
  return denoDirCache;
}

export interface AgentSandbox {
  /** The temporary HOME (CODEX_HOME is `<home>/.codex`). */
  home: string;
  /** The working folder the agent runs in. */
  cwd: string;
  /** A folder for files of the test's own (a config, a script). */
  files: string;
  /** The environment: only what the agents and `deno run` need, plus `extra`. */
  env(extra?: Record<string, string>): Promise<Record<string, string>>;
  remove(): Promise<void>;
}

export async function agentSandbox(): Promise<AgentSandbox> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-agents-" }));
  const home = join(root, "home");
  const cwd = join(root, "work");
  const files = join(root, "files");
  // Codex refuses a CODEX_HOME that does not exist.
  for (const dir of [join(home, ".codex"), cwd, files]) await Deno.mkdir(dir, { recursive: true });
  // The user's own Codex settings, which wrap's -c flags layer over: no update check on GitHub and
  // no analytics to ab.chatgpt.com from a test (neither is waited for; both fail quietly offline).
  await Deno.writeTextFile(
    join(home, ".codex", "config.toml"),
    "check_for_update_on_startup = false\n\n[analytics]\nenabled = false\n",
  );
  return {
    home,
    cwd,
    files,
    async env(extra = {}) {
      const env: Record<string, string> = {
        PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
        HOME: home,
        CODEX_HOME: join(home, ".codex"),
        DENO_DIR: await denoDir(),
        NO_COLOR: "1",
        // Claude Code: no telemetry, error reports or update checks from a test. Not
        // CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: it would also drop the HEAD /api/hello probe
        // that the gateway must trace without ranking it as a model.
        DISABLE_TELEMETRY: "1",
        DISABLE_ERROR_REPORTING: "1",
        DISABLE_AUTOUPDATER: "1",
      };
      const tmp = Deno.env.get("TMPDIR");
      if (tmp !== undefined) env.TMPDIR = tmp;
      return { ...env, ...extra };
    },
    remove: () => Deno.remove(root, { recursive: true }),
  };
}

export interface BoundedResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The time bound passed and the process group was killed. */
  timedOut: boolean;
}

/**
 * Runs a command in a process group of its own, stdin from /dev/null, and kills the whole group
 * (wrap, the agent and anything the agent started) if it is still running after `timeoutMs`.
 * The bound is a safety net against a hung agent, not a measurement.
 */
export async function runBounded(
  program: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string>; timeoutMs?: number },
): Promise<BoundedResult> {
  const child = new Deno.Command(program, {
    args,
    cwd: opts.cwd,
    env: opts.env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      Deno.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  }, opts.timeoutMs ?? 120_000);
  try {
    const out = await child.output();
    const text = new TextDecoder();
    return {
      code: out.code,
      stdout: text.decode(out.stdout),
      stderr: text.decode(out.stderr),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** `ongoingai wrap [--config FILE] [wrapArgs] -- <command...>` from the source, as a user runs it. */
export async function runWrap(
  sandbox: AgentSandbox,
  wrapArgs: string[],
  command: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<BoundedResult> {
  const args = [
    "run",
    "-A",
    "--unstable-no-legacy-abort",
    mainModule,
    "wrap",
    ...wrapArgs,
    "--",
    ...command,
  ];
  return await runBounded(Deno.execPath(), args, {
    cwd: sandbox.cwd,
    env: await sandbox.env(opts.env),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
  });
}
