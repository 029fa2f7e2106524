/**
 * The stand-in for "the compiled binary works" (DESIGN.md section 2): the whole CLI bundled into
 * one JavaScript file and run from a directory that holds only a user's config and policy. If
 * anything read the source tree at run time (migrations, the config loader's shims, build
 * info), `version`, `check` or `serve` would fail here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { sqliteMigrations } from "../../src/store/mod.ts";
import { buildBundle } from "../support/bundle.ts";
import {
  freePort,
  poll,
  runCliProcess,
  type ServerProcess,
  startServer,
} from "../support/process.ts";
import { startUpstreamStub, stubUsage } from "../support/upstream_stub.ts";

const userConfig = (port: number, upstream: string) =>
  `import { defineConfig } from "ongoingai";
import { team } from "./policies/team.ts";

export default defineConfig({
  server: { host: "127.0.0.1", port: ${port} },
  storage: { path: "./data/ongoingai.db" },
  providers: { openai: { upstream: "${upstream}" } },
  pii: team,
});
`;

const userPolicy = `import type { PiiPolicy } from "ongoingai";
export const team: PiiPolicy = { policy_id: "team/v1" };
`;

Deno.test({
  name: "bundle: version, check and serve run from an empty directory with only a user config",
  ignore: Deno.build.os === "windows", // SIGTERM, the graceful stop, is POSIX only
  async fn() {
    const buildDir = await Deno.makeTempDir({ prefix: "ongoingai-bundle-" });
    const userDir = await Deno.realPath(await Deno.makeTempDir({ prefix: "ongoingai-user-" }));
    const stub = await startUpstreamStub();
    let server: ServerProcess | null = null;
    try {
      const bundle = await buildBundle(buildDir);

      const port = freePort();
      await Deno.mkdir(join(userDir, "policies"));
      await Deno.writeTextFile(join(userDir, "gateway.config.ts"), userConfig(port, stub.url));
      await Deno.writeTextFile(join(userDir, "policies", "team.ts"), userPolicy);

      const run = { cwd: userDir, module: bundle };
      const version = await runCliProcess(["version"], run);
      assert.equal(version.code, 0, version.stderr);
      // A bundle is not stamped (issue 18: it printed `(none, unknown)`).
      assert.match(version.stdout, /^\d+\.\d+\.\d+\S* \(unstamped build, commit unknown\)\n$/);

      const check = await runCliProcess(["check"], run);
      assert.equal(check.code, 0, check.stderr);
      assert.equal(check.stdout, "config is valid: gateway.config.ts\n");

      server = await startServer([], { ...run, port });
      const origin = server.origin;
      const health = await (await fetch(`${origin}/api/health`)).json();
      assert.equal(health.status, "ok");
      assert.equal(health.storage_driver, "sqlite");

      // One proxied request: the bundled hot path parses usage and the writer stores the trace.
      const res = await fetch(`${origin}/openai/v1/chat/completions`, {
        method: "POST",
        headers: {
          authorization: "Bearer sk-bundle-test-0123456789",
          "content-type": "application/json",
        },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      assert.equal(res.status, 200);
      await res.text();
      const trace = await poll("the trace appearing in GET /api/traces", async () => {
        const page = await (await fetch(`${origin}/api/traces`)).json();
        return page.items[0];
      });
      assert.equal(trace.usage_status, "exact");
      assert.equal(trace.input_tokens, stubUsage.chat.prompt);

      const stopped = await server.stop();
      server = null;
      assert.equal(stopped.code, 0, stopped.logs);
      assert.match(stopped.logs, /gateway stopped/);

      const db = new DatabaseSync(join(userDir, "data", "ongoingai.db"), { readOnly: true });
      try {
        const applied = db.prepare("SELECT name FROM schema_migrations ORDER BY name").all();
        // Every migration file, embedded in the bundle.
        assert.deepEqual(applied.map((r) => r.name), sqliteMigrations.map((m) => m.name));
        const rows = db.prepare("SELECT COUNT(*) AS n FROM traces").get();
        assert.equal(rows?.n, 1);
      } finally {
        db.close();
      }
      const secret = await Deno.stat(join(userDir, "data", "ongoingai.secret"));
      assert.equal((secret.mode ?? 0) & 0o777, 0o600);
    } finally {
      await server?.kill();
      await stub.close();
      await Deno.remove(buildDir, { recursive: true });
      await Deno.remove(userDir, { recursive: true });
    }
  },
});
