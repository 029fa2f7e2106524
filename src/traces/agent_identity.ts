/**
 * Who sent a request, as the client claims it: the coding agent and its version, the agent's
 * session, thread and turn, the kind of request, and a developer label. Pure: request headers in,
 * claimed values out. Every value is a claim (any client can send any header), so it labels a
 * trace for analytics and is never used for auth; each is bounded, limited to a safe alphabet
 * (a value with anything else is dropped, not repaired, so two different claims never become one)
 * and scrubbed by the trace builder like every other stored string.
 *
 * Header sets come from captures of Codex 0.171.0, Claude Code 2.1.332 and opencode 1.18.33
 * (research/issue18_agents.md section 2; tests/testdata/agents/identity_headers.json).
 */

/** Generic headers any client may send (docs/agents.md). */
export const sessionHeader = "x-ongoingai-session-id";
export const userHeader = "x-ongoingai-user";

export interface AgentIdentity {
  /** `codex`, `claude-code`, `opencode`, `gemini-cli`, or null when not a known agent. */
  agent: string | null;
  /** The agent's version from its user-agent, e.g. `0.171.0`. */
  agent_version: string | null;
  /** `X-OngoingAI-Session-Id`, else the agent's own session id. */
  session_id: string | null;
  /** Codex's thread (conversation) id. */
  thread_id: string | null;
  /** Codex's turn id (absent on a prewarm, whose turn id is empty). */
  turn_id: string | null;
  /** Codex's `request_kind` (`prewarm`, `turn`, ...) or Claude Code's request class. */
  request_kind: string | null;
  /** `X-OngoingAI-User`: a label the client claims for its developer. */
  claimed_user: string | null;
}

/** Ids: UUIDs, `thread:window` pairs, ULIDs, slugs. Longer or anything else is not stored. */
const idPattern = /^[A-Za-z0-9._:-]{1,128}$/;
/** Short words: request kinds and classes (`prewarm`, `side_reply`). */
const kindPattern = /^[A-Za-z0-9._-]{1,32}$/;
/** Versions as agents print them: `0.171.0`, `2.1.332`, `1.0.0-alpha.3+build`. */
const versionPattern = /^[0-9][A-Za-z0-9.+-]{0,31}$/;
/** Developer labels: login names and e-mail addresses, inner spaces allowed. */
const userPattern = /^[A-Za-z0-9._@+-](?:[A-Za-z0-9._@+ -]{0,62}[A-Za-z0-9._@+-])?$/;

/** The longest `x-codex-turn-metadata` parsed (captures are about 1 KB). */
export const maxTurnMetadataLength = 8192;

/** The header's value, trimmed, when it matches `pattern`; else null. */
function claimed(headers: Headers, name: string, pattern: RegExp): string | null {
  const value = headers.get(name);
  return value === null ? null : ifSafe(value.trim(), pattern);
}

function ifSafe(value: unknown, pattern: RegExp): string | null {
  return typeof value === "string" && pattern.test(value) ? value : null;
}

/** `x-codex-turn-metadata`: a JSON object, parsed only when short enough. */
function turnMetadata(headers: Headers): Record<string, unknown> {
  return parseTurnMetadata(headers.get("x-codex-turn-metadata"));
}

function parseTurnMetadata(raw: unknown): Record<string, unknown> {
  if (typeof raw !== "string" || raw.length > maxTurnMetadataLength) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? parsed as Record<string, unknown>
      : {};
  } catch {
    return {};
  }
}

/**
 * Known agents by the first product of their user-agent. Codex names its originator there
 * (`codex_exec`, `codex-tui`, `codex_vscode`, `codex_cli_rs`); Claude Code says `claude-cli`,
 * opencode `opencode` (before the AI SDK's own products), the Gemini CLI `GeminiCLI` or
 * `GeminiCLI-<client>` (`GeminiCLI-tui/0.61.0/gemini-2.5-flash (linux; x64; terminal)`: the model
 * follows the version after another slash).
 */
