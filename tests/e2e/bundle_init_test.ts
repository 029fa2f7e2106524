/**
 * A new user's first minutes with the prebuilt gateway, on its stand-in (DESIGN.md section 2): the
 * CLI bundled into one file and run from an empty directory. `init` must write its starter files
 * (the declarations embedded in the bundle, not read from the source tree), `check` must accept
 * them, and `health` must see the gateway `serve` starts with them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { buildBundle } from "../support/bundle.ts";
import {
  freePort,
  repoRoot,
  runCliProcess,
  type ServerProcess,
  startServer,
} from "../support/process.ts";

Deno.test({
  name: "bundle: init, check, serve and health from an empty directory",
  ignore: Deno.build.os === "windows", // SIGTERM, the graceful stop, is POSIX only
  async fn() {
    const buildDir = await Deno.makeTempDir({ prefix: "ongoingai-bundle-init-" });
    const userDir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-user-" }));
    let server: ServerProcess | null = null;
    try {
      const bundle = await buildBundle(buildDir);

      const run = { cwd: userDir, module: bundle };
      const init = await runCliProcess(["init"], run);
      assert.equal(init.code, 0, init.stderr);
      assert.match(init.stdout, /^wrote \.ongoingai\/types\/ongoingai\.d\.ts$/m);
      const declarations = await Deno.readTextFile(
        join(userDir, ".ongoingai", "types", "ongoingai.d.ts"),
      );
      const committed = await Deno.readTextFile(
        join(repoRoot, "src", "cli", "init", "ongoingai.d.ts"),
      );
      assert.equal(declarations, committed);

      const again = await runCliProcess(["init"], run);
      assert.equal(again.code, 1, "a second init must not overwrite");
      assert.match(again.stderr, /ongoingai init --force/);

      const check = await runCliProcess(["check"], run);
      assert.equal(check.code, 0, check.stderr);
      assert.equal(check.stdout, "config is valid: gateway.config.ts\n");

      // The starter config binds 127.0.0.1:8080; the environment moves it to a free port, as a
      // container would, and `health` follows the same override.
      const port = freePort();
      const env = { ONGOINGAI_PORT: String(port) };
      server = await startServer([], { ...run, port, env });
      const health = await runCliProcess(["health"], { ...run, env });
      assert.equal(health.code, 0, health.stderr);
      assert.match(
        health.stdout,
        new RegExp(`^healthy: http://127\\.0\\.0\\.1:${port}/api/health`),
      );

      const stopped = await server.stop();
      server = null;
      assert.equal(stopped.code, 0, stopped.logs);
      const down = await runCliProcess(["health"], { ...run, env });
      assert.equal(down.code, 1);
      assert.match(down.stderr, /connection refused/);
    } finally {
      await server?.kill();
      await Deno.remove(buildDir, { recursive: true });
      await Deno.remove(userDir, { recursive: true });
    }
  },
});
