/**
 * install.sh refusing to install: missing release files, bad checksums, missing tools, a bad
 * version; and the fallbacks it does take (wget without curl, shasum without sha256sum).
 * A refused install leaves an existing binary untouched.
 */
import assert from "node:assert/strict";
import { buildRelease } from "./release_server.ts";
import {
  defaultTools,
  latestVersion,
  pinnedVersion,
  type Scenario,
  unixAssets,
  withScenario,
} from "./harness.ts";
import { baseTools, hostTool, listDir, runInstaller } from "./sandbox.ts";
import { freePort } from "../support/process.ts";

const previous = "#!/bin/sh\necho 'previous install'\n";

/** A scenario whose install dir already holds an older ongoingai, to prove refusals touch nothing. */
async function prepareExisting(s: Scenario): Promise<string> {
  const dir = `${s.sandbox.root}/installed`;
  await Deno.mkdir(dir);
  await Deno.writeTextFile(`${dir}/ongoingai`, previous, { mode: 0o755 });
  return dir;
}

async function assertUntouched(dir: string): Promise<void> {
  assert.deepEqual(await listDir(dir), ["ongoingai"], "no staging file left behind");
  assert.equal(await Deno.readTextFile(`${dir}/ongoingai`), previous, "old binary kept");
}

function assertMentions(stderr: string, texts: readonly string[]): void {
  for (const text of texts) assert.ok(stderr.includes(text), `mentions ${text}:\n${stderr}`);
}

Deno.test("install.sh: a version that does not exist is a 404 naming the URL and the version", () =>
  withScenario({}, async (s) => {
    const dir = await prepareExisting(s);
    const run = await runInstaller(s.sandbox, {
      env: { ...s.baseEnv, ONGOINGAI_VERSION: "9.9.9", ONGOINGAI_INSTALL_DIR: dir },
    });
    assert.equal(run.code, 1, run.stderr);
    const url = `${s.server.baseUrl}/download/v9.9.9/ongoingai_linux_amd64`;
    assertMentions(run.stderr, [`not found (HTTP 404) at ${url}`, "release v9.9.9", "releases"]);
    assert.deepEqual(s.server.requests, ["/releases/download/v9.9.9/ongoingai_linux_amd64"]);
    await assertUntouched(dir);
    assert.deepEqual(await listDir(s.sandbox.tmp), []);
  }));

Deno.test("install.sh: a latest release without this platform's asset is a 404 for the latest release", async () => {
  const releases = [await buildRelease(latestVersion, [unixAssets[0]])];
  await withScenario(
    { releases, platform: { os: "Darwin", arch: "arm64" } },
    async (s) => {
      const dir = await prepareExisting(s);
      const run = await runInstaller(s.sandbox, {
        env: { ...s.baseEnv, ONGOINGAI_INSTALL_DIR: dir },
      });
      assert.equal(run.code, 1, run.stderr);
      assertMentions(run.stderr, [
        `${s.server.baseUrl}/latest/download/ongoingai_darwin_arm64`,
        "HTTP 404",
        "the latest release has no file ongoingai_darwin_arm64",
      ]);
      await assertUntouched(dir);
    },
  );
});

const refusals = [
  {
    name: "a checksum mismatch",
    options: { tamper: { asset: "ongoingai_linux_amd64", content: "#!/bin/sh\necho evil\n" } },
    says: ["checksum mismatch for ongoingai_linux_amd64; refusing to install it"],
  },
  {
    name: "an asset missing from checksums.txt",
    options: { unlisted: "ongoingai_linux_amd64" },
    says: ["has no entry for ongoingai_linux_amd64; refusing to install an unverified binary"],
  },
];

for (const c of refusals) {
  Deno.test(`install.sh: ${c.name} is refused and nothing is installed`, async () => {
    const releases = [await buildRelease(pinnedVersion, [...unixAssets], c.options)];
    await withScenario({ releases }, async (s) => {
      const dir = await prepareExisting(s);
      const run = await runInstaller(s.sandbox, {
        env: { ...s.baseEnv, ONGOINGAI_VERSION: pinnedVersion, ONGOINGAI_INSTALL_DIR: dir },
      });
      assert.equal(run.code, 1, run.stderr);
      assertMentions(run.stderr, c.says);
      assert.ok(!run.stderr.includes("sha256 verified"), run.stderr);
      await assertUntouched(dir);
      assert.deepEqual(await listDir(s.sandbox.tmp), [], "temporary files removed");
    });
  });
}

Deno.test("install.sh: a release without checksums.txt is refused", async () => {
  const release = await buildRelease(pinnedVersion, [...unixAssets]);
  release.files.delete("checksums.txt");
  await withScenario({ releases: [release] }, async (s) => {
    const dir = await prepareExisting(s);
    const run = await runInstaller(s.sandbox, {
      env: { ...s.baseEnv, ONGOINGAI_VERSION: pinnedVersion, ONGOINGAI_INSTALL_DIR: dir },
    });
    assert.equal(run.code, 1, run.stderr);
    assertMentions(run.stderr, [
      `checksums.txt not found (HTTP 404) at ${s.server.baseUrl}/download/v${pinnedVersion}/`,
    ]);
    await assertUntouched(dir);
  });
});

