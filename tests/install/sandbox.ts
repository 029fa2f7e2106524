/**
 * Runs the real install.sh the way a user's shell would, but inside a throwaway directory: its own
 * HOME and TMPDIR, and a PATH holding only symlinks to the tools a case allows plus a stub `uname`
 * that reports the platform under test. Nothing from the developer's environment leaks in.
 */
import { fileURLToPath } from "node:url";

export const installScript = fileURLToPath(new URL("../../install.sh", import.meta.url));

/** What install.sh needs besides a downloader and a hasher. */
export const baseTools = [
  "awk",
  "cat",
  "chmod",
  "cp",
  "dirname",
  "mkdir",
  "mktemp",
  "mv",
  "rm",
  "sed",
  "tail",
] as const;

/** The host's copy of a tool, found on the test process's PATH. */
export function hostTool(name: string): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = `${dir}/${name}`;
    try {
      const info = Deno.statSync(candidate);
      if (info.isFile && ((info.mode ?? 0) & 0o111) !== 0) return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

export interface Sandbox {
  root: string;
  home: string;
  tmp: string;
  /** The only directory on the installer's PATH. */
  bin: string;
  remove(): Promise<void>;
}

/**
 * World-readable (and TMPDIR world-writable) so an unprivileged user can run the script in it;
 * HOME belongs to `owner` when given, as a real user's home would.
 */
export async function makeSandbox(owner?: { uid: number; gid: number }): Promise<Sandbox> {
  const root = await Deno.makeTempDir({ prefix: "ongoingai-install-test-" });
  await Deno.chmod(root, 0o755);
  const home = `${root}/home`;
  const tmp = `${root}/tmp`;
  const bin = `${root}/bin`;
  await Deno.mkdir(home);
  await Deno.mkdir(tmp);
  await Deno.chmod(tmp, 0o1777);
  await Deno.mkdir(bin, { mode: 0o755 });
  if (owner) await Deno.chown(home, owner.uid, owner.gid);
  return { root, home, tmp, bin, remove: () => Deno.remove(root, { recursive: true }) };
}

/**
 * Fills the sandbox's PATH directory: symlinks to exactly `tools`, and a `uname` stub printing
 * `os` for -s and `arch` for -m. Fails loudly when the host lacks a tool a case needs.
 */
export async function provideTools(
  sandbox: Sandbox,
  tools: readonly string[],
  platform: { os: string; arch: string },
): Promise<void> {
  for (const name of tools) {
    const target = hostTool(name);
    if (target === undefined) throw new Error(`this test needs ${name} on PATH`);
    await Deno.symlink(target, `${sandbox.bin}/${name}`);
  }
  const uname =
    `#!/bin/sh\ncase "\${1:-}" in\n  -s) echo '${platform.os}' ;;\n  -m) echo '${platform.arch}' ;;\n  *) echo 'unexpected uname arguments: $*' >&2; exit 1 ;;\nesac\n`;
  await Deno.writeTextFile(`${sandbox.bin}/uname`, uname, { mode: 0o755 });
}

export interface InstallRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  shell?: string;
  /** ONGOINGAI_* variables and any other additions; PATH, HOME and TMPDIR come from the sandbox. */
  env?: Record<string, string>;
  /** Extra PATH entries after the sandbox's tool directory. */
  extraPath?: string[];
  /** Run as this command prefix (for example setpriv dropping to an unprivileged user). */
  asUser?: string[];
  /** Run this copy of install.sh (an unprivileged user may not be able to read the checkout). */
  script?: string;
  /** Feed the script on stdin, as `curl ... | sh` does, instead of naming the file. */
  viaStdin?: boolean;
}

export async function runInstaller(sandbox: Sandbox, opts: RunOptions = {}): Promise<InstallRun> {
  const shell = opts.shell ?? hostTool("sh");
  if (shell === undefined) throw new Error("no sh on PATH");
  const script = opts.script ?? installScript;
  const argv = [...(opts.asUser ?? []), shell, ...(opts.viaStdin ? [] : [script])];
  const [program, ...args] = argv;
  const child = new Deno.Command(program ?? shell, {
    args,
    cwd: sandbox.home,
    clearEnv: true,
    env: {
      PATH: [sandbox.bin, ...(opts.extraPath ?? [])].join(":"),
      HOME: sandbox.home,
      TMPDIR: sandbox.tmp,
      ...opts.env,
    },
    stdin: opts.viaStdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (opts.viaStdin) {
    const writer = child.stdin.getWriter();
    await writer.write(await Deno.readFile(script));
    await writer.close();
  }
  const out = await child.output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/** Names in a directory, sorted; empty when it does not exist. */
export async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) names.push(entry.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names.sort();
}
