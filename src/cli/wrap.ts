/**
 * `ongoingai wrap -- <command> [args]`: run a tool with its providers' base URLs (OpenAI,
 * Anthropic, and the cloud kinds the config has: providers/clients.ts) pointed at the gateway. The child gets our terminal, our signals and the parent environment
 * (plus the base URLs), and its exit code becomes ours.
 */
import { userInfo } from "node:os";
import { isDeveloperLabel } from "../traces/mod.ts";
import { parseFlags, UsageError } from "./args.ts";
import { clientBaseUrls, gatewayOrigin, offMachine } from "./base_urls.ts";
import { type CliCommand, exitCode } from "./io.ts";
import { loadOrReport } from "./load.ts";
import { exportLine, shellQuote } from "./shell_init.ts";
import { agentLaunch, programName, userHeaderName } from "./wrap_agents.ts";
import { geminiAuthNote, geminiSettingsPath } from "./wrap_gemini.ts";
import { claudeCloud, type ViaKind, viaKinds } from "./wrap_cloud.ts";

export const wrapSpec = {
  name: "wrap",
  summary: "Run a command with its clients' base URLs (OPENAI_BASE_URL, ...) set to the gateway",
  usage: "ongoingai wrap [--config PATH] [--force] [--print] [--user LABEL] " +
    "[--via bedrock|vertex [--region R] [--project P]] -- <command> [args...]",
  flags: [
    ["--print", "Show what would be set and run (sh syntax), and run nothing"],
    [
      "--user LABEL",
      "Developer label sent as X-OngoingAI-User; default: $ONGOINGAI_USER, login name",
    ],
    ["--config PATH", "Config file (.ts, .yaml, .yml or .json); a .ts is only read when named"],
    ["--force", "Run even if the base URLs leave this machine (server.host not loopback)"],
    [
      "--via KIND",
      "claude only: run Claude Code on bedrock or vertex through the gateway's provider of that kind",
    ],
    [
      "--region R",
      "With --via: the AWS region or Vertex location; default: the provider's upstream",
    ],
    [
      "--project P",
      "With --via vertex: the Google Cloud project; default: ANTHROPIC_VERTEX_PROJECT_ID",
    ],
  ],
} as const;

const usageLine = `usage: ${wrapSpec.usage}\n`;

const windows = Deno.build.os === "windows";
/**
 * Signals a terminal sends to its whole foreground process group (Ctrl-C, Ctrl-\, a resize):
 * the child, in the same group, already gets its own copy. Forwarding would deliver each twice,
 * and tools such as Claude Code or Aider quit on a second Ctrl-C; `wrap` only has to survive.
 */
const terminalSignals: Deno.Signal[] = windows
  ? ["SIGINT", "SIGBREAK"]
  : ["SIGINT", "SIGQUIT", "SIGWINCH"];
/** Signals aimed at `wrap` alone (`kill PID`, a supervisor): passed on to the child. */
const forwardedSignals: Deno.Signal[] = windows ? [] : ["SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"];

