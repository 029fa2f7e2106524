/**
 * What `wrap` adds for the coding agents that do not read the base-URL variables. Pure: given the
 * command and the environment wrap would give it, the arguments to run instead and the notes to
 * print.
 *
 * Codex (0.169 and later) ignores `OPENAI_BASE_URL`, and its built-in OpenAI provider sends no API
 * key to another base URL. What works without touching the user's files is a provider of our own,
 * given with Codex's `-c` overrides (they layer over `~/.codex/config.toml` for this run only):
 * base URL the gateway's OpenAI route, key from `OPENAI_API_KEY`, Responses wire format, and
 * `supports_websockets=true`: the gateway relays the Responses API's WebSocket mode and traces each
 * response as over HTTPS; where it cannot (relaying off, a PII policy that guards upstream traffic,
 * an upstream without it) it answers 426 and Codex falls back to HTTPS at once (one log line).
 *
 * opencode (1.18) reads both variables through the AI SDK, whose Anthropic base URL ends in `/v1`
 * (`ANTHROPIC_BASE_URL` as Claude Code and Anthropic's SDKs read it does not): with wrap's value
 * alone it posts to `/anthropic/messages`, a 404. It is given `OPENCODE_CONFIG_CONTENT`, inline
 * config that opencode merges over the user's global and project files for this run only:
 * `provider.<id>.options.baseURL` for `openai` and `anthropic` (wins over the variables), and the
 * label as `options.headers`. What the user put in that variable is kept, ours added under it.
 *
 * The Gemini CLI reads `GOOGLE_GEMINI_BASE_URL`; its label and session: wrap_gemini.ts.
 *
 * Claude Code, Aider and the SDKs read `ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL`, which wrap sets
 * for every command: nothing to add for them.
 *
 * The developer label (`wrap --user`) travels as the `X-OngoingAI-User` header, attached the way
 * each agent takes extra headers: Codex through `http_headers` in its provider table, Claude Code
 * through `ANTHROPIC_CUSTOM_HEADERS` (appended to the user's own), opencode through its providers'
 * `options.headers`. Other tools have no way to be given a header from outside, which `--print`
 * says.
 */

import { geminiLaunch } from "./wrap_gemini.ts";

/** The provider id wrap gives Codex; a name of our own so no built-in provider is redefined. */
const codexProviderId = "ongoingai";

export interface AgentLaunch {
  /** The command to run: the user's, with the agent's own flags inserted after the program. */
  command: string[];
  /** Lines for stderr, each a complete sentence (no trailing newline). */
  notes: string[];
  /** Variables to set for the child on top of wrap's (`ANTHROPIC_CUSTOM_HEADERS`). */
  env: Record<string, string>;
  /** What `--print` adds as `#` comments: what wrap could not attach, and why. */
  printNotes: string[];
}

/** The header carrying the developer label (traces/agent_identity.ts reads it). */
export const userHeaderName = "X-OngoingAI-User";

/** The program's file name without directory or `.js`/`.exe`, lower-cased. */
export function programName(program: string): string {
  const base = program.split(/[\\/]/).pop() ?? program;
  return base.replace(/\.(js|cjs|mjs|exe|cmd)$/i, "").toLowerCase();
}

/** A TOML basic string: JSON's escapes are valid TOML for everything a URL or name contains. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * `user`: the developer label to attach (already checked), or null for none. Claude Code takes
 * it from `ANTHROPIC_CUSTOM_HEADERS` (newline-separated `Name: value` lines), appended to a
 * value the user set, never replacing it; one that names the header already is left alone.
 */
export function agentLaunch(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  user: string | null = null,
  newId?: () => string,
): AgentLaunch {
  const name = command[0] === undefined ? "" : programName(command[0]);
  if (name === "codex") return codexLaunch(command, env, user);
  if (name === "opencode") return opencodeLaunch(command, env, user);
  if (name === "gemini") return geminiLaunch(command, env, user, newId);
  const plain = { command: [...command], notes: [], env: {}, printNotes: [] };
  if (user === null) return plain;
  if (name === "claude") {
    const own = env.ANTHROPIC_CUSTOM_HEADERS ?? "";
    const named = own.split(/\r?\n/).some((line) =>
      line.split(":", 1)[0]!.trim().toLowerCase() === userHeaderName.toLowerCase()
    );
    if (named) {
      return {
        ...plain,
        printNotes: [`ANTHROPIC_CUSTOM_HEADERS names ${userHeaderName} already: wrap keeps yours`],
      };
    }
    const line = `${userHeaderName}: ${user}`;
    return {
      ...plain,
      env: {
        ANTHROPIC_CUSTOM_HEADERS: own.trim() === "" ? line : `${own.replace(/\n+$/, "")}\n${line}`,
      },
    };
  }
  return {
    ...plain,
    printNotes: [
      `${userHeaderName}: ${user} cannot be attached to ${name || "this command"} (wrap knows ` +
      "how only for codex, claude, opencode and gemini): its traces get no developer unless it sends " +
      "the header itself",
    ],
  };
}