const missingTools = [
  {
    name: "neither sha256sum nor shasum",
    tools: [...baseTools, "curl"],
    says: ["neither sha256sum nor shasum is installed"],
  },
  {
    name: "neither curl nor wget",
    tools: [...baseTools, "sha256sum"],
    says: ["neither curl nor wget is installed"],
  },
];

for (const c of missingTools) {
  Deno.test(`install.sh: ${c.name} on PATH is a clear error before any download`, () =>
    withScenario({ tools: c.tools }, async (s) => {
      const dir = await prepareExisting(s);
      const run = await runInstaller(s.sandbox, {
        env: { ...s.baseEnv, ONGOINGAI_INSTALL_DIR: dir },
      });
      assert.equal(run.code, 1, run.stderr);
      assertMentions(run.stderr, c.says);
      assert.deepEqual(s.server.requests, []);
      await assertUntouched(dir);
    }));
}

Deno.test("install.sh: a malformed ONGOINGAI_VERSION is refused before any download", () =>
  withScenario({}, async (s) => {
    const run = await runInstaller(s.sandbox, {
      env: {
        ...s.baseEnv,
        ONGOINGAI_VERSION: "banana",
        ONGOINGAI_INSTALL_DIR: `${s.sandbox.root}/x`,
      },
    });
    assert.equal(run.code, 1, run.stderr);
    assertMentions(run.stderr, ["ONGOINGAI_VERSION=banana is not a release version", "v1.2.3"]);
    assert.deepEqual(s.server.requests, []);
  }));

const hasWget = hostTool("wget") !== undefined;

Deno.test({
  name: "install.sh: falls back to wget when curl is not on PATH",
  ignore: !hasWget,
  fn: () =>
    withScenario({ tools: [...baseTools, "wget", "sha256sum"] }, async (s) => {
      const dir = `${s.sandbox.root}/wget-bin`;
      const run = await runInstaller(s.sandbox, {
        env: { ...s.baseEnv, ONGOINGAI_INSTALL_DIR: dir },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(s.server.requests, [
        "/releases/latest/download/ongoingai_linux_amd64",
        `/releases/download/v${latestVersion}/ongoingai_linux_amd64`,
        "/releases/latest/download/checksums.txt",
        `/releases/download/v${latestVersion}/checksums.txt`,
      ]);
      assert.ok(run.stderr.includes(`ongoingai ${latestVersion} (`), run.stderr);
    }),
});

Deno.test({
  name: "install.sh: with wget, a missing version is still reported as HTTP 404",
  ignore: !hasWget,
  fn: () =>
    withScenario({ tools: [...baseTools, "wget", "sha256sum"] }, async (s) => {
      const dir = await prepareExisting(s);
      const run = await runInstaller(s.sandbox, {
        env: { ...s.baseEnv, ONGOINGAI_VERSION: "v8.0.0", ONGOINGAI_INSTALL_DIR: dir },
      });
      assert.equal(run.code, 1, run.stderr);
      assertMentions(run.stderr, [
        `not found (HTTP 404) at ${s.server.baseUrl}/download/v8.0.0/ongoingai_linux_amd64`,
        "release v8.0.0",
      ]);
      await assertUntouched(dir);
    }),
});

Deno.test({
  name: "install.sh: verifies with shasum -a 256 when sha256sum is not on PATH",
  ignore: hostTool("shasum") === undefined || hostTool("perl") === undefined,
  fn: () =>
    withScenario(
      { tools: [...defaultTools.filter((t) => t !== "sha256sum"), "shasum", "perl"] },
      async (s) => {
        const dir = `${s.sandbox.root}/shasum-bin`;
        // shasum is a perl script; perl comes from the sandbox PATH too, in case its shebang
        // goes through env.
        const run = await runInstaller(s.sandbox, {
          env: { ...s.baseEnv, ONGOINGAI_INSTALL_DIR: dir },
        });
        assert.equal(run.code, 0, run.stderr);
        assert.ok(run.stderr.includes("sha256 verified"), run.stderr);
      },
    ),
});

Deno.test("install.sh: an unreachable mirror is a clear error, not an HTTP status", () =>
  withScenario({}, async (s) => {
    const dir = await prepareExisting(s);
    const base = `http://127.0.0.1:${freePort()}/releases`;
    const run = await runInstaller(s.sandbox, {
      env: { ONGOINGAI_INSTALL_BASE_URL: base, ONGOINGAI_INSTALL_DIR: dir },
    });
    assert.equal(run.code, 1, run.stderr);
    assertMentions(run.stderr, [
      `could not download ongoingai_linux_amd64 from ${base}/latest/download/ongoingai_linux_amd64`,
      "no HTTP answer; curl exit code 7",
    ]);
    await assertUntouched(dir);
  }));
