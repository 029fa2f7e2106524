/**
 * install.sh and directory permissions. Root writes anywhere, so under root these cases run the
 * script as uid 65534 (setpriv or runuser); a normal user runs it directly against a 0555
 * directory. Each case first confirms that the runner really cannot write there, so a pass means
 * the permission path ran.
 */
import assert from "node:assert/strict";
import { canWrite, findUnprivileged, type Unprivileged, withScenario } from "./harness.ts";
import { installScript, listDir, runInstaller, type Sandbox } from "./sandbox.ts";

const user = await findUnprivileged();
const skipReason = typeof user === "string" ? user : undefined;
if (skipReason) console.warn(`install.sh permission tests skipped: ${skipReason}`);

/** Copies install.sh where the unprivileged user can read it (the checkout may be private). */
async function readableScript(sandbox: Sandbox): Promise<string> {
  const copy = `${sandbox.root}/install.sh`;
  await Deno.copyFile(installScript, copy);
  await Deno.chmod(copy, 0o644);
  return copy;
}

/** A directory the runner may not write to: root-owned 0755 for nobody, 0555 for a normal user. */
async function lockedDir(sandbox: Sandbox, runner: Unprivileged): Promise<string> {
  const dir = `${sandbox.root}/locked`;
  await Deno.mkdir(dir);
  await Deno.chmod(dir, runner.prefix.length > 0 ? 0o755 : 0o555);
  assert.equal(await canWrite(runner, dir), false, `${dir} must not be writable by the runner`);
  return dir;
}

const cases = [
  { name: "an existing directory", target: (locked: string) => locked, says: (l: string) => l },
  {
    name: "a directory to create under it",
    target: (locked: string) => `${locked}/sub/bin`,
    says: (l: string) => `${l} (to create ${l}/sub/bin)`,
  },
];

for (const c of cases) {
  Deno.test({
    name: `install.sh: no write permission to ${c.name} is a clear error`,
    ignore: skipReason !== undefined,
    fn: () =>
      withScenario({}, async (s) => {
        const runner = user as Unprivileged;
        const locked = await lockedDir(s.sandbox, runner);
        try {
          const run = await runInstaller(s.sandbox, {
            env: { ...s.baseEnv, ONGOINGAI_INSTALL_DIR: c.target(locked) },
            asUser: runner.prefix,
            script: await readableScript(s.sandbox),
          });
          assert.equal(run.code, 1, run.stderr);
          for (
            const text of [
              `no permission to write to ${c.says(locked)}`,
              'ONGOINGAI_INSTALL_DIR="$HOME/.local/bin" sh',
              "| sudo sh",
            ]
          ) {
            assert.ok(run.stderr.includes(text), `mentions ${text}:\n${run.stderr}`);
          }
          assert.deepEqual(s.server.requests, [], "checked before downloading anything");
          assert.deepEqual(await listDir(locked), []);
        } finally {
          await Deno.chmod(locked, 0o755);
        }
      }),
  });
}

// The default (no ONGOINGAI_INSTALL_DIR) is /usr/local/bin when writable: only a runner that
// cannot write there may run this case, or it would install into the real /usr/local/bin.
const usrLocalWritable = typeof user === "string"
  ? undefined
  : await canWrite(user, "/usr/local/bin");
const defaultSkip = skipReason ??
  (usrLocalWritable ? "/usr/local/bin is writable by the test user" : undefined);
if (defaultSkip && !skipReason) console.warn(`install.sh default-dir test skipped: ${defaultSkip}`);

Deno.test({
  name:
    "install.sh: without ONGOINGAI_INSTALL_DIR and no write access to /usr/local/bin, installs into ~/.local/bin",
  ignore: defaultSkip !== undefined,
  fn: async () => {
    const runner = user as Unprivileged;
    await withScenario({ homeOwner: { uid: runner.uid, gid: runner.gid } }, async (s) => {
      const run = await runInstaller(s.sandbox, {
        env: s.baseEnv,
        asUser: runner.prefix,
        script: await readableScript(s.sandbox),
      });
      assert.equal(run.code, 0, run.stderr);
      const dir = `${s.sandbox.home}/.local/bin`;
      assert.deepEqual(await listDir(dir), ["ongoingai"]);
      assert.ok(run.stderr.includes(`into ${dir}`), run.stderr);
      assert.ok(run.stderr.includes(`export PATH="${dir}:$PATH"`), run.stderr);
      const info = await Deno.stat(`${dir}/ongoingai`);
      assert.equal(info.uid, runner.uid, "installed as the user who ran the script");
    });
  },
});
