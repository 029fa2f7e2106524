/**
 * `ongoingai serve --host H --port N` as a user runs it (issue 18): the gateway listens where the
 * flags say, not where the file or ONGOINGAI_PORT say, and a SIGHUP reload keeps the flags (a
 * reload that saw the file's port would be refused as a port change).
 */
import assert from "node:assert/strict";
import { cliCommand, freePort, poll } from "../support/process.ts";
import { withFiles } from "../config/temp_files.ts";

Deno.test("serve --host and --port win over the file and the environment, also after SIGHUP", async () => {
  const filePort = freePort();
  const envPort = freePort();
  const flagPort = freePort();
  const yaml = `server: { host: 127.0.0.2, port: ${filePort} }\nstorage: { path: ./data/gw.db }\n`;
  await withFiles({ "ongoingai.yaml": yaml }, async (dir) => {
    const child = cliCommand(["serve", "--host", "127.0.0.1", "--port", String(flagPort)], {
      cwd: dir,
      env: { ONGOINGAI_PORT: String(envPort), ONGOINGAI_HOST: "127.0.0.3" },
    }).spawn();
    let log = "";
    const logDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
      new WritableStream({ write: (chunk) => void (log += chunk) }),
    );
    await child.stdout.cancel();
    let exited = false;
    const status = child.status.finally(() => void (exited = true));
    const waitForLog = (pattern: RegExp) =>
      poll(`log line ${pattern}`, () => {
        if (pattern.test(log)) return Promise.resolve(true);
        if (exited) throw new Error(`serve exited:\n${log}`);
        return Promise.resolve(undefined);
      });
    const health = async (port: number, host = "127.0.0.1") => {
      const res = await fetch(`http://${host}:${port}/api/health`);
      await res.body?.cancel();
      return res.ok ? true : undefined;
    };
    try {
      await poll("the gateway answering on the flag's port", async () => {
        if (exited) throw new Error(`serve exited early:\n${log}`);
        return await health(flagPort);
      });
      await assert.rejects(health(envPort, "127.0.0.3"), "nothing listens where the env says");
      await assert.rejects(health(filePort, "127.0.0.2"), "nothing listens where the file says");
      assert.match(log, new RegExp(`127\\.0\\.0\\.1:${flagPort}`), "the startup line says where");

      child.kill("SIGHUP");
      await waitForLog(/config reload(ed| refused)/);
      assert.doesNotMatch(log, /config reload refused/);
      assert.equal(await health(flagPort), true);
      child.kill("SIGTERM");
      assert.equal((await status).code, 0, log);
    } finally {
      if (!exited) child.kill("SIGKILL");
      await status;
      await logDone.catch(() => {});
    }
  });
});
