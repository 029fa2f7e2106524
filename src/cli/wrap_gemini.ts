/**
 * What `wrap` adds for the Gemini CLI (`@google/gemini-cli`, checked with 0.61.0). Pure, as
 * wrap_agents.ts.
 *
 * The CLI reads `GOOGLE_GEMINI_BASE_URL` (wrap sets it for every command when the config has a
 * `gemini` provider) and sends `GEMINI_API_KEY` as `x-goog-api-key`. Extra headers come from
 * `GEMINI_CLI_CUSTOM_HEADERS`: comma-separated `Name: value` pairs (its
 * `utils/customHeaderUtils.ts` splits at a comma followed by `name:`), sent on every request to
 * the base URL whatever the auth type: the developer label goes there, appended to the user's own
 * pairs (where a gateway key of theirs may be).
 *
 * The CLI sends no session id of its own (measured: no header, nothing in the body). Its
 * `--session-id <id>` starts a session with an id given from outside, so for a headless run
 * (`-p`/`--prompt`) wrap picks one, passes it, and sends it as `X-OngoingAI-Session-Id`: the
 * trace's session is the `session_id` the CLI prints. Not for interactive sessions, where `/clear`
 * and `/resume` change the CLI's session while the header would stay; nor when the user names the
 * session (`--resume`, `--session-file`), except `--session-id`, whose id is then sent as given.
 */
import type { AgentLaunch } from "./wrap_agents.ts";

/** The header carrying the developer label (traces/agent_identity.ts reads it). */
const userHeaderName = "X-OngoingAI-User";
const sessionHeaderName = "X-OngoingAI-Session-Id";

/** The CLI's subcommands (0.61.0's `commandModules`): they start no chat session. */
const subcommands = new Set([
  "mcp",
  "extensions",
  "extension",
  "skills",
  "skill",
  "hooks",
  "gemma",
]);
/** The CLI's own check of a `--session-id` value. */
const sessionIdPattern = /^[A-Za-z0-9_-]{1,128}$/;

/** The header names in a `GEMINI_CLI_CUSTOM_HEADERS` value, lower-cased (its own split). */
function headerNames(value: string): Set<string> {
  return new Set(
    value.split(/,(?=\s*[^,:]+:)/).map((entry) => entry.split(":", 1)[0]!.trim().toLowerCase()),
  );
}

/** The value of a flag given as `--name value` or `--name=value`; undefined when absent. */
function flagValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return undefined;
    if (arg === name) return args[i + 1] ?? "";
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

function hasFlag(args: readonly string[], ...names: string[]): boolean {
  return names.some((name) => flagValue(args, name) !== undefined);
}

/**
 * The session to name for this run: the user's `--session-id`, or a new one (`newId`) to add
 * for a headless run; null when the run's session cannot be known from outside.
 */
function runSession(
  args: readonly string[],
  newId: () => string,
): { id: string; add: boolean } | null {
  const given = flagValue(args, "--session-id");
  if (given !== undefined) {
    return sessionIdPattern.test(given.trim()) ? { id: given.trim(), add: false } : null;
  }
  if (hasFlag(args, "--resume", "-r", "--session-file")) return null;
  const first = args.find((a) => !a.startsWith("-"));
  if (first !== undefined && subcommands.has(first) && args.indexOf(first) === 0) return null;
  return hasFlag(args, "-p", "--prompt") ? { id: newId(), add: true } : null;
}

/**
 * `user`: the developer label to attach (already checked), or null for none. `newId` makes the
 * session id of a headless run (a random UUID by default).
 */
export function geminiLaunch(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  user: string | null,
  newId: () => string = () => crypto.randomUUID(),
): AgentLaunch {
  const [program, ...rest] = command as [string, ...string[]];
  const plain: AgentLaunch = { command: [...command], notes: [], env: {}, printNotes: [] };
  if (env.GOOGLE_GEMINI_BASE_URL === undefined) {
    return {
      ...plain,
      notes: [
        "wrap: the config has no gemini provider, so the Gemini CLI is not pointed at the gateway",
      ],
    };
  }
  const notes = env.GEMINI_API_KEY?.trim() ? [] : [
    "wrap: the Gemini CLI sends the key in GEMINI_API_KEY through the gateway, and it is not set: " +
    "set it to your Gemini API key (a Google login is not sent to the gateway)",
  ];
  const own = env.GEMINI_CLI_CUSTOM_HEADERS ?? "";
  const named = headerNames(own);
  const pairs: string[] = [];
  const printNotes: string[] = [];
  if (user !== null) {
    if (named.has(userHeaderName.toLowerCase())) {
      printNotes.push(
        `GEMINI_CLI_CUSTOM_HEADERS names ${userHeaderName} already: wrap keeps yours`,
      );
    } else pairs.push(`${userHeaderName}: ${user}`);
  }
  const session = named.has(sessionHeaderName.toLowerCase()) ? null : runSession(rest, newId);
  if (session !== null) pairs.push(`${sessionHeaderName}: ${session.id}`);
  const launch: AgentLaunch = {
    command: session?.add ? [program, "--session-id", session.id, ...rest] : [...command],
    notes,
    env: {},
    printNotes,
  };
  if (pairs.length === 0) return launch;
  const trimmed = own.trim().replace(/,+$/, "");
  launch.env.GEMINI_CLI_CUSTOM_HEADERS = [...(trimmed === "" ? [] : [trimmed]), ...pairs].join(
    ", ",
  );
  return launch;
}

/**
 * Where the Gemini CLI keeps the user's settings: `$GEMINI_CLI_HOME/.gemini/settings.json`, else
 * under the home folder (its `homedir()`).
 */
export function geminiSettingsPath(
  env: Readonly<Record<string, string | undefined>>,
): string | null {
  const home = env.GEMINI_CLI_HOME || env.HOME || env.USERPROFILE;
  return home ? `${home.replace(/[\\/]+$/, "")}/.gemini/settings.json` : null;
}

/**
 * A note for a headless run (`-p`) whose user settings select no auth type (`settings`: the
 * file's text, null when there is none). With `GOOGLE_GEMINI_BASE_URL` set, 0.61.0 then picks
 * its "gateway" auth type, which its own headless check refuses ("Invalid auth method selected",
 * exit 41). A plain text search, as a hint: the file may hold comments.
 */
export function geminiAuthNote(command: readonly string[], settings: string | null): string | null {
  if (!hasFlag(command.slice(1), "-p", "--prompt")) return null;
  if (settings !== null && /"selectedType"\s*:/.test(settings)) return null;
  return "wrap: the Gemini CLI runs headless through a base URL only when its settings select " +
    'an API key: add "security": { "auth": { "selectedType": "gemini-api-key" } } to ' +
    '~/.gemini/settings.json (or pick "Use Gemini API key" in /auth once), else it stops with ' +
    '"Invalid auth method selected"';
}
