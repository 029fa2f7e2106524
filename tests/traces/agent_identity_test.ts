/**
 * The claimed agent identity, table-tested with the header sets Codex 0.171.0, Claude Code
 * 2.1.332 and opencode 1.18.33 sent (captured verbatim: tests/testdata/agents/identity_headers.json), older spellings,
 * the generic X-OngoingAI-* headers, and hostile values.
 */
import assert from "node:assert/strict";
import {
  type AgentIdentity,
  agentIdentityFrom,
  codexFrameTurn,
  maxTurnMetadataLength,
} from "../../src/traces/mod.ts";
import captured from "../testdata/agents/identity_headers.json" with { type: "json" };
import frames from "../testdata/agents/codex_ws_client_metadata.json" with { type: "json" };

type Captured = keyof typeof captured;
const headersOf = (name: Captured, extra: Record<string, string> = {}) =>
  new Headers({ ...captured[name].headers as Record<string, string>, ...extra });

const none: AgentIdentity = {
  agent: null,
  agent_version: null,
  session_id: null,
  thread_id: null,
  turn_id: null,
  request_kind: null,
  claimed_user: null,
};

Deno.test("agent identity: the captured header sets", () => {
  const cases: [Captured, Partial<AgentIdentity>][] = [
    ["codex_http_turn", {
      agent: "codex",
      agent_version: "0.171.0",
      session_id: "01a24c4c-221f-7292-8afe-3e9679c05007",
      thread_id: "01a24c4c-221f-7292-8afe-3e9679c05007",
      turn_id: "01a24c4c-2241-7801-8305-bde9c6c7c4c4",
      request_kind: "turn",
    }],
    // The prewarm's turn_id is "": no turn.
    ["codex_ws_prewarm", {
      agent: "codex",
      agent_version: "0.171.0",
      session_id: "01a24c4c-9c4e-7ed3-bb56-9eb0cf0b84d0",
      thread_id: "01a24c4c-9c4e-7ed3-bb56-9eb0cf0b84d0",
      request_kind: "prewarm",
    }],
    ["codex_http_headers", {
      agent: "codex",
      agent_version: "0.171.0",
      session_id: "01a24c60-d54b-7e90-abc4-9b9a5761714c",
      thread_id: "01a24c60-d54b-7e90-abc4-9b9a5761714c",
      request_kind: "prewarm",
      claimed_user: "alice",
    }],
    ["claude_messages", {
      agent: "claude-code",
      agent_version: "2.1.332",
      session_id: "f508831f-4064-4b40-a63e-dbddd018a2b3",
    }],
    ["claude_custom_headers", {
      agent: "claude-code",
      agent_version: "2.1.332",
      session_id: "3e0a0cd6-6aef-4826-a097-29d60e07a421",
      claimed_user: "alice",
    }],
    // Bun's user-agent on the start-up probe: nothing to attribute.
    ["claude_probe", {}],
    ["opencode_anthropic", {
      agent: "opencode",
      agent_version: "1.18.33",
      session_id: "ses_db3185b36ffeFs95fM8FjldmiF",
      claimed_user: "alice",
    }],
    ["opencode_openai", {
      agent: "opencode",
      agent_version: "1.18.33",
      session_id: "ses_db3184019ffegytkSIEUFuX4df",
      claimed_user: "alice",
    }],
  ];
  for (const [name, want] of cases) {
    assert.deepStrictEqual(agentIdentityFrom(headersOf(name)), { ...none, ...want }, name);
  }
});

