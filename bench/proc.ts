/**
 * Child processes of the harness. Every process the harness starts is registered here, so that
 * one call stops them all whatever ended the run: success, a failed scenario, or Ctrl-C.
 */
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../", import.meta.url));
export const benchDir = fileURLToPath(new URL("./", import.meta.url));
const startupDeadlineMs = 30_000;
const logTailBytes = 64 * 1024;

export interface Child {
  name: string;
  pid: number;
  exited: boolean;
  /** The last bytes the process wrote to stderr (logs of a failure). */
  logs(): string;
  /** Resolves with the exit code. */
  status: Promise<number>;
  /** Everything written to stdout, when it was captured. */
  stdout: Promise<string>;
  /** Sends `signal` (default SIGTERM), then SIGKILL after `graceMs`; resolves with the code. */
  stop(signal?: Deno.Signal, graceMs?: number): Promise<number>;
}

const running = new Set<Child>();

function childEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  // MALLOC_*: glibc allocator settings an operator may try on the gateway (issue 23: memory).
  for (
    const name of ["PATH", "HOME", "DENO_DIR", "TMPDIR", "LANG", "SYSTEMROOT", "MALLOC_ARENA_MAX"]
  ) {
    const v = Deno.env.get(name);
    if (v !== undefined) env[name] = v;
  }
  return env;
}

/** Keeps only the end of a stream, so that a chatty child cannot grow the harness's memory. */
async function drainTail(stream: ReadableStream<Uint8Array>, keep: { text: string }) {
  const dec = new TextDecoder();
  for await (const chunk of stream) {
    keep.text += dec.decode(chunk, { stream: true });
    if (keep.text.length > logTailBytes) keep.text = keep.text.slice(-logTailBytes);
  }
}

/** Calls `onLine` with each line of `stream`; a line longer than `maxLineBytes` is skipped. */
async function eachLine(stream: ReadableStream<Uint8Array>, onLine: (line: string) => void) {
  const maxLineBytes = 1024 * 1024;
  const dec = new TextDecoder();
  let pending = "";
  for await (const chunk of stream) {
    const lines = (pending + dec.decode(chunk, { stream: true })).split("\n");
    pending = lines.pop() ?? "";
    if (pending.length > maxLineBytes) pending = "";
    for (const line of lines) onLine(line);
  }
  if (pending !== "") onLine(pending);
}

export interface SpawnOptions {
  captureStdout?: boolean;
  /** Each line of stdout as it comes (instead of `captureStdout`). */
  onStdoutLine?: (line: string) => void;
  cwd?: string;
}

export function spawn(
  name: string,
  cmd: string,
  args: string[],
  opts: SpawnOptions = {},
): Child {
  const proc = new Deno.Command(cmd, {
    args,
    cwd: opts.cwd ?? repoRoot,
    stdin: "null",
    stdout: opts.captureStdout || opts.onStdoutLine ? "piped" : "null",
    stderr: "piped",
    // No ONGOINGAI_* or OTEL_* from the developer's shell: they would change the gateway's config.
    env: childEnv(),
    clearEnv: true,
  }).spawn();
  const tail = { text: "" };
  const drained = drainTail(proc.stderr, tail).catch(() => {});
  const lines = opts.onStdoutLine;
  const stdout = lines !== undefined
    ? eachLine(proc.stdout, lines).catch(() => {}).then(() => "")
    : opts.captureStdout
    ? new Response(proc.stdout).text()
    : Promise.resolve("");
  const child: Child = {
    name,
    pid: proc.pid,
    exited: false,
    logs: () => tail.text,
    stdout,
    status: proc.status.then(async (s) => {
      child.exited = true;
      running.delete(child);
      await drained;
      return s.code;
    }),
    async stop(signal = "SIGTERM", graceMs = 10_000) {
      if (child.exited) return await child.status;
      try {
        proc.kill(signal);
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          if (!child.exited) proc.kill("SIGKILL");
        } catch { /* already gone */ }
      }, graceMs);
      const code = await child.status;
      clearTimeout(timer);
      return code;
    },
  };
  running.add(child);
  return child;
}

/** `deno run -A` of a module, with the flags the gateway is released with. */
export function spawnDeno(
  name: string,
  module: string,
  args: string[],
  opts: SpawnOptions & { v8Flags?: string } = {},
): Child {
  return spawn(name, Deno.execPath(), [
    "run",
    "-A",
    "--unstable-no-legacy-abort",
    ...(opts.v8Flags ? [`--v8-flags=${opts.v8Flags}`] : []),
    module,
    ...args,
  ], opts);
}

/** Things that are not child processes of the harness (a PostgreSQL cluster) but must stop too. */
const cleanups = new Set<() => Promise<void>>();

/** Registers `fn` to run in `stopAll`; the returned function unregisters it. */
export function onStopAll(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** Stops every child still running: SIGTERM first, SIGKILL for those that do not exit. */
export async function stopAll(): Promise<void> {
  await Promise.all([
    ...[...running].map((c) => c.stop("SIGTERM", 3_000)),
    ...[...cleanups].map((fn) => fn().catch(() => {})),
  ]);
  cleanups.clear();
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Waits until `url` answers 200, failing early when the child exits. */
export async function waitReady(child: Child, url: string): Promise<void> {
  const deadline = Date.now() + startupDeadlineMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exited) {
      throw new Error(`${child.name} exited during startup:\n${child.logs().slice(-2000)}`);
    }
    try {
      const res = await fetch(url);
      await res.body?.cancel();
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${child.name} did not answer ${url} within ${startupDeadlineMs} ms (${last})`);
}

export async function commandOutput(cmd: string, args: string[]): Promise<string | null> {
  try {
    // Exit codes vary (`wrk -v` exits 1); the text is what matters.
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return (dec.decode(out.stdout) + dec.decode(out.stderr)).trim();
  } catch {
    return null;
  }
}
