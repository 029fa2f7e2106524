import assert from "node:assert/strict";
import {
  buildDate,
  buildInfoSource,
  checksumsText,
  commitLabel,
  commitOverride,
  compileFailureHint,
  CompileUsageError,
  dateOverride,
  denoCompileArgs,
  parseCompileArgs,
  targets,
} from "../../scripts/compile/mod.ts";
import { main } from "../../scripts/compile.ts";

const names = (args: string[]) => parseCompileArgs(args).targets.map((t) => t.output);

Deno.test("compile args: target selection", async (t) => {
  const cases: Array<[string, string[], string[]]> = [
    ["no --target builds every release target", [], targets.map((x) => x.output)],
    ["a short name", ["--target", "linux_arm64"], ["ongoingai_linux_arm64"]],
    ["a triple", ["--target=x86_64-pc-windows-msvc"], ["ongoingai_windows_amd64.exe"]],
    [
      "repeated and comma-separated, in release order",
      ["--target", "darwin_arm64,linux_amd64", "--target", "darwin_arm64"],
      ["ongoingai_linux_amd64", "ongoingai_darwin_arm64"],
    ],
  ];
  for (const [name, args, expected] of cases) {
    await t.step(name, () => assert.deepEqual(names(args), expected));
  }
});

Deno.test("compile args: the five release files of the original", () => {
  assert.deepEqual(targets.map((t) => [t.triple, t.output]), [
    ["x86_64-unknown-linux-gnu", "ongoingai_linux_amd64"],
    ["aarch64-unknown-linux-gnu", "ongoingai_linux_arm64"],
    ["x86_64-apple-darwin", "ongoingai_darwin_amd64"],
    ["aarch64-apple-darwin", "ongoingai_darwin_arm64"],
    ["x86_64-pc-windows-msvc", "ongoingai_windows_amd64.exe"],
  ]);
});

Deno.test("compile args: version, out dir and help", () => {
  assert.equal(parseCompileArgs(["--version", "v1.2.3"]).version, "1.2.3");
  assert.equal(parseCompileArgs(["--version=1.2.3-rc.1"]).version, "1.2.3-rc.1");
  assert.equal(parseCompileArgs([]).version, undefined);
  assert.equal(parseCompileArgs([]).outDir, "dist");
  assert.equal(parseCompileArgs(["--out-dir", "/tmp/x"]).outDir, "/tmp/x");
  assert.equal(parseCompileArgs(["-h"]).help, true);
});

Deno.test("compile args: commit and date overrides, for builds without .git (Dockerfile)", () => {
  const sha = "0123456789abcdef0123456789abcdef01234567";
  const opts = parseCompileArgs(["--commit", sha, "--date=2026-11-22T10:11:12.5+02:00"]);
  assert.equal(opts.commit, "0123456789ab");
  assert.equal(opts.date, "2026-11-22T08:11:12Z");
  const plain = parseCompileArgs([]);
  assert.ok(!("commit" in plain) && !("date" in plain), "absent flags leave git and the clock");
});

Deno.test("build stamp: commit and date overrides", async (t) => {
  const commits: Array<[string, string | null]> = [
    ["ABCDEF1", "abcdef1"],
    ["0123456789abcdef0123456789abcdef01234567", "0123456789ab"],
    ["0123456789abcd-dirty", "0123456789ab-dirty"],
    [" abcdef1 ", "abcdef1"],
    ["none", null],
    ["abcdefg", null],
    ["0123456789abcdef0123456789abcdef012345678", null],
  ];
  for (const [raw, expected] of commits) {
    await t.step(
      `commit ${JSON.stringify(raw)}`,
      () => assert.equal(commitOverride(raw), expected),
    );
  }
  const dates: Array<[string, string | null]> = [
    ["2026-11-22T10:00:00Z", "2026-11-22T10:00:00Z"],
    ["2026-11-22t10:00:00z", "2026-11-22T10:00:00Z"],
    ["2026-11-22T10:00:00.999Z", "2026-11-22T10:00:00Z"],
    ["2026-11-22T00:30:00-01:00", "2026-11-22T01:30:00Z"],
    ["2026-11-22", null],
    ["1700000000", null],
    ["", null],
  ];
  for (const [raw, expected] of dates) {
    await t.step(`date ${JSON.stringify(raw)}`, () => assert.equal(dateOverride(raw), expected));
  }
});