Deno.test("agent identity: other spellings and clients", () => {
  const cases: [string, Record<string, string>, Partial<AgentIdentity>][] = [
    ["no headers", {}, {}],
    ["an SDK", { "user-agent": "OpenAI/Python 1.99.0" }, {}],
    ["older Codex: session_id and conversation_id", {
      "user-agent": "codex_cli_rs/0.42.0 (Mac OS 15.0.0; arm64) iTerm.app/3.5.0",
      session_id: "0199a213-81c0-7800-8aa1-bbab2a035a53",
      conversation_id: "0199a213-81c0-7800-8aa1-bbab2a035a53",
    }, {
      agent: "codex",
      agent_version: "0.42.0",
      session_id: "0199a213-81c0-7800-8aa1-bbab2a035a53",
      thread_id: "0199a213-81c0-7800-8aa1-bbab2a035a53",
    }],
    ["an opencode-like product is not opencode", { "user-agent": "opencode-fork/1.0.0" }, {}],
    ["Codex TUI and VS Code originators", { "user-agent": "codex-tui/0.171.0 (x)" }, {
      agent: "codex",
      agent_version: "0.171.0",
    }],
    ["Claude Code interactive, a sub-agent request", {
      "user-agent": "claude-cli/2.1.332 (external, cli)",
      "x-claude-code-session-id": "9e8e37f1-452f-433c-80ff-6a412fa20ab6",
      "x-claude-code-request-class": "subagent",
    }, {
      agent: "claude-code",
      agent_version: "2.1.332",
      session_id: "9e8e37f1-452f-433c-80ff-6a412fa20ab6",
      request_kind: "subagent",
    }],
    ["Claude Code's session header without its user-agent", {
      "x-claude-code-session-id": "9e8e37f1-452f-433c-80ff-6a412fa20ab6",
    }, { agent: "claude-code", session_id: "9e8e37f1-452f-433c-80ff-6a412fa20ab6" }],
    ["any client: the generic headers", {
      "user-agent": "aider/0.86.1",
      "x-ongoingai-session-id": "run-2026-03-01.7",
      "x-ongoingai-user": "jane.doe@example.com",
    }, { session_id: "run-2026-03-01.7", claimed_user: "jane.doe@example.com" }],
    ["X-OngoingAI-Session-Id wins over the agent's own", {
      "user-agent": "claude-cli/2.1.332 (external, sdk-cli)",
      "x-claude-code-session-id": "9e8e37f1-452f-433c-80ff-6a412fa20ab6",
      "x-ongoingai-session-id": "ticket-123",
    }, { agent: "claude-code", agent_version: "2.1.332", session_id: "ticket-123" }],
    ["a user label with inner spaces, trimmed", { "x-ongoingai-user": "  Jane Doe " }, {
      claimed_user: "Jane Doe",
    }],
  ];
  for (const [name, headers, want] of cases) {
    assert.deepStrictEqual(agentIdentityFrom(new Headers(headers)), { ...none, ...want }, name);
  }
});

Deno.test("agent identity: hostile values are dropped, never repaired or trusted", () => {
  const meta = (o: unknown) => JSON.stringify(o);
  const long = "a".repeat(129);
  const cases: [string, Record<string, string>, Partial<AgentIdentity>][] = [
    ["an id too long", { "session-id": long }, {}],
    ["an id with a quote and a space", { "session-id": `x" OR 1=1` }, {}],
    ["a control character", { "x-ongoingai-session-id": "a\u0001b" }, {}],
    ["a user label with markup", { "x-ongoingai-user": "<script>" }, {}],
    ["a user label of 65 characters", { "x-ongoingai-user": "u".repeat(65) }, {}],
    ["an empty user label", { "x-ongoingai-user": "   " }, {}],
    ["a version that is not one", { "user-agent": "codex_exec/$(reboot) (x)" }, {
      agent: "codex",
    }],
    ["turn metadata that is not JSON", { "x-codex-turn-metadata": "{turn_id:" }, {
      agent: "codex",
    }],
    ["turn metadata that is an array", { "x-codex-turn-metadata": "[1,2]" }, { agent: "codex" }],
    ["turn metadata with non-string ids", {
      "x-codex-turn-metadata": meta({ turn_id: 7, session_id: { a: 1 }, request_kind: ["x"] }),
    }, { agent: "codex" }],
    ["turn metadata over the bound is not parsed", {
      "x-codex-turn-metadata": meta({
        turn_id: "t1",
        pad: "x".repeat(maxTurnMetadataLength),
      }),
    }, { agent: "codex" }],
    ["turn metadata within the bound", {
      "x-codex-turn-metadata": meta({ turn_id: "t1", session_id: "s1", request_kind: "turn" }),
    }, { agent: "codex", turn_id: "t1", session_id: "s1", request_kind: "turn" }],
    ["a bad session header falls back to the next source", {
      "session-id": "bad value",
      "x-codex-turn-metadata": meta({ session_id: "s2" }),
    }, { agent: "codex", session_id: "s2" }],
    ["a request kind too long", { "x-claude-code-request-class": "k".repeat(33) }, {}],
  ];
  for (const [name, headers, want] of cases) {
    assert.deepStrictEqual(agentIdentityFrom(new Headers(headers)), { ...none, ...want }, name);
  }
});

Deno.test("codexFrameTurn: the turn and kind of one WebSocket frame's client_metadata", () => {
  const cases: [string, unknown, { turnId: string | null; requestKind: string | null }][] = [
    ["the captured prewarm frame", frames.prewarm.client_metadata, {
      turnId: null,
      requestKind: "prewarm",
    }],
    ["a turn frame", frames.turn.client_metadata, {
      turnId: "01a24c4c-2241-7801-8305-bde9c6c7c4c4",
      requestKind: "turn",
    }],
    ["turn_id only", { turn_id: "t-9" }, { turnId: "t-9", requestKind: null }],
    ["not an object", "turn", { turnId: null, requestKind: null }],
    ["null", null, { turnId: null, requestKind: null }],
    ["hostile values", { turn_id: "a b", "x-codex-turn-metadata": '{"request_kind":"<x>"}' }, {
      turnId: null,
      requestKind: null,
    }],
  ];
  for (const [name, metadata, want] of cases) {
    assert.deepStrictEqual(codexFrameTurn(metadata), want, name);
  }
});
