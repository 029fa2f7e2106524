/**
 * `ongoingai version` (issue 18: a source checkout printed `0.1.0-dev (none, unknown)`): a
 * stamped build prints its stamp; a checkout prints its git commit; anything else says it is an
 * unstamped build. Never the dev placeholders.
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { checkoutRoot, describeUnstamped, type GitRunner } from "../../src/cli/version.ts";
import { type BuildStamp, VERSION, versionString } from "../../src/version.ts";
import { runCaptured } from "../support/cli_io.ts";
import { repoRoot } from "../support/process.ts";

const dev: BuildStamp = { version: "0.1.0-dev", commit: "none", date: "unknown" };
const release: BuildStamp = {
  version: "1.2.3",
  commit: "0123456789ab",
  date: "2026-11-22T10:00:00Z",
};

Deno.test("versionString: the stamp when there is one, else what is known instead", () => {
  const table: [Parameters<typeof versionString>[0], BuildStamp, string][] = [
    [{ kind: "unstamped" }, release, "1.2.3 (0123456789ab, 2026-11-22T10:00:00Z)"],
    [
      { kind: "checkout", commit: "abcdef012345" },
      release,
      "1.2.3 (0123456789ab, 2026-11-22T10:00:00Z)",
    ],
    [
      { kind: "checkout", commit: "abcdef012345" },
      dev,
      "0.1.0-dev (abcdef012345, source checkout)",
    ],
    [
      { kind: "checkout", commit: "abcdef012345-dirty" },
      dev,
      "0.1.0-dev (abcdef012345-dirty, source checkout)",
    ],
    [{ kind: "checkout", commit: null }, dev, "0.1.0-dev (source checkout, commit unknown)"],
    [{ kind: "unstamped" }, dev, "0.1.0-dev (unstamped build, commit unknown)"],
  ];
  for (const [unstamped, stamp, want] of table) {
    const got = versionString(unstamped, stamp);
    assert.equal(got, want);
    assert.doesNotMatch(got, /none|\(.*, unknown\)/);
  }
});

Deno.test("describeUnstamped: git's commit for the source file, nothing asked for a bundle", async () => {
  const calls: string[][] = [];
  const git = (answers: Record<string, string | null>): GitRunner => (_cwd, args) => {
    calls.push(args);
    return Promise.resolve(answers[args[0]!] ?? null);
  };
  const source = new URL("../../src/cli/version.ts", import.meta.url).href;
  const table: [string, Record<string, string | null>, unknown][] = [
    [source, { "rev-parse": "abcdef012345", status: "" }, {
      kind: "checkout",
      commit: "abcdef012345",
    }],
    [source, { "rev-parse": "abcdef012345", status: " M src/main.ts" }, {
      kind: "checkout",
      commit: "abcdef012345-dirty",
    }],
    [source, { "rev-parse": null, status: null }, { kind: "checkout", commit: null }],
    [source, { "rev-parse": "fatal: not a git repository", status: null }, {
      kind: "checkout",
      commit: null,
    }],
    ["file:///tmp/dist/ongoingai.js", { "rev-parse": "abcdef012345" }, { kind: "unstamped" }],
    ["https://example.com/src/cli/version.ts", { "rev-parse": "abcdef012345" }, {
      kind: "unstamped",
    }],
  ];
  for (const [url, answers, want] of table) {
    calls.length = 0;
    assert.deepEqual(await describeUnstamped(url, git(answers)), want, url);
    if ((want as { kind: string }).kind === "unstamped") assert.deepEqual(calls, [], url);
  }
  assert.equal(checkoutRoot(source), repoRoot);
});

Deno.test("describeUnstamped: a directory that is no git checkout gives commit unknown", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-version-" });
  try {
    const fake = new URL(`file://${dir}/src/cli/version.ts`).href;
    assert.deepEqual(await describeUnstamped(fake), { kind: "checkout", commit: null });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("version in this source checkout prints the checkout's commit", async () => {
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", { args, cwd: repoRoot, stderr: "null" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  };
  const hash = await git("rev-parse", "--short=12", "HEAD");
  const dirty = (await git("status", "--porcelain", "--untracked-files=no")) !== "";
  for (const args of [["version"], ["--version"], ["-v"]]) {
    const r = await runCaptured(runCli, args, Deno.cwd());
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stdout, /none|unknown\)/);
    const want = hash === null
      ? "source checkout, commit unknown"
      : `${hash}${dirty ? "-dirty" : ""}, source checkout`;
    assert.equal(r.stdout, `${VERSION} (${want})\n`);
  }
});