function codexLaunch(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  user: string | null,
): AgentLaunch {
  const [program, ...rest] = command as [string, ...string[]];
  const none = { env: {}, printNotes: [] };
  const baseUrl = env.OPENAI_BASE_URL;
  if (baseUrl === undefined) {
    return {
      ...none,
      command: [...command],
      notes: ["wrap: the config has no openai provider, so Codex is not pointed at the gateway"],
    };
  }
  if (
    rest.some((arg) => /^model_provider\s*=/.test(arg) || /^--config=model_provider\s*=/.test(arg))
  ) {
    return {
      ...none,
      command: [...command],
      notes: [
        "wrap: Codex is given a model_provider of your own, so wrap leaves its provider alone",
      ],
      printNotes: user === null ? [] : [
        `${userHeaderName} cannot be attached: add http_headers={"${userHeaderName}"="${user}"} ` +
        "to your own provider",
      ],
    };
  }
  const provider = `{name=${tomlString("OngoingAI Gateway")}, base_url=${tomlString(baseUrl)}, ` +
    `env_key="OPENAI_API_KEY", wire_api="responses", supports_websockets=true}`;
  const notes = env.OPENAI_API_KEY?.trim() ? [] : [
    "wrap: Codex sends the key in OPENAI_API_KEY through the gateway, and it is not set: set it to " +
    "your OpenAI API key (a ChatGPT login cannot be used through a gateway)",
  ];
  // Appended inside the provider table, so the table itself stays as it is without a label.
  const table = user === null
    ? provider
    : `${provider.slice(0, -1)}, http_headers={${tomlString(userHeaderName)}=${tomlString(user)}}}`;
  return {
    ...none,
    command: [
      program,
      "-c",
      `model_provider=${codexProviderId}`,
      "-c",
      `model_providers.${codexProviderId}=${table}`,
      ...rest,
    ],
    notes,
  };
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `base` with `over` on top, objects merged key by key: what `over` says wins. */
function mergedOver(base: JsonObject, over: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const mine = out[key];
    out[key] = isObject(mine) && isObject(value) ? mergedOver(mine, value) : value;
  }
  return out;
}

/** The AI SDK's Anthropic base URL ends in `/v1`; Claude Code's `ANTHROPIC_BASE_URL` does not. */
function aiSdkAnthropicUrl(url: string): string {
  const trimmed = url.replace(/\/+$/, "");
  return /\/v1$/.test(trimmed) ? trimmed : `${trimmed}/v1`;
}

/** The user's `OPENCODE_CONFIG_CONTENT`: `{}` when unset or empty, null when not a JSON object. */
function ownContent(value: string | undefined): JsonObject | null {
  if (value === undefined || value.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * opencode's built-in `openai` and `anthropic` providers pointed at the gateway by inline config
 * (`OPENCODE_CONFIG_CONTENT`), with the label in their `options.headers`. A value the user set
 * there is kept: ours goes under it (a `baseURL` or header of theirs wins, with a note); one that
 * is not a JSON object (opencode also takes JSONC) is left alone.
 */
function opencodeLaunch(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
  user: string | null,
): AgentLaunch {
  const plain = { command: [...command], notes: [], env: {}, printNotes: [] };
  const urls: [string, string][] = [];
  if (env.OPENAI_BASE_URL) urls.push(["openai", env.OPENAI_BASE_URL]);
  if (env.ANTHROPIC_BASE_URL) urls.push(["anthropic", aiSdkAnthropicUrl(env.ANTHROPIC_BASE_URL)]);
  if (urls.length === 0) return plain;
  const theirs = ownContent(env.OPENCODE_CONFIG_CONTENT);
  if (theirs === null) {
    return {
      ...plain,
      notes: [
        "wrap: OPENCODE_CONFIG_CONTENT is set and is not a JSON object, so wrap leaves it alone: " +
        "opencode's anthropic provider is not pointed at the gateway (`wrap --print` with the " +
        "variable unset shows what to add to yours)",
      ],
    };
  }
  const notes: string[] = [];
  const printNotes: string[] = [];
  const providers: JsonObject = {};
  for (const [id, url] of urls) {
    const options = (theirs.provider as JsonObject | undefined)?.[id];
    const given = isObject(options) && isObject(options.options) ? options.options : {};
    if (given.baseURL !== undefined) {
      notes.push(
        `wrap: OPENCODE_CONFIG_CONTENT sets provider.${id}.options.baseURL: wrap keeps yours`,
      );
    }
    const labelled = isObject(given.headers) &&
      Object.keys(given.headers).some((h) => h.toLowerCase() === userHeaderName.toLowerCase());
    if (labelled) {
      printNotes.push(
        `OPENCODE_CONFIG_CONTENT names ${userHeaderName} for ${id} already: wrap keeps yours`,
      );
    }
    const headers = user === null || labelled ? {} : { headers: { [userHeaderName]: user } };
    providers[id] = { options: { baseURL: url, ...headers } };
  }
  const content = mergedOver({ provider: providers }, theirs);
  return { ...plain, notes, printNotes, env: { OPENCODE_CONFIG_CONTENT: JSON.stringify(content) } };
}
