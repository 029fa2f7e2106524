/**
 * `ongoingai debug`'s argument rules as a table (reference section 1.6): every message and exit
 * code, run through the dispatcher in-process (usage errors come before the config is read), and
 * what the accepted forms select.
 */
import assert from "node:assert/strict";
import { type CliIo, runCli } from "../../src/cli/mod.ts";
import { parseDebugArgs } from "../../src/cli/debug.ts";

async function run(args: string[]) {
  let stdout = "", stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    cwd: Deno.makeTempDirSync({ prefix: "ongoingai-debug-args-" }),
  };
  const code = await runCli(["debug", ...args], io);
  Deno.removeSync(io.cwd, { recursive: true });
  return { code, stdout, stderr };
}

const usage: Array<[string[], string]> = [
  [["banana"], `debug positional argument must be "last"`],
  [["--limit", "5", "banana"], `debug positional argument must be "last"`],
  [["last", "x", "y"], "debug accepts at most one positional argument: last"],
  [["a", "b"], "debug accepts at most one positional argument: last"],
  [
    ["last", "--trace-id", "t"],
    `debug "last" cannot be combined with --trace-id, --trace-group-id, --thread-id, or --run-id`,
  ],
  [
    ["--thread-id", "x", "last"],
    `debug "last" cannot be combined with --trace-id, --trace-group-id, --thread-id, or --run-id`,
  ],
  [
    ["last", "--session-id", "s"],
    `debug "last" cannot be combined with --trace-id, --trace-group-id, --thread-id, or --run-id`,
  ],
  [
    ["--trace-id", "a", "--trace-group-id", "b"],
    "trace-id cannot be combined with trace-group-id/thread-id/run-id filters",
  ],
  [
    ["--trace-id", "a", "--run-id", "b"],
    "trace-id cannot be combined with trace-group-id/thread-id/run-id filters",
  ],
  [["--limit", "0"], "limit must be between 1 and 500"],
  [["--limit", "501"], "limit must be between 1 and 500"],
  [["--limit=-3"], "limit must be between 1 and 500"],
  [["--limit", "ten"], `invalid value "ten" for --limit: expected a number`],
  [["--format", "yaml"], `invalid debug format "yaml": expected text or json`],
  [["--no-such-flag"], "debug: Unknown option '--no-such-flag'"],
  [["--diff=yes"], "debug: Option '--diff' does not take an argument"],
];

for (const [args, message] of usage) {
  Deno.test(`debug ${args.join(" ")}: exit 2, ${message}`, async () => {
    const r = await run(args);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.ok(r.stderr.startsWith(`${message}\n`), r.stderr);
    assert.match(r.stderr, /Usage: ongoingai debug \[last\]/);
  });
}

const accepted: Array<[string[], ReturnType<typeof parseDebugArgs>["selection"], number?]> = [
  [[], {}],
  [["last"], {}],
  [["--limit", "10", "last"], {}, 10],
  [[" last "], {}],
  // As the original: the first `last` is taken before the flags, the second is the positional.
  [["last", "last"], {}],
  [["--trace-id", " t1 "], { trace_id: "t1" }],
  [["--trace-id", "  "], {}],
  [["--trace-group-id", "g", "--thread-id", "th", "--run-id", "r"], {
    trace_group_id: "g",
    thread_id: "th",
    run_id: "r",
  }],
  [["--session-id=s"], { session_id: "s" }],
  [["--limit=500"], {}, 500],
];

for (const [args, selection, limit] of accepted) {
  Deno.test(`debug ${args.join(" ") || "(nothing)"}: accepted`, () => {
    const parsed = parseDebugArgs(args);
    assert.deepEqual(parsed.selection, selection);
    assert.equal(parsed.options.limit, limit ?? 200);
  });
}

Deno.test("debug: flags set the options; --format is trimmed and case-blind", () => {
  const p = parseDebugArgs([
    "--diff",
    "--include-headers",
    "--include-bodies",
    "--format",
    " JSON ",
    "--bundle-out",
    "out",
  ]);
  assert.equal(p.format, "json");
  assert.equal(p.bundleOut, "out");
  assert.deepEqual(p.options, {
    limit: 200,
    include_diff: true,
    include_headers: true,
    include_bodies: true,
  });
});

Deno.test("debug --help: the flags, exit 0", async () => {
  const r = await run(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--bundle-out DIR/);
  assert.match(r.stdout, /--session-id ID/);
});
