/**
 * install.sh end to end: the real script under sh (and dash when installed) against a local
 * server laid out like GitHub's release downloads. Failure cases live in install_errors_test.ts
 * and install_permissions_test.ts.
 */
import assert from "node:assert/strict";
import {
  latestVersion,
  pinnedVersion,
  type Scenario,
  standardReleases,
  unixAssets,
  withScenario,
} from "./harness.ts";
import { hostTool, installScript, listDir, runInstaller } from "./sandbox.ts";

const sh = hostTool("sh");
const dash = hostTool("dash");

async function runSyntaxCheck(shell: string): Promise<void> {
  const out = await new Deno.Command(shell, { args: ["-n", installScript], stderr: "piped" })
    .output();
  assert.equal(out.code, 0, `${shell} -n install.sh: ${new TextDecoder().decode(out.stderr)}`);
}

Deno.test("install.sh parses as POSIX sh (sh -n)", async () => {
  assert.ok(sh, "sh is on PATH");
  await runSyntaxCheck(sh);
});

Deno.test({
  name: "install.sh parses under dash (dash -n)",
  ignore: dash === undefined,
  fn: async () => await runSyntaxCheck(dash ?? "dash"),
});

/** The installed file runs and reports the release it came from. */
async function assertInstalled(target: string, version: string): Promise<void> {
  const info = await Deno.stat(target);
  assert.equal((info.mode ?? 0) & 0o777, 0o755, "installed binary is mode 755");
  const out = await new Deno.Command(target, { args: ["version"], stdout: "piped" }).output();
  assert.equal(out.code, 0);
  assert.match(new TextDecoder().decode(out.stdout), new RegExp(`^${version} \\(fakecommit`));
}

function assertNextSteps(stderr: string): void {
  for (
    const step of [
      "ongoingai init",
      "ongoingai check",
      "ongoingai serve",
      'eval "$(ongoingai shell-init)"',
    ]
  ) {
    assert.ok(stderr.includes(`  ${step}`), `next steps mention ${step}:\n${stderr}`);
  }
  assert.ok(!stderr.includes("install gateway"), "no command that does not exist");
}

const shells = [
  { name: "sh install.sh", path: sh, viaStdin: false },
  { name: "dash install.sh", path: dash, viaStdin: false },
  { name: "piped into sh, as curl | sh", path: sh, viaStdin: true },
];

for (const shell of shells) {
  Deno.test({
    name: `install.sh (${shell.name}): latest release through GitHub's redirect, verified`,
    ignore: shell.path === undefined,
    fn: () =>
      withScenario({}, async ({ server, sandbox, baseEnv }: Scenario) => {
        const dir = `${sandbox.home}/tools/bin`;
        const run = await runInstaller(sandbox, {
          ...(shell.path === undefined ? {} : { shell: shell.path }),
          viaStdin: shell.viaStdin,
          env: { ...baseEnv, ONGOINGAI_INSTALL_DIR: dir },
        });
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stdout, "", "messages go to stderr");
        assert.deepEqual(server.requests, [
          "/releases/latest/download/ongoingai_linux_amd64",
          `/releases/download/v${latestVersion}/ongoingai_linux_amd64`,
          "/releases/latest/download/checksums.txt",
          `/releases/download/v${latestVersion}/checksums.txt`,
        ]);
        await assertInstalled(`${dir}/ongoingai`, latestVersion);
        assert.deepEqual(await listDir(dir), ["ongoingai"], "no staging file left behind");
        assert.deepEqual(await listDir(sandbox.tmp), [], "temporary download directory removed");
        assert.ok(run.stderr.includes("sha256 verified"), run.stderr);
        assert.ok(
          run.stderr.includes(`installed ${dir}/ongoingai: ongoingai ${latestVersion} (`),
          run.stderr,
        );
        // The directory is not on the installer's PATH: the exact line to add, $PATH unexpanded.
        assert.ok(run.stderr.includes(`is not on your PATH`), run.stderr);
        assert.ok(run.stderr.includes(`\n  export PATH="${dir}:$PATH"\n`), run.stderr);
        assertNextSteps(run.stderr);
      }),
  });
}

const pinnedCases = [
  { version: pinnedVersion, platform: { os: "Linux", arch: "aarch64" }, asset: unixAssets[1] },
  { version: `v${pinnedVersion}`, platform: { os: "Darwin", arch: "arm64" }, asset: unixAssets[3] },
  { version: pinnedVersion, platform: { os: "Darwin", arch: "x86_64" }, asset: unixAssets[2] },
  { version: pinnedVersion, platform: { os: "Linux", arch: "amd64" }, asset: unixAssets[0] },
];

