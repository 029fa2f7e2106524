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
 * Claude Code, Aider, opencode and the SDKs read `ANTHROPIC_BASE_URL` / `OPENAI_BASE_URL`, which
 * wrap sets for every command: nothing to add for them.
 */

/** The provider id wrap gives Codex; a name of our own so no built-in provider is redefined. */
const codexProviderId = "ongoingai";

export interface AgentLaunch {
  /** The command to run: the user's, with the agent's own flags inserted after the program. */
  command: string[];
  /** Lines for stderr, each a complete sentence (no trailing newline). */
  notes: string[];
}

/** The program's file name without directory or `.js`/`.exe`, lower-cased. */
function programName(program: string): string {
  const base = program.split(/[\\/]/).pop() ?? program;
  return base.replace(/\.(js|cjs|mjs|exe|cmd)$/i, "").toLowerCase();
}

/** A TOML basic string: JSON's escapes are valid TOML for everything a URL or name contains. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

export function agentLaunch(
  command: readonly string[],
  env: Readonly<Record<string, string>>,
): AgentLaunch {
  const [program, ...rest] = command;
  if (program === undefined || programName(program) !== "codex") {
    return { command: [...command], notes: [] };
  }
  const baseUrl = env.OPENAI_BASE_URL;
  if (baseUrl === undefined) {
    return {
      command: [...command],
      notes: ["wrap: the config has no openai provider, so Codex is not pointed at the gateway"],
    };
  }
  if (
    rest.some((arg) => /^model_provider\s*=/.test(arg) || /^--config=model_provider\s*=/.test(arg))
  ) {
    return {
      command: [...command],
      notes: [
        "wrap: Codex is given a model_provider of your own, so wrap leaves its provider alone",
      ],
    };
  }
  const provider = `{name=${tomlString("OngoingAI Gateway")}, base_url=${tomlString(baseUrl)}, ` +
    `env_key="OPENAI_API_KEY", wire_api="responses", supports_websockets=true}`;
  const notes = env.OPENAI_API_KEY?.trim() ? [] : [
    "wrap: Codex sends the key in OPENAI_API_KEY through the gateway, and it is not set: set it to " +
    "your OpenAI API key (a ChatGPT login cannot be used through a gateway)",
  ];
  return {
    command: [
      program,
      "-c",
      `model_provider=${codexProviderId}`,
      "-c",
      `model_providers.${codexProviderId}=${provider}`,
      ...rest,
    ],
    notes,
  };
}