Deno.test("compile args: mistakes are usage errors that say what is wrong", async (t) => {
  const cases: Array<[string, string[], RegExp]> = [
    ["unknown target", ["--target", "linux_386"], /unknown target "linux_386"; choose from/],
    ["missing value", ["--target"], /--target needs a value/],
    ["empty value", ["--version="], /--version needs a value/],
    ["bad version", ["--version", "latest"], /--version must look like 1\.2\.3/],
    ["unknown flag", ["--targets", "x"], /unknown argument "--targets"/],
    ["commit that is not a hash", ["--commit", "main"], /--commit must be a git commit hash/],
    ["commit too short", ["--commit=abc12"], /--commit must be a git commit hash/],
    ["date that is not RFC 3339", ["--date", "March 3"], /--date must be an RFC 3339 time/],
    ["date without a zone", ["--date", "2026-11-22T10:00:00"], /--date must be an RFC 3339/],
    ["impossible date", ["--date", "2026-13-40T10:00:00Z"], /--date must be an RFC 3339/],
    ["positional", ["linux_amd64"], /unknown argument "linux_amd64"/],
  ];
  for (const [name, args, message] of cases) {
    await t.step(name, () => {
      assert.throws(() => parseCompileArgs(args), (e: unknown) => {
        assert.ok(e instanceof CompileUsageError);
        assert.match(e.message, message);
        return true;
      });
    });
  }
});

Deno.test("build stamp: the dev values give back the committed src/build_info.ts", async () => {
  const committed = await Deno.readTextFile(new URL("../../src/build_info.ts", import.meta.url));
  assert.equal(
    buildInfoSource({ version: "0.1.0-dev", commit: "none", date: "unknown" }),
    committed,
  );
});

Deno.test("build stamp: values are written as string literals, quotes escaped", async () => {
  const source = buildInfoSource({ version: '1.0.0"x', commit: "abc\\d", date: "2026" });
  const url = `data:application/typescript;base64,${btoa(source)}`;
  const mod = await import(url);
  assert.deepEqual(mod.buildInfo, { version: '1.0.0"x', commit: "abc\\d", date: "2026" });
});

Deno.test("build stamp: date and commit labels", () => {
  const now = new Date("2026-11-22T10:11:12.345Z");
  assert.equal(buildDate(now), "2026-11-22T10:11:12Z");
  assert.equal(buildDate(now, "1700000000"), "2023-11-14T22:13:20Z");
  assert.equal(buildDate(now, "not-a-number"), "2026-11-22T10:11:12Z");
  assert.equal(commitLabel("abc1234", false), "abc1234");
  assert.equal(commitLabel("abc1234", true), "abc1234-dirty");
  assert.equal(commitLabel(null, true), "none");
});

Deno.test("compile command: permissions the gateway needs, no more, and the abort flag", () => {
  const args = denoCompileArgs(targets[0]!, "dist");
  assert.deepEqual(args, [
    "compile",
    "--allow-net",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-run",
    "--unstable-no-legacy-abort",
    "--unstable-net",
    "--target",
    "x86_64-unknown-linux-gnu",
    "--output",
    "dist/ongoingai_linux_amd64",
    "src/main.ts",
  ]);
  assert.ok(!args.includes("-A") && !args.includes("--allow-all") && !args.includes("--allow-ffi"));
});

Deno.test("checksums: sha256sum format, one line per file", () => {
  const a = "a".repeat(64);
  const b = "b".repeat(64);
  assert.equal(
    checksumsText([{ name: "ongoingai_linux_amd64", sha256: a }, { name: "x.exe", sha256: b }]),
    `${a}  ongoingai_linux_amd64\n${b}  x.exe\n`,
  );
  assert.equal(checksumsText([]), "");
});

Deno.test("compile failure: an unreachable runtime download gets a plain explanation", () => {
  const offline = "error: Writing deno compile executable to temporary file\n\nCaused by:\n" +
    "    0: Setting up base binary.\n    1: error sending request for url " +
    "(https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): dns error";
  const hint = compileFailureHint(offline, targets[0]!);
  assert.match(hint ?? "", /could not download the Deno runtime \(denort\)/);
  assert.match(hint ?? "", /deno task bundle/);
  assert.equal(compileFailureHint("error: TS2322 type error", targets[0]!), null);
});

Deno.test("compile task: a bad argument exits 2 before touching anything", async () => {
  const before = await Deno.readTextFile(new URL("../../src/build_info.ts", import.meta.url));
  const errors: unknown[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void errors.push(...args);
  try {
    assert.equal(await main(["--target", "plan9_amd64"]), 2);
  } finally {
    console.error = original;
  }
  assert.match(String(errors[0]), /unknown target "plan9_amd64"/);
  const after = await Deno.readTextFile(new URL("../../src/build_info.ts", import.meta.url));
  assert.equal(after, before);
});