for (const c of pinnedCases) {
  Deno.test(`install.sh: ONGOINGAI_VERSION=${c.version} on ${c.platform.os}/${c.platform.arch} installs ${c.asset}`, () =>
    withScenario({ platform: c.platform }, async ({ server, sandbox, baseEnv }) => {
      const dir = `${sandbox.root}/opt-bin`;
      const run = await runInstaller(sandbox, {
        env: { ...baseEnv, ONGOINGAI_VERSION: c.version, ONGOINGAI_INSTALL_DIR: dir },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(server.requests, [
        `/releases/download/v${pinnedVersion}/${c.asset}`,
        `/releases/download/v${pinnedVersion}/checksums.txt`,
      ]);
      await assertInstalled(`${dir}/ongoingai`, pinnedVersion);
      assert.ok(run.stderr.includes(`(v${pinnedVersion})`), run.stderr);
      assertNextSteps(run.stderr);
    }));
}

Deno.test("install.sh: an upgrade replaces the old binary; no PATH warning when the dir is on PATH", () =>
  withScenario({}, async ({ sandbox, baseEnv }) => {
    const dir = `${sandbox.root}/on-path`;
    const env = { ...baseEnv, ONGOINGAI_INSTALL_DIR: dir };
    const first = await runInstaller(sandbox, {
      env: { ...env, ONGOINGAI_VERSION: pinnedVersion },
      extraPath: [dir],
    });
    assert.equal(first.code, 0, first.stderr);
    await assertInstalled(`${dir}/ongoingai`, pinnedVersion);

    const second = await runInstaller(sandbox, { env, extraPath: [dir] });
    assert.equal(second.code, 0, second.stderr);
    await assertInstalled(`${dir}/ongoingai`, latestVersion);
    assert.deepEqual(await listDir(dir), ["ongoingai"]);
    assert.ok(!second.stderr.includes("not on your PATH"), second.stderr);
    assert.ok(!second.stderr.includes("comes earlier on your PATH"), second.stderr);
  }));

Deno.test("install.sh: warns when another ongoingai comes first on PATH", () =>
  withScenario({}, async ({ sandbox, baseEnv }) => {
    const dir = `${sandbox.root}/later`;
    const shadow = `${sandbox.root}/earlier`;
    await Deno.mkdir(shadow);
    await Deno.writeTextFile(`${shadow}/ongoingai`, "#!/bin/sh\necho old\n", { mode: 0o755 });
    const run = await runInstaller(sandbox, {
      env: { ...baseEnv, ONGOINGAI_INSTALL_DIR: dir },
      extraPath: [shadow, dir],
    });
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      run.stderr.includes(`${shadow}/ongoingai comes earlier on your PATH than ${dir}/ongoingai`),
      run.stderr,
    );
  }));

const unsupported = [
  {
    platform: { os: "FreeBSD", arch: "amd64" },
    says: ["unsupported operating system: FreeBSD", "container", "deno task start"],
  },
  {
    platform: { os: "Linux", arch: "mips" },
    says: ["unsupported CPU architecture: mips", "amd64 and arm64"],
  },
  {
    platform: { os: "MINGW64_NT-10.0-19045", arch: "x86_64" },
    says: ["does not install on Windows", "ongoingai_windows_amd64.exe"],
  },
];

for (const c of unsupported) {
  Deno.test(`install.sh: ${c.platform.os}/${c.platform.arch} is refused with a clear error`, () =>
    withScenario({ platform: c.platform }, async ({ server, sandbox, baseEnv }) => {
      const dir = `${sandbox.root}/bin-out`;
      const run = await runInstaller(sandbox, {
        env: { ...baseEnv, ONGOINGAI_INSTALL_DIR: dir },
      });
      assert.equal(run.code, 1, run.stderr);
      for (const text of [...c.says, server.baseUrl]) {
        assert.ok(run.stderr.includes(text), `mentions ${text}:\n${run.stderr}`);
      }
      assert.deepEqual(server.requests, [], "nothing downloaded");
      assert.deepEqual(await listDir(dir), []);
    }));
}

Deno.test("install.sh: a relative ONGOINGAI_INSTALL_DIR is resolved, so the PATH line works anywhere", () =>
  withScenario({}, async ({ sandbox, baseEnv }) => {
    // The installer runs with the sandbox's HOME as its working directory.
    const run = await runInstaller(sandbox, {
      env: { ...baseEnv, ONGOINGAI_INSTALL_DIR: "rel/bin" },
    });
    assert.equal(run.code, 0, run.stderr);
    const dir = `${sandbox.home}/rel/bin`;
    await assertInstalled(`${dir}/ongoingai`, latestVersion);
    assert.ok(run.stderr.includes(`export PATH="${dir}:$PATH"`), run.stderr);
  }));

// An upgrade whose new binary cannot run here (wrong libc, noexec mount) must not cost the user
// the working one: the new file is tried before it replaces the old.
Deno.test("install.sh: a new binary that does not run leaves the installed one in place", async () => {
  const broken = new TextEncoder().encode(
    "#!/bin/sh\necho 'cannot execute binary file: Exec format error' >&2\nexit 126\n",
  );
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", broken));
  const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
  const releases = await standardReleases();
  const latest = releases.find((r) => r.version === latestVersion)!;
  latest.files.set("ongoingai_linux_amd64", broken);
  latest.files.set(
    "checksums.txt",
    new TextEncoder().encode(`${hex}  ongoingai_linux_amd64\n`),
  );
  await withScenario({ releases }, async ({ sandbox, baseEnv }) => {
    const dir = `${sandbox.root}/installed`;
    const env = { ...baseEnv, ONGOINGAI_INSTALL_DIR: dir };
    const first = await runInstaller(sandbox, {
      env: { ...env, ONGOINGAI_VERSION: pinnedVersion },
    });
    assert.equal(first.code, 0, first.stderr);

    const upgrade = await runInstaller(sandbox, { env });
    assert.equal(upgrade.code, 1, upgrade.stderr);
    assert.match(upgrade.stderr, /Exec format error/);
    assert.match(upgrade.stderr, new RegExp(`${dir}/ongoingai was left as it was`));
    await assertInstalled(`${dir}/ongoingai`, pinnedVersion);
    assert.deepEqual(await listDir(dir), ["ongoingai"], "no staged file left behind");
  });
});
