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