export const wrap: CliCommand = async (args, io) => {
  const dash = args.indexOf("--");
  const own = dash === -1 ? args : args.slice(0, dash);
  const command = dash === -1 ? [] : args.slice(dash + 1);
  const { values, positionals } = parseFlags("wrap", own, {
    config: { type: "string" },
    force: { type: "boolean" },
    print: { type: "boolean" },
    user: { type: "string" },
    via: { type: "string" },
    region: { type: "string" },
    project: { type: "string" },
  }, true);
  command.unshift(...positionals);
  if (command.length === 0) {
    io.stderr(usageLine);
    return exitCode.usage;
  }
  const via = viaFlag(values, command[0]!);
  const user = developerLabel(values.user, io.env);
  if (user.note !== null) io.stderr(`${user.note}\n`);
  const loaded = await loadOrReport(values.config, io, { explicitTs: { command: "wrap" } });
  if (loaded === null) return exitCode.failure;
  const { config } = loaded;
  // Before the probe too: the command would send its provider keys there.
  const away = offMachine(config, loaded.source);
  if (away !== null) {
    if (!values.force) {
      io.stderr(`wrap: refusing: ${away}. If that gateway is yours, run wrap --force\n`);
      return exitCode.failure;
    }
    io.stderr(`wrap: warning: ${away} (--force)\n`);
  }

  // With the older names too: Aider and older OpenAI clients read OPENAI_API_BASE.
  const baseUrls = clientBaseUrls(config, { aliases: true });
  const env: Record<string, string> = { ...io.env, ...baseUrls };
  // Agents that ignore the variables (Codex) get their own flags, and the label as they take it.
  const launch = agentLaunch(command, env, user.label);
  for (const note of launch.notes) io.stderr(`${note}\n`);
  if (programName(command[0]!) === "gemini" && env.GOOGLE_GEMINI_BASE_URL !== undefined) {
    const note = geminiAuthNote(command, await readIfAny(geminiSettingsPath(env)));
    if (note !== null) io.stderr(`${note}\n`);
  }
  Object.assign(env, launch.env);
  command.splice(0, command.length, ...launch.command);
  const origin = gatewayOrigin(config.server.host, config.server.port);
  const cloud = claudeCloud(via, config.providers, origin, values, env, command[0]!);
  if ("message" in cloud) {
    io.stderr(`${cloud.message}\n`);
    return exitCode.failure;
  }
  for (const note of cloud.notes) io.stderr(`${note}\n`);
  for (const name of cloud.unset) delete env[name];
  Object.assign(env, cloud.set);
  if (values.print) {
    io.stdout(
      printed(
        { ...baseUrls, ...launch.env, ...cloud.set },
        command,
        launch.printNotes,
        cloud.unset,
      ),
    );
    return exitCode.ok;
  }

  if (!(await gatewayAnswers(origin))) {
    io.stderr(
      `ongoingai: warning: no gateway answers at ${origin}; start one with \`ongoingai serve\` in another terminal, or requests from the command will fail\n`,
    );
  }

  // Listen before spawning: a signal that arrives while the child starts must reach it too.
  let child: Deno.ChildProcess | null = null;
  const listen = (signal: Deno.Signal, handler: () => void) => {
    try {
      Deno.addSignalListener(signal, handler);
      return [[signal, handler] as const];
    } catch {
      return [];
    }
  };
  const listeners = [
    ...terminalSignals.flatMap((signal) => listen(signal, () => {})),
    ...forwardedSignals.flatMap((signal) =>
      listen(signal, () => {
        try {
          child?.kill(signal);
        } catch { /* the child already exited */ }
      })
    ),
  ];
  const removeListeners = () => {
    for (const [signal, forward] of listeners) Deno.removeSignalListener(signal, forward);
  };
  try {
    child = new Deno.Command(command[0]!, {
      args: command.slice(1),
      env,
      clearEnv: true,
      cwd: io.cwd,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
  } catch (err) {
    removeListeners();
    const failed = startFailure(command[0]!, err);
    io.stderr(`${failed.message}\n`);
    return failed.code;
  }

  const status = await child.status;
  removeListeners();
  // A child killed by a signal exits as shells report it: 128 + signal number.
  return status.signal === null ? status.code : 128 + signalNumber(status.signal);
};

/**
 * A command that could not be started exits as a shell reports it, so scripts and agents that
 * test for it keep working under `wrap`: 127 when there is no such command, 126 when it was
 * found but cannot be run (not executable, a directory, a bad binary).
 */
function startFailure(name: string, err: unknown): { code: 126 | 127; message: string } {
  if (err instanceof Deno.errors.NotFound) {
    const where = name.includes("/") ? "no such file" : "not found in PATH";
    return { code: 127, message: `wrap: ${name}: command not found (${where})` };
  }
  const reason = err instanceof Deno.errors.PermissionDenied
    ? "permission denied (not an executable file)"
    : err instanceof Error
    ? err.message
    : String(err);
  return { code: 126, message: `wrap: ${name}: cannot run: ${reason}` };
}

/**
 * `--print`: the variables as `export` lines and the command as one line, each word quoted;
 * what could not be attached as `#` comments first.
 */
function printed(
  vars: Record<string, string>,
  command: readonly string[],
  notes: readonly string[],
  unset: readonly string[] = [],
): string {
  const comments = notes.map((note) => `# ${note.replaceAll("\n", " ")}\n`);
  const unsets = unset.map((name) => `unset ${name}\n`);
  const exports = Object.entries(vars).map(([name, value]) => exportLine(name, value, "sh"));
  return comments.join("") + unsets.join("") + exports.join("") +
    command.map((word) => shellQuote(word, "sh")).join(" ") + "\n";
}

/**
 * `--via KIND` checked: one of the cloud kinds, for Claude Code only; `--region` and `--project`
 * only with it. Null without `--via`.
 */
function viaFlag(
  values: { via?: string | undefined; region?: string | undefined; project?: string | undefined },
  program: string,
): ViaKind | null {
  if (values.via === undefined) {
    if (values.region !== undefined || values.project !== undefined) {
      throw new UsageError("--region and --project go with --via bedrock|vertex");
    }
    return null;
  }
  const kind = viaKinds.find((k) => k === values.via);
  if (kind === undefined) {
    throw new UsageError(`invalid --via ${JSON.stringify(values.via)}: bedrock or vertex`);
  }
  if (programName(program) !== "claude") {
    throw new UsageError(
      `--via ${kind} is for Claude Code (wrap --via ${kind} -- claude ...), not ${program}`,
    );
  }
  if (kind === "bedrock" && values.project !== undefined) {
    throw new UsageError("--project goes with --via vertex");
  }
  return kind;
}

/**
 * The developer label: `--user`, else `ONGOINGAI_USER`, else the login name; empty means none.
 * A bad `--user` is a usage error; a bad default is skipped with a note (wrap still runs).
 */
export function developerLabel(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  login: () => string | null = loginName,
): { label: string | null; note: string | null } {
  const raw = (flag ?? env.ONGOINGAI_USER ?? login() ?? "").trim();
  if (raw === "") return { label: null, note: null };
  if (isDeveloperLabel(raw)) return { label: raw, note: null };
  const why = `up to 64 letters, digits, spaces and . _ @ + - (got ${JSON.stringify(raw)})`;
  if (flag !== undefined) throw new UsageError(`invalid --user: ${why}`);
  return {
    label: null,
    note: `wrap: warning: no ${userHeaderName} sent: the default label must be ${why}; ` +
      "set ONGOINGAI_USER or pass --user",
  };
}

function loginName(): string | null {
  try {
    return userInfo().username;
  } catch {
    return null;
  }
}

/** A small text file's content, or null when it is absent or unreadable. */
async function readIfAny(path: string | null): Promise<string | null> {
  if (path === null) return null;
  try {
    const file = await Deno.open(path);
    try {
      // Settings files are a few KB; the hint needs no more than the first 256 KiB.
      const buf = new Uint8Array(256 * 1024);
      const n = await file.read(buf);
      return n === null ? "" : new TextDecoder().decode(buf.subarray(0, n));
    } finally {
      file.close();
    }
  } catch {
    return null;
  }
}

async function gatewayAnswers(origin: string): Promise<boolean> {
  try {
    const res = await fetch(`${origin}/api/health`, { signal: AbortSignal.timeout(800) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

const signalNumbers: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGTERM: 15,
};

function signalNumber(signal: Deno.Signal): number {
  return signalNumbers[signal] ?? 1;
}