const agentProducts: readonly [RegExp, string][] = [
  [/^codex[_-][a-z_-]{1,24}$/, "codex"],
  [/^claude-cli$/, "claude-code"],
  [/^opencode$/, "opencode"],
  [/^geminicli(?:-[a-z0-9_-]{1,24})?$/, "gemini-cli"],
];

function agentOf(headers: Headers): { agent: string | null; agent_version: string | null } {
  const ua = headers.get("user-agent")?.trim().slice(0, 256) ?? "";
  const slash = ua.indexOf("/");
  if (slash > 0) {
    const product = ua.slice(0, slash).toLowerCase();
    const version = ua.slice(slash + 1).split(/[\s(;/]/, 1)[0] ?? "";
    for (const [pattern, agent] of agentProducts) {
      if (pattern.test(product)) return { agent, agent_version: ifSafe(version, versionPattern) };
    }
  }
  // Without a recognisable user-agent, an agent's own session header still names it.
  if (headers.has("x-claude-code-session-id")) return { agent: "claude-code", agent_version: null };
  if (headers.has("x-codex-turn-metadata")) return { agent: "codex", agent_version: null };
  return { agent: null, agent_version: null };
}

/** The first of `values` that is a safe id. */
function firstId(...values: unknown[]): string | null {
  for (const v of values) {
    const id = ifSafe(typeof v === "string" ? v.trim() : v, idPattern);
    if (id !== null) return id;
  }
  return null;
}

export function agentIdentityFrom(headers: Headers): AgentIdentity {
  const meta = turnMetadata(headers);
  const h = (name: string) => headers.get(name);
  return {
    ...agentOf(headers),
    // Ours first: a client that names its session explicitly means it.
    session_id: firstId(
      h(sessionHeader),
      h("session-id"),
      h("session_id"),
      h("x-claude-code-session-id"),
      // opencode's, on both providers (its OpenAI requests carry `session-id` too).
      h("x-session-id"),
      meta.session_id,
    ),
    thread_id: firstId(h("thread-id"), h("conversation_id"), meta.thread_id),
    turn_id: firstId(meta.turn_id),
    request_kind: ifSafe(meta.request_kind, kindPattern) ??
      claimed(headers, "x-claude-code-request-class", kindPattern),
    claimed_user: claimed(headers, userHeader, userPattern),
  };
}

/** Whether `label` is stored as a developer label (what `wrap --user` checks before sending). */
export function isDeveloperLabel(label: string): boolean {
  return userPattern.test(label);
}

/** A turn id given by a caller that knows better than the headers (a WebSocket frame's). */
export function safeTurnId(value: string | null | undefined): string | null {
  return firstId(value);
}

/** A request kind given by a caller that knows better than the headers, as `safeTurnId`. */
export function safeRequestKind(value: string | null | undefined): string | null {
  return ifSafe(value, kindPattern);
}

/**
 * The turn of one Responses API WebSocket frame (`response.create`): Codex sends the handshake's
 * headers once, with the prewarm's empty turn, and each frame's `client_metadata` then carries
 * the turn id and the `x-codex-turn-metadata` JSON (with `request_kind`) for that response. For
 * a relay to pass as `ExchangeFacts.agentTurnId` and `agentRequestKind`.
 */
export function codexFrameTurn(
  clientMetadata: unknown,
): { turnId: string | null; requestKind: string | null } {
  if (typeof clientMetadata !== "object" || clientMetadata === null) {
    return { turnId: null, requestKind: null };
  }
  const m = clientMetadata as Record<string, unknown>;
  const meta = parseTurnMetadata(m["x-codex-turn-metadata"]);
  return {
    turnId: firstId(m.turn_id, meta.turn_id),
    requestKind: ifSafe(meta.request_kind, kindPattern),
  };
}
