/**
 * The command line as users meet it: dispatch, help, exit codes (0 ok, 1 failure, 2 usage),
 * shell-init output, and `wrap` running a real child process.
 */
import assert from "node:assert/strict";
import { runCli, usageText } from "../../src/cli/mod.ts";
import { runCaptured } from "../support/cli_io.ts";
import { cleanEnv, mainModule, runCliProcess } from "../support/process.ts";
import { withFiles } from "../config/temp_files.ts";

const cli = (args: string[], cwd = Deno.cwd(), env: Record<string, string> = {}) =>
  runCaptured(runCli, args, cwd, env);

Deno.test("help: usage on stdout, exit 0, for every spelling", async () => {
  for (const args of [["help"], ["--help"], ["-h"]]) {
    const r = await cli(args);
    assert.equal(r.code, 0, args.join(" "));
    assert.equal(r.stdout, usageText());
    assert.equal(r.stderr, "");
  }
});

Deno.test("an unknown command prints usage on stderr and exits 2", async () => {
  const r = await cli(["frobnicate"]);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.ok(r.stderr.includes(usageText()));
});

// In a checkout: `version (commit, source checkout)`; tests/cli/version_test.ts has the rest.
Deno.test("version prints `version (what was built)` for every spelling", async () => {
  for (const args of [["version"], ["--version"], ["-v"]]) {
    const r = await cli(args);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\S+ \([^()]+\)\n$/);
    assert.doesNotMatch(r.stdout, /\(none, unknown\)/);
  }
});

Deno.test("command help goes to stdout with exit 0", async () => {
  for (const name of ["serve", "check", "shell-init", "wrap", "report"]) {
    const r = await cli([name, "--help"]);
    assert.equal(r.code, 0, name);
    assert.match(r.stdout, new RegExp(`Usage: ongoingai ${name}`));
  }
});

Deno.test("config validate is check; bare config is a usage error", async () => {
  await withFiles({ "ongoingai.yaml": "server:\n  port: 8081\n" }, async (dir) => {
    const ok = await cli(["config", "validate"], dir);
    assert.equal(ok.code, 0);
    assert.equal(ok.stdout, "config is valid: ongoingai.yaml\n");
    for (const args of [["config"], ["config", "frob"]]) {
      const r = await cli(args, dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /ongoingai config validate/);
    }
  });
});

Deno.test("usage errors exit 2 and name the problem", async () => {
  const table: [string[], RegExp][] = [
    [["serve", "--bogus"], /serve: Unknown option '--bogus'/],
    [["serve", "extra"], /serve does not accept positional arguments/],
    [["shell-init", "--shell", "tcsh"], /expected sh, bash, zsh or fish/],
    [["serve", "--log-format", "xml"], /expected text or json/],
    [["wrap"], /usage: ongoingai wrap/],
  ];
  for (const [args, want] of table) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, want, args.join(" "));
  }
});

Deno.test("serve with an invalid config exits 1 before binding anything", async () => {
  await withFiles({ "ongoingai.yaml": "server:\n  port: 70000\n" }, async (dir) => {
    const r = await cli(["serve"], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /server\.port: .*65535/);
  });
});

// The original's output with every value single-quoted (issue 16 item 6): what a shell's `eval`
// sets is unchanged, and a value can no longer carry shell syntax.
Deno.test("shell-init: the original's output, quoted, and fish syntax", async () => {
  const table: [string, string[], string][] = [
    [
      "server: { host: 0.0.0.0, port: 8080 }\n",
      [],
      "export OPENAI_BASE_URL='http://localhost:8080/openai/v1'\nexport ANTHROPIC_BASE_URL='http://localhost:8080/anthropic'\n",
    ],
    [
      "server: { host: 127.0.0.1, port: 9090 }\nproviders:\n  openai: { prefix: /gateway/openai }\n  anthropic: { prefix: /anthropic-api }\n",
      [],
      "export OPENAI_BASE_URL='http://127.0.0.1:9090/gateway/openai/v1'\nexport ANTHROPIC_BASE_URL='http://127.0.0.1:9090/anthropic-api'\n",
    ],
    [
      "server: { host: '::1', port: 8080 }\nproviders:\n  openai: { prefix: /o/v1 }\n",
      ["--shell", "fish"],
      "set -gx OPENAI_BASE_URL 'http://[::1]:8080/o/v1';\nset -gx ANTHROPIC_BASE_URL 'http://[::1]:8080/anthropic';\n",
    ],
  ];
  for (const [yaml, args, want] of table) {
    await withFiles({ "ongoingai.yaml": yaml }, async (dir) => {
      const r = await cli(["shell-init", ...args], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, want);
    });
  }
});

const wrapYaml = "server: { host: 127.0.0.1, port: 8088 }\n";

Deno.test("wrap: the child sees the base URLs and the parent environment", async () => {
  await withFiles({ "ongoingai.yaml": wrapYaml }, async (dir) => {
    const r = await runCliProcess(
      [
        "wrap",
        "--",
        "sh",
        "-c",
        'printf "%s|%s|%s|%s" "$OPENAI_BASE_URL" "$OPENAI_API_BASE" "$ANTHROPIC_BASE_URL" "$FOO"',
      ],
      { cwd: dir, env: { FOO: "bar", OPENAI_BASE_URL: "http://overridden" } },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      "http://127.0.0.1:8088/openai/v1|http://127.0.0.1:8088/openai/v1|http://127.0.0.1:8088/anthropic|bar",
    );
    // Nothing listens on 8088 in this test: the user is told.
    assert.match(r.stderr, /no gateway answers at http:\/\/127\.0\.0\.1:8088/);
  });
});

