import assert from "node:assert/strict";
import { agentLaunch } from "../../src/cli/wrap_agents.ts";
import { geminiAuthNote, geminiSettingsPath } from "../../src/cli/wrap_gemini.ts";

const base = "http://127.0.0.1:8080/gemini";
const gateway = { GOOGLE_GEMINI_BASE_URL: base, GEMINI_API_KEY: "AIza-x" };
const id = "11111111-2222-4333-8444-555555555555";
const newId = () => id;

Deno.test("wrap agents: the Gemini CLI gets the label, and a session for a headless run", () => {
  const cases: {
    name: string;
    command: string[];
    env?: Record<string, string>;
    user?: string | null;
    want: string[];
    headers: string | undefined;
    notes?: RegExp[];
    printNotes?: RegExp[];
  }[] = [
    {
      name: "headless: a session id given to the CLI and sent as X-OngoingAI-Session-Id",
      command: ["gemini", "-p", "hi", "--output-format", "json"],
      want: ["gemini", "--session-id", id, "-p", "hi", "--output-format", "json"],
      headers: `X-OngoingAI-User: alice, X-OngoingAI-Session-Id: ${id}`,
    },
    {
      name: "--prompt=, the bundle's path",
      command: ["/x/node_modules/@google/gemini-cli/bundle/gemini.js", "--prompt=hi"],
      want: [
        "/x/node_modules/@google/gemini-cli/bundle/gemini.js",
        "--session-id",
        id,
        "--prompt=hi",
      ],
      headers: `X-OngoingAI-User: alice, X-OngoingAI-Session-Id: ${id}`,
    },
    {
      name: "interactive: no session (the CLI changes it on /clear and /resume)",
      command: ["gemini"],
      want: ["gemini"],
      headers: "X-OngoingAI-User: alice",
    },
    {
      name: "the user's --session-id is sent as given",
      command: ["gemini", "--session-id", "my-run_1", "-p", "hi"],
      want: ["gemini", "--session-id", "my-run_1", "-p", "hi"],
      headers: "X-OngoingAI-User: alice, X-OngoingAI-Session-Id: my-run_1",
    },
    {
      name: "--resume: the session cannot be known from outside",
      command: ["gemini", "--resume", "latest", "-p", "more"],
      want: ["gemini", "--resume", "latest", "-p", "more"],
      headers: "X-OngoingAI-User: alice",
    },
    {
      name: "a subcommand starts no chat",
      command: ["gemini", "mcp", "list"],
      want: ["gemini", "mcp", "list"],
      headers: "X-OngoingAI-User: alice",
    },
    {
      name: "the user's headers are kept, ours appended",
      command: ["gemini"],
      env: {
        ...gateway,
        GEMINI_CLI_CUSTOM_HEADERS: "X-OngoingAI-Gateway-Key: ogk_abc, X-Team: a,",
      },
      want: ["gemini"],
      headers: "X-OngoingAI-Gateway-Key: ogk_abc, X-Team: a, X-OngoingAI-User: alice",
    },
    {
      name: "a label of the user's own wins",
      command: ["gemini", "-p", "x"],
      env: { ...gateway, GEMINI_CLI_CUSTOM_HEADERS: "x-ongoingai-user: bob" },
      want: ["gemini", "--session-id", id, "-p", "x"],
      headers: `x-ongoingai-user: bob, X-OngoingAI-Session-Id: ${id}`,
      printNotes: [/names X-OngoingAI-User already/],
    },
    {
      name: "no label, interactive: nothing to add",
      command: ["gemini"],
      user: null,
      want: ["gemini"],
      headers: undefined,
    },
    {
      name: "without GEMINI_API_KEY, a note",
      command: ["gemini"],
      env: { GOOGLE_GEMINI_BASE_URL: base },
      want: ["gemini"],
      headers: "X-OngoingAI-User: alice",
      notes: [/GEMINI_API_KEY.*not set/],
    },
    {
      name: "no gemini provider in the config: left alone, with a note",
      command: ["gemini", "-p", "x"],
      env: { GEMINI_API_KEY: "AIza-x" },
      want: ["gemini", "-p", "x"],
      headers: undefined,
      notes: [/no gemini provider/],
    },
  ];
  for (const c of cases) {
    const got = agentLaunch(
      c.command,
      c.env ?? gateway,
      c.user === undefined ? "alice" : c.user,
      newId,
    );
    assert.deepEqual(got.command, c.want, c.name);
    assert.equal(got.env.GEMINI_CLI_CUSTOM_HEADERS, c.headers, c.name);
    assert.deepEqual(
      Object.keys(got.env).filter((k) => k !== "GEMINI_CLI_CUSTOM_HEADERS"),
      [],
      c.name,
    );
    for (
      const [list, want] of [[got.notes, c.notes ?? []], [
        got.printNotes,
        c.printNotes ?? [],
      ]] as const
    ) {
      assert.equal(list.length, want.length, `${c.name}: ${list.join(" | ")}`);
      want.forEach((re, i) => assert.match(list[i]!, re, c.name));
    }
  }
});

/** The CLI's own parser (customHeaderUtils.ts in 0.61.0), to check that our value reads back. */
function parseCustomHeaders(value: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of value.split(/,(?=\s*[^,:]+:)/)) {
    const trimmed = entry.trim();
    const at = trimmed.indexOf(":");
    if (trimmed === "" || at === -1) continue;
    const name = trimmed.slice(0, at).trim();
    if (name !== "") headers[name] = trimmed.slice(at + 1).trim();
  }
  return headers;
}

Deno.test("wrap agents: the Gemini CLI reads back every header wrap appends", () => {
  const got = agentLaunch(
    ["gemini", "-p", "x"],
    {
      ...gateway,
      GEMINI_CLI_CUSTOM_HEADERS: "X-OngoingAI-Gateway-Key: ogk_a-b_c",
    },
    "Jane Doe+ci@example.com",
    newId,
  );
  assert.deepEqual(parseCustomHeaders(got.env.GEMINI_CLI_CUSTOM_HEADERS!), {
    "X-OngoingAI-Gateway-Key": "ogk_a-b_c",
    "X-OngoingAI-User": "Jane Doe+ci@example.com",
    "X-OngoingAI-Session-Id": id,
  });
});

Deno.test("wrap agents: a headless Gemini run without an auth type in the settings is told why it would stop", () => {
  const selected = '{ "security": { "auth": { "selectedType": "gemini-api-key" } } }';
  const cases: [string, string[], string | null, boolean][] = [
    ["headless, no settings file", ["gemini", "-p", "x"], null, true],
    ["headless, settings without an auth type", ["gemini", "--prompt=x"], '{"ui":{}}', true],
    ["headless, an auth type selected", ["gemini", "-p", "x"], selected, false],
    ["with comments (JSONC)", ["gemini", "-p", "x"], `// mine\n${selected}`, false],
    ["interactive: the CLI asks itself", ["gemini"], null, false],
  ];
  for (const [name, command, settings, noted] of cases) {
    const note = geminiAuthNote(command, settings);
    assert.equal(note !== null, noted, name);
    if (noted) {
      assert.match(note!, /selectedType.*gemini-api-key.*Invalid auth method selected/, name);
    }
  }
  assert.equal(geminiSettingsPath({ HOME: "/home/a/" }), "/home/a/.gemini/settings.json");
  assert.equal(
    geminiSettingsPath({ HOME: "/home/a", GEMINI_CLI_HOME: "/srv/g" }),
    "/srv/g/.gemini/settings.json",
  );
  assert.equal(geminiSettingsPath({}), null);
});
