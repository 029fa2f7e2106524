/**
 * Running the real CLI as a user would: a subprocess with a clean environment, output captured,
 * and helpers to wait for a server to come up without timing assumptions.
 */
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const mainModule = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
const startupDeadlineMs = 30_000;

/** Only what Deno needs to run: no ONGOINGAI_* or OTEL_* from the developer's shell. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "SYSTEMROOT", "TMPDIR", "TEMP"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) env[name] = v;
  }
  return { ...env, ...extra };
}

/** `deno run` of a module (src/main.ts or a bundle) with the flags a release build bakes in. */
export function cliCommand(
  args: string[],
  opts: {
    cwd: string;
    env?: Record<string, string>;
    module?: string;
    stdin?: "piped" | "null";
    /** More flags for `deno run` (a test's own, such as --inspect); none in a release build. */
    denoFlags?: readonly string[];
  },
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...(opts.module === undefined ? [] : ["--no-config"]),
      ...(opts.denoFlags ?? []),
      "--unstable-no-legacy-abort",
      opts.module ?? mainModule,
      ...args,
    ],
    cwd: opts.cwd,
    env: cleanEnv(opts.env),
    clearEnv: true,
    stdin: opts.stdin ?? "null",
    stdout: "piped",
    stderr: "piped",
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCliProcess(
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; module?: string; input?: string },
): Promise<CliResult> {
  const command = cliCommand(args, { ...opts, stdin: opts.input === undefined ? "null" : "piped" });
  let out: Deno.CommandOutput;
  if (opts.input === undefined) out = await command.output();
  else {
    const child = command.spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(opts.input));
    await writer.close();
    out = await child.output();
  }
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

/**
 * A port for a gateway the test starts later. Taken below the kernel's ephemeral range (Linux:
 * 32768-60999): a port 0 listener's port, once closed, could be handed to one of the many client
 * sockets of the parallel suite before `serve` binds it, and `serve` then fails to start while
 * another process answers on that port (seen once in CI as "connection closed before message
 * completed"). A random port in 20000-32767 that binds now is free of that race.
 */
export function freePort(): number {
  for (let i = 0; i < 64; i++) {
    const port = 20000 + Math.floor(Math.random() * 12768);
    try {
      Deno.listen({ hostname: "127.0.0.1", port }).close();
      return port;
    } catch {
      // Taken: try another.
    }
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Calls `probe` until it returns a value, or fails after a generous deadline. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + startupDeadlineMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not happen within ${startupDeadlineMs} ms (${String(lastError)})`);
}

export interface ServerProcess {
  origin: string;
  /** The gateway's process id (its memory is read from /proc/<pid>/status). */
  pid: number;
  /** Sends the signal and resolves with the exit code and everything logged. */
  stop(signal?: Deno.Signal): Promise<{ code: number; logs: string }>;
  /** Kills the process if a test failed before stopping it. */
  kill(): Promise<void>;
}

/** Starts `serve` and waits until `/api/health` answers. */
export async function startServer(
  args: string[],
  opts: {
    cwd: string;
    port: number;
    env?: Record<string, string>;
    module?: string;
    denoFlags?: readonly string[];
  },
): Promise<ServerProcess> {
  const child = cliCommand(["serve", ...args], opts).spawn();
  const logs = new Response(child.stderr).text();
  const stdout = new Response(child.stdout).text();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const origin = `http://127.0.0.1:${opts.port}`;
  try {
    await poll("the gateway answering GET /api/health", async () => {
      if (exited) throw new Error(`serve exited early:\n${await logs}`);
      const res = await fetch(`${origin}/api/health`);
      await res.body?.cancel();
      return res.ok ? true : undefined;
    });
  } catch (err) {
    if (!exited) child.kill("SIGKILL");
    await status;
    throw err;
  }
  return {
    origin,
    pid: child.pid,
    async stop(signal = "SIGTERM") {
      child.kill(signal);
      const { code } = await status;
      await stdout;
      return { code, logs: await logs };
    },
    async kill() {
      if (!exited) child.kill("SIGKILL");
      await status;
      await logs;
      await stdout;
    },
  };
}
