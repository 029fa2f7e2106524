import assert from "node:assert/strict";
import { agentLaunch } from "../../src/cli/wrap_agents.ts";

const gateway = { OPENAI_BASE_URL: "http://127.0.0.1:8080/openai/v1", OPENAI_API_KEY: "sk-x" };
const codexFlags = [
  "-c",
  "model_provider=ongoingai",
  "-c",
  'model_providers.ongoingai={name="OngoingAI Gateway", base_url="http://127.0.0.1:8080/openai/v1", ' +
  'env_key="OPENAI_API_KEY", wire_api="responses", supports_websockets=true}',
];

Deno.test("wrap agents: Codex gets a provider of its own pointed at the gateway; others are left as they are", () => {
  const cases: [string, string[], Record<string, string>, string[], RegExp[]][] = [
    ["codex TUI", ["codex"], gateway, ["codex", ...codexFlags], []],
    [
      "codex exec keeps its arguments after the flags",
      ["codex", "exec", "say hi"],
      gateway,
      ["codex", ...codexFlags, "exec", "say hi"],
      [],
    ],
    [
      "a path, the npm launcher or .exe is still Codex",
      ["/usr/lib/node_modules/@openai/codex/bin/codex.js", "exec", "x"],
      gateway,
      ["/usr/lib/node_modules/@openai/codex/bin/codex.js", ...codexFlags, "exec", "x"],
      [],
    ],
    ["claude reads ANTHROPIC_BASE_URL itself", ["claude", "-p", "hi"], gateway, [
      "claude",
      "-p",
      "hi",
    ], []],
    ["codex-like names are not Codex", ["codexify", "run"], gateway, ["codexify", "run"], []],
    [
      "without OPENAI_API_KEY the flags are still given, with the reason Codex will stop",
      ["codex"],
      { OPENAI_BASE_URL: gateway.OPENAI_BASE_URL },
      ["codex", ...codexFlags],
      [/OPENAI_API_KEY.*not set/],
    ],
    [
      "a provider the user chose is kept",
      ["codex", "-c", "model_provider=mine", "exec", "x"],
      gateway,
      ["codex", "-c", "model_provider=mine", "exec", "x"],
      [/model_provider of your own/],
    ],
    ["no openai provider in the config", ["codex"], { OPENAI_API_KEY: "sk-x" }, ["codex"], [
      /no openai provider/,
    ]],
  ];
  for (const [name, command, env, want, notes] of cases) {
    const got = agentLaunch(command, env);
    assert.deepEqual(got.command, want, name);
    assert.equal(got.notes.length, notes.length, name);
    notes.forEach((re, i) => assert.match(got.notes[i]!, re, name));
  }
});

Deno.test("wrap agents: quotes in the base URL cannot break out of the TOML string", () => {
  const got = agentLaunch(["codex"], { OPENAI_BASE_URL: 'http://h/"x\\', OPENAI_API_KEY: "k" });
  assert.match(got.command[4]!, /base_url="http:\/\/h\/\\"x\\\\"/);
});

Deno.test("wrap agents: opencode gets inline config pointing its providers at the gateway; the user's own is kept", () => {
  const urls = {
    OPENAI_BASE_URL: "http://127.0.0.1:8080/openai/v1",
    ANTHROPIC_BASE_URL: "http://127.0.0.1:8080/anthropic",
  };
  const provider = (url: string, user?: string) => ({
    options: { baseURL: url, ...(user ? { headers: { "X-OngoingAI-User": user } } : {}) },
  });
  const ours = (user?: string) => ({
    provider: {
      openai: provider("http://127.0.0.1:8080/openai/v1", user),
      anthropic: provider("http://127.0.0.1:8080/anthropic/v1", user),
    },
  });
  const cases: [string, string[], Record<string, string>, string | null, unknown, RegExp[]][] = [
    // The AI SDK's Anthropic base URL ends in /v1; Claude Code's variable does not.
    ["both providers, /v1 added for anthropic", ["opencode", "run", "hi"], urls, null, ours(), []],
    ["the label in each provider's headers", ["opencode"], urls, "alice", ours("alice"), []],
    ["a path or .exe is still opencode", ["/opt/bin/opencode.exe"], urls, null, ours(), []],
    [
      "a /v1 already there is not doubled",
      ["opencode"],
      {
        ANTHROPIC_BASE_URL: "http://h/anthropic/v1/",
      },
      null,
      { provider: { anthropic: provider("http://h/anthropic/v1") } },
      [],
    ],
    [
      "the user's content is kept and wins",
      ["opencode"],
      {
        ...urls,
        OPENCODE_CONFIG_CONTENT: JSON.stringify({
          model: "anthropic/claude-opus-5-5",
          provider: { anthropic: { options: { baseURL: "http://mine/v1", timeout: 5 } } },
        }),
      },
      "alice",
      {
        provider: {
          openai: provider("http://127.0.0.1:8080/openai/v1", "alice"),
          anthropic: {
            options: {
              baseURL: "http://mine/v1",
              headers: { "X-OngoingAI-User": "alice" },
              timeout: 5,
            },
          },
        },
        model: "anthropic/claude-opus-5-5",
      },
      [/provider\.anthropic\.options\.baseURL: wrap keeps yours/],
    ],
    [
      "a label of the user's own is kept (any case)",
      ["opencode"],
      {
        OPENAI_BASE_URL: urls.OPENAI_BASE_URL,
        OPENCODE_CONFIG_CONTENT:
          '{"provider":{"openai":{"options":{"headers":{"x-ongoingai-user":"c"}}}}}',
      },
      "alice",
      {
        provider: {
          openai: {
            options: { baseURL: urls.OPENAI_BASE_URL, headers: { "x-ongoingai-user": "c" } },
          },
        },
      },
      [],
    ],
  ];
  for (const [name, command, env, user, want, notes] of cases) {
    const got = agentLaunch(command, env, user);
    assert.deepEqual(got.command, command, name);
    assert.deepEqual(JSON.parse(got.env.OPENCODE_CONFIG_CONTENT!), want, name);
    assert.deepEqual(Object.keys(got.env), ["OPENCODE_CONFIG_CONTENT"], name);
    assert.equal(got.notes.length, notes.length, `${name}: ${got.notes}`);
    notes.forEach((re, i) => assert.match(got.notes[i]!, re, name));
  }
  const labelled = agentLaunch(["opencode"], {
    ...urls,
    OPENCODE_CONFIG_CONTENT:
      '{"provider":{"openai":{"options":{"headers":{"X-OngoingAI-User":"c"}}}}}',
  }, "alice");
  assert.deepEqual(labelled.printNotes, [
    "OPENCODE_CONFIG_CONTENT names X-OngoingAI-User for openai already: wrap keeps yours",
  ]);

  // JSONC or anything else that is not a JSON object: left alone, and said.
  for (const own of ['{"provider": {} // mine\n}', "[1]", "null"]) {
    const got = agentLaunch(["opencode"], { ...urls, OPENCODE_CONFIG_CONTENT: own });
    assert.deepEqual([got.command, got.env], [["opencode"], {}], own);
    assert.match(got.notes[0]!, /not a JSON object, so wrap leaves it alone/, own);
  }
  // No provider in the gateway's config: nothing to point.
  assert.deepEqual(agentLaunch(["opencode"], {}).env, {});
});
