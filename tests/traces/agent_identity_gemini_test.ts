/**
 * The Gemini CLI's requests as captured from @google/gemini-cli 0.61.0 against a local stub (`gemini
 * -p`, gateway through `GOOGLE_GEMINI_BASE_URL`): the agent is named by its user-agent, whose
 * version is followed by the model after another slash; it sends no session id of its own, so the
 * session is the `X-OngoingAI-Session-Id` that `wrap` adds.
 */
import assert from "node:assert/strict";
import { agentIdentityFrom } from "../../src/traces/agent_identity.ts";

const captured = {
  "user-agent": "GeminiCLI-tui/0.61.0/gemini-3.1-pro-preview (linux; x64; terminal)",
  "x-goog-api-client": "google-genai-sdk/1.30.0 gl-node/v20.20.2",
  "x-goog-api-key": "AIzaFAKE",
  "x-ongoingai-user": "alice",
};

Deno.test("agent identity: the Gemini CLI", () => {
  const cases: [string, Record<string, string>, Record<string, string | null>][] = [
    ["captured, no session of its own", captured, {
      agent: "gemini-cli",
      agent_version: "0.61.0",
      session_id: null,
      claimed_user: "alice",
    }],
    [
      "with wrap's session header",
      { ...captured, "x-ongoingai-session-id": "0b6f7c1e-3a0e-4c39-9d55-6f1f4b9d2a10" },
      {
        agent: "gemini-cli",
        agent_version: "0.61.0",
        session_id: "0b6f7c1e-3a0e-4c39-9d55-6f1f4b9d2a10",
        claimed_user: "alice",
      },
    ],
    ["no client name", {
      "user-agent": "GeminiCLI/0.61.0/gemini-2.5-flash (darwin; arm64; vscode)",
    }, {
      agent: "gemini-cli",
      agent_version: "0.61.0",
      session_id: null,
      claimed_user: null,
    }],
    ["the SDK alone is not the CLI", { "user-agent": "google-genai-sdk/1.30.0 gl-node/v20.20.2" }, {
      agent: null,
      agent_version: null,
      session_id: null,
      claimed_user: null,
    }],
    ["a look-alike product", { "user-agent": "GeminiCLIx/0.61.0" }, {
      agent: null,
      agent_version: null,
      session_id: null,
      claimed_user: null,
    }],
  ];
  for (const [name, headers, want] of cases) {
    const got = agentIdentityFrom(new Headers(headers));
    assert.deepEqual(
      {
        agent: got.agent,
        agent_version: got.agent_version,
        session_id: got.session_id,
        claimed_user: got.claimed_user,
      },
      want,
      name,
    );
  }
});
