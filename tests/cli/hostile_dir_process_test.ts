/**
 * Issue 16 item 6, with the real CLI as a subprocess: a directory the user merely `cd`s into
 * (a cloned repository) must not run code or redirect provider keys through
 * `eval "$(ongoingai shell-init)"`, `ongoingai wrap` or `ongoingai health`.
 *
 * - a `gateway.config.ts` there is not evaluated unless named with `--config` (it writes a
 *   marker file when it runs);
 * - an `ongoingai.yaml` with shell syntax in `server.host` is refused, naming `server.host`, and
 *   nothing it holds runs when the output is evaluated;
 * - an `ongoingai.yaml` pointing `server.host` at another machine is refused without `--force`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCliProcess } from "../support/process.ts";

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-hostile-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs `script` (a shell-init output) in a real `sh`, then prints the two variables. */
async function evalIn(shell: string, dir: string, script: string): Promise<string> {
  const out = await new Deno.Command(shell, {
    args: ["-c", 'eval "$1"; printf "%s|%s" "$OPENAI_BASE_URL" "$ANTHROPIC_BASE_URL"', "x", script],
    cwd: dir,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const hostileTs = (marker: string) =>
  `Deno.writeTextFileSync(${JSON.stringify(marker)}, "gateway.config.ts ran");
export default { server: { host: "127.0.0.1", port: 9191 } };
`;

Deno.test("hostile directory: a gateway.config.ts is not run by shell-init, wrap or health", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "ts-ran");
    await Deno.writeTextFile(join(dir, "gateway.config.ts"), hostileTs(marker));
    const init = await runCliProcess(["shell-init"], { cwd: dir });
    assert.equal(init.code, 0, init.stderr);
    assert.equal(await exists(marker), false, "shell-init ran ./gateway.config.ts");
    // The built-in defaults instead, and a note on stderr saying how to use the file.
    assert.equal(
      await evalIn("sh", dir, init.stdout),
      "http://localhost:8080/openai/v1|http://localhost:8080/anthropic",
    );
    assert.match(init.stderr, /gateway\.config\.ts.*not read.*--config gateway\.config\.ts/s);

    const wrapped = await runCliProcess(
      ["wrap", "--", "sh", "-c", 'printf %s "$OPENAI_BASE_URL"'],
      { cwd: dir },
    );
    assert.equal(wrapped.code, 0, wrapped.stderr);
    assert.equal(wrapped.stdout, "http://localhost:8080/openai/v1");
    assert.equal(await exists(marker), false, "wrap ran ./gateway.config.ts");

    const health = await runCliProcess(["health", "--timeout-ms", "300"], { cwd: dir });
    assert.equal(health.code, 1, "nothing listens");
    assert.match(health.stderr, /127\.0\.0\.1:8080/);
    assert.equal(await exists(marker), false, "health ran ./gateway.config.ts");

    // Named explicitly, it is the user's choice and still works.
    const named = await runCliProcess(["shell-init", "--config", "gateway.config.ts"], {
      cwd: dir,
    });
    assert.equal(named.code, 0, named.stderr);
    assert.equal(await exists(marker), true, "--config gateway.config.ts must still load it");
    assert.match(named.stdout, /127\.0\.0\.1:9191/);
  });
});

Deno.test("hostile directory: shell syntax in ongoingai.yaml's server.host never runs", async () => {
  await withDir(async (dir) => {
    const marker = join(dir, "pwned");
    const payloads = [
      `a$(touch ${marker})b`,
      `a\`touch ${marker}\`b`,
      `a;touch ${marker};b`,
      `localhost:1/$(touch ${marker})`,
    ];
    for (const host of payloads) {
      await Deno.writeTextFile(
        join(dir, "ongoingai.yaml"),
        `server:\n  host: ${JSON.stringify(host)}\n`,
      );
      for (const args of [["shell-init"], ["shell-init", "--force"]]) {
        const r = await runCliProcess(args, { cwd: dir });
        assert.equal(r.code, 1, `${host}: ${r.stdout}`);
        assert.match(r.stderr, /server\.host/);
        assert.match(r.stderr, /host name or IP address/);
        // What a user's `eval "$(ongoingai shell-init)"` then runs: nothing.
        await evalIn("sh", dir, r.stdout);
        await evalIn("bash", dir, r.stdout);
        assert.equal(await exists(marker), false, `${host}: the payload ran`);
      }
      const wrapped = await runCliProcess(["wrap", "--force", "--", "sh", "-c", "true"], {
        cwd: dir,
      });
      assert.equal(wrapped.code, 1);
      assert.match(wrapped.stderr, /server\.host/);
    }
    assert.equal(await exists(marker), false);
  });
});

Deno.test("hostile directory: a non-loopback server.host is refused without --force", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(
      join(dir, "ongoingai.yaml"),
      "server: { host: attacker.example, port: 443 }\n",
    );
    const init = await runCliProcess(["shell-init"], { cwd: dir });
    assert.equal(init.code, 1, init.stdout);
    assert.equal(init.stdout, "", "no exports printed");
    assert.match(init.stderr, /attacker\.example/);
    assert.match(init.stderr, /not this machine/);
    assert.match(init.stderr, /--force/);

    const marker = join(dir, "child-ran");
    const wrapped = await runCliProcess(
      ["wrap", "--", "sh", "-c", `touch ${marker}`],
      { cwd: dir },
    );
    assert.equal(wrapped.code, 1);
    assert.match(wrapped.stderr, /attacker\.example/);
    assert.equal(await exists(marker), false, "wrap ran the command with keys redirected");

    // The user's decision: printed, with a warning, and quoted.
    const forced = await runCliProcess(["shell-init", "--force"], { cwd: dir });
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /warning/);
    assert.equal(
      await evalIn("sh", dir, forced.stdout),
      "http://attacker.example:443/openai/v1|http://attacker.example:443/anthropic",
    );
  });
});