// Issue 18: a missing command exited 1; shells use 127 (not found) and 126 (cannot run).
Deno.test("wrap: the child's exit code is ours; a command that cannot start exits as in a shell", async () => {
  await withFiles({ "ongoingai.yaml": wrapYaml, "notes.txt": "not a program\n" }, async (dir) => {
    const seven = await runCliProcess(["wrap", "--", "sh", "-c", "exit 7"], { cwd: dir });
    assert.equal(seven.code, 7);
    const table: [string, number, RegExp][] = [
      [
        "definitely-not-a-real-command",
        127,
        /wrap: definitely-not-a-real-command: command not found \(not found in PATH\)/,
      ],
      ["./no-such-file", 127, /wrap: \.\/no-such-file: command not found \(no such file\)/],
      ["./notes.txt", 126, /wrap: \.\/notes\.txt: cannot run: permission denied/],
      [dir, 126, /wrap: .*: cannot run: /],
    ];
    for (const [command, code, message] of table) {
      const r = await runCliProcess(["wrap", "--", command, "arg"], { cwd: dir });
      assert.equal(r.code, code, `${command}: ${r.stderr}`);
      assert.match(r.stderr, message, command);
    }
    // The shell's own codes, for comparison: what `wrap` matches.
    const sh = await runCliProcess(["wrap", "--", "sh", "-c", "definitely-not-a-real-command"], {
      cwd: dir,
    });
    assert.equal(sh.code, 127);
  });
});

Deno.test({
  name: "wrap: SIGTERM reaches the child, whose exit code becomes ours",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withFiles({ "ongoingai.yaml": wrapYaml }, async (dir) => {
      const { cliCommand } = await import("../support/process.ts");
      const child = cliCommand(
        ["wrap", "--", "sh", "-c", 'trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done'],
        { cwd: dir },
      ).spawn();
      const reader = child.stdout.getReader();
      let out = "";
      while (!out.includes("ready")) {
        const { value, done } = await reader.read();
        if (done) break;
        out += new TextDecoder().decode(value);
      }
      child.kill("SIGTERM");
      const status = await child.status;
      reader.releaseLock();
      await child.stdout.cancel();
      await child.stderr.cancel();
      assert.equal(status.code, 42);
    });
  },
});

Deno.test("check accepts PII policies and warns about what this build does not enforce", async () => {
  for (
    const yaml of [
      "pii:\n  mode: block\n  replacement: { hash_salt: s }\n",
      "tracing:\n  capture_bodies: true\n",
      "pii:\n  scopes:\n    - { match: { provider: openai }, mode: block }\n",
    ]
  ) {
    await withFiles({ "ongoingai.yaml": yaml }, async (dir) => {
      const r = await cli(["check"], dir);
      assert.equal(r.code, 0, `${yaml}: ${r.stderr}`);
    });
  }
  // Limits are only a warning: nothing is exposed by not enforcing them.
  await withFiles(
    { "ongoingai.yaml": "limits:\n  per_key:\n    requests_per_minute: 5\n" },
    async (dir) => {
      const r = await cli(["check"], dir);
      assert.equal(r.code, 0);
      assert.match(
        r.stderr,
        /limits: limits apply to gateway keys and workspaces, so only with auth.enabled: true/,
      );
    },
  );
  // Team mode is carried out: check accepts it.
  await withFiles(
    {
      "ongoingai.yaml": "auth:\n  enabled: true\n  keys: [{ id: a, token_hash: " + "a".repeat(64) +
        " }]\n",
    },
    async (dir) => {
      assert.equal((await cli(["check"], dir)).code, 0);
    },
  );
  // Bodies stored as they are, chosen explicitly, are fine.
  await withFiles(
    { "ongoingai.yaml": "tracing:\n  capture_bodies: true\npii:\n  mode: off\n" },
    async (dir) => {
      assert.equal((await cli(["check"], dir)).code, 0);
    },
  );
});

Deno.test({
  name: "wrap: a terminal Ctrl-C (SIGINT to the process group) reaches the child once, not twice",
  ignore: Deno.build.os === "windows",
  async fn() {
    await withFiles({ "ongoingai.yaml": wrapYaml }, async (dir) => {
      // `setsid` makes wrap the leader of its own process group, as a shell does for a job.
      const child = new Deno.Command("setsid", {
        args: [Deno.execPath(), "run", "-A", mainModule, "wrap", "--", "sh", "-c", childScript],
        cwd: dir,
        env: cleanEnv(),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const reader = child.stdout.getReader();
      let out = "";
      const readUntil = async (text: string) => {
        while (!out.includes(text)) {
          const { value, done } = await reader.read();
          if (done) break;
          out += new TextDecoder().decode(value);
        }
      };
      await readUntil("ready");
      Deno.kill(-child.pid, "SIGINT");
      await readUntil("INT");
      // Give a second, forwarded copy every chance to arrive before ending the child.
      await new Promise((r) => setTimeout(r, 300));
      child.kill("SIGTERM");
      const status = await child.status;
      await readUntil("\u0000"); // drain to the end
      reader.releaseLock();
      await child.stderr.cancel();
      assert.equal(status.code, 42);
      assert.equal(out.split("\n").filter((l) => l === "INT").length, 1, out);
    });
  },
});

const childScript =
  'trap "echo INT" INT; trap "exit 42" TERM; echo ready; while :; do sleep 0.05; done';

Deno.test("serve with an unreachable PostgreSQL exits 1 naming the host, never the password", async () => {
  const yaml =
    "storage:\n  driver: postgres\n  dsn: postgres://alice:s3cr3t-pw@127.0.0.1:1/traces\n";
  await withFiles({ "ongoingai.yaml": yaml }, async (dir) => {
    const r = await cli(["serve"], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /127\.0\.0\.1:1\/traces/);
    assert.doesNotMatch(r.stderr + r.stdout, /s3cr3t/);
  });
});
