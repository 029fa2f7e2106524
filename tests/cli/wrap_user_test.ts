/**
 * `wrap --user`: the developer label, its default (ONGOINGAI_USER, else the login name), and how
 * each agent is given it (Codex: http_headers in its provider table; Claude Code:
 * ANTHROPIC_CUSTOM_HEADERS, appended to the user's own); other tools are told in `--print`.
 * The process tests run the real CLI with stand-in programs that print what they were given.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { developerLabel } from "../../src/cli/wrap.ts";
import { agentLaunch } from "../../src/cli/wrap_agents.ts";
import { UsageError } from "../../src/cli/args.ts";
import { runCliProcess } from "../support/process.ts";
import { withFiles } from "../config/temp_files.ts";

const gateway = { OPENAI_BASE_URL: "http://127.0.0.1:8080/openai/v1", OPENAI_API_KEY: "sk-x" };

Deno.test("wrap --user: the label, its defaults, and what is refused", () => {
  const login = () => "root";
  const cases: [string, string | undefined, Record<string, string>, string | null][] = [
    ["--user wins", "alice", { ONGOINGAI_USER: "bob" }, "alice"],
    ["then ONGOINGAI_USER", undefined, { ONGOINGAI_USER: "bob" }, "bob"],
    ["then the login name", undefined, {}, "root"],
    ["--user '' sends none", "", { ONGOINGAI_USER: "bob" }, null],
    ["ONGOINGAI_USER= sends none", undefined, { ONGOINGAI_USER: "" }, null],
    ["an e-mail address", "jane.doe@example.com", {}, "jane.doe@example.com"],
    ["trimmed", "  Jane Doe ", {}, "Jane Doe"],
  ];
  for (const [name, flag, env, want] of cases) {
    const got = developerLabel(flag, env, login);
    assert.equal(got.label, want, name);
    assert.equal(got.note, null, name);
  }
  assert.throws(() => developerLabel("a\nb", {}, login), UsageError);
  assert.throws(() => developerLabel("x".repeat(65), {}, login), /invalid --user: up to 64/);
  const odd = developerLabel(undefined, {}, () => "DOMAIN\\jane");
  assert.equal(odd.label, null);
  assert.match(odd.note!, /no X-OngoingAI-User sent.*set ONGOINGAI_USER or pass --user/);
  assert.deepEqual(developerLabel(undefined, {}, () => null), { label: null, note: null });
});

Deno.test("wrap --user: attached the way each agent takes extra headers", () => {
  const codex = agentLaunch(["codex", "exec", "hi"], gateway, "alice");
  assert.equal(
    codex.command[4],
    'model_providers.ongoingai={name="OngoingAI Gateway", base_url="http://127.0.0.1:8080/openai/v1", ' +
      'env_key="OPENAI_API_KEY", wire_api="responses", supports_websockets=true, ' +
      'http_headers={"X-OngoingAI-User"="alice"}}',
  );
  assert.deepEqual(codex.env, {});
  // A quote in the label cannot leave the TOML string (labels are checked first anyway).
  assert.match(agentLaunch(["codex"], gateway, 'a"b').command[4]!, /"a\\"b"\}\}$/);
  const mine = agentLaunch(["codex", "-c", "model_provider=mine"], gateway, "alice");
  assert.match(mine.printNotes[0]!, /add http_headers=\{"X-OngoingAI-User"="alice"\}/);

  const claude = (own: string | undefined) =>
    agentLaunch(
      ["claude", "-p", "hi"],
      own === undefined ? gateway : { ...gateway, ANTHROPIC_CUSTOM_HEADERS: own },
      "alice",
    );
  const cases: [string, string | undefined, Record<string, string>][] = [
    ["none set", undefined, { ANTHROPIC_CUSTOM_HEADERS: "X-OngoingAI-User: alice" }],
    ["appended to the user's own", "X-Team: red", {
      ANTHROPIC_CUSTOM_HEADERS: "X-Team: red\nX-OngoingAI-User: alice",
    }],
    ["a trailing newline is not doubled", "X-Team: red\n", {
      ANTHROPIC_CUSTOM_HEADERS: "X-Team: red\nX-OngoingAI-User: alice",
    }],
    ["the user's own label is kept", "x-ongoingai-user: carol", {}],
  ];
  for (const [name, own, env] of cases) {
    const got = claude(own);
    assert.deepEqual(got.env, env, name);
    assert.deepEqual(got.command, ["claude", "-p", "hi"], name);
  }
  assert.match(claude("x-ongoingai-user: carol").printNotes[0]!, /keeps yours/);

  const aider = agentLaunch(["aider", "--yes"], gateway, "alice");
  assert.deepEqual(aider.env, {});
  assert.match(aider.printNotes[0]!, /cannot be attached to aider/);
  assert.deepEqual(agentLaunch(["aider"], gateway, null).printNotes, []);
});

const printer =
  '#!/bin/sh\nprintf "%s\\n" "$ANTHROPIC_CUSTOM_HEADERS"; for a in "$@"; do printf "%s\\n" "$a"; done\n';

Deno.test("wrap --user through the real CLI: Claude Code's headers appended, exit code kept", async () => {
  await withFiles(
    { "ongoingai.yaml": "server: { host: 127.0.0.1, port: 8089 }\n" },
    async (dir) => {
      const claude = join(dir, "claude");
      await Deno.writeTextFile(claude, printer + "exit 3\n");
      await Deno.chmod(claude, 0o755);
      const r = await runCliProcess(["wrap", "--user", "alice", "--", claude, "-p", "hi"], {
        cwd: dir,
        env: { ANTHROPIC_CUSTOM_HEADERS: "X-Team: red" },
      });
      assert.equal(r.code, 3, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split("\n"), [
        "X-Team: red",
        "X-OngoingAI-User: alice",
        "-p",
        "hi",
      ]);
      // The default: ONGOINGAI_USER.
      const d = await runCliProcess(["wrap", "--", claude], {
        cwd: dir,
        env: { ONGOINGAI_USER: "bob" },
      });
      assert.equal(d.stdout, "X-OngoingAI-User: bob\n");
      const bad = await runCliProcess(["wrap", "--user", "<b>", "--", claude], { cwd: dir });
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /invalid --user/);
    },
  );
});

Deno.test("wrap --print --user: Codex's table, Claude Code's and opencode's variables, and what cannot be attached", async () => {
  await withFiles(
    { "ongoingai.yaml": "server: { host: 127.0.0.1, port: 8089 }\n" },
    async (dir) => {
      const print = async (...command: string[]) =>
        (await runCliProcess(["wrap", "--print", "--user", "alice", "--", ...command], {
          cwd: dir,
        }))
          .stdout;
      assert.match(
        await print("codex", "exec", "x"),
        /http_headers=\{"X-OngoingAI-User"="alice"\}\}' 'exec' 'x'\n$/,
      );
      assert.match(
        await print("claude"),
        /^export OPENAI_BASE_URL=.*\nexport ANTHROPIC_CUSTOM_HEADERS='X-OngoingAI-User: alice'\n'claude'\n$/s,
      );
      assert.match(
        await print("opencode", "run"),
        /\nexport OPENCODE_CONFIG_CONTENT='.*"headers":\{"X-OngoingAI-User":"alice"\}.*'\n'opencode' 'run'\n$/,
      );
      assert.match(
        await print("aider"),
        /^# X-OngoingAI-User: alice cannot be attached to aider .*\nexport OPENAI_BASE_URL=/,
      );
    },
  );
});
