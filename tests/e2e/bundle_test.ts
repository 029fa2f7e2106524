/**
 * The stand-in for "the compiled binary works" (DESIGN.md section 2): the whole CLI bundled into
 * one JavaScript file and run from a directory that holds only a user's config and policy. If
 * anything read the source tree at run time (migrations, the config loader's shims, build
 * info), `version`, `check` or `serve` would fail here.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { startUpstreamStub, stubUsage } from "../support/upstream_stub.ts";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const startupDeadlineMs = 30_000;
const text = new TextDecoder();

/** Only what Deno needs to run: no ONGOINGAI_* or OTEL_* from the developer's shell. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["PATH", "HOME", "DENO_DIR", "SYSTEMROOT", "TMPDIR", "TEMP"]) {
    const v = Deno.env.get(name);
    if (v !== undefined) env[name] = v;
  }
  return env;
}

function runBundle(bundle: string, cwd: string, args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-config", "--unstable-no-legacy-abort", bundle, ...args],
    cwd,
    env: cleanEnv(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  });
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

/** Calls `probe` until it returns a value, or fails after a generous deadline. */
async function poll<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + startupDeadlineMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not happen within ${startupDeadlineMs} ms (${String(lastError)})`);
}

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
    let server: Deno.ChildProcess | null = null;
    try {
      const bundle = join(buildDir, "ongoingai.js");
      const built = await new Deno.Command(Deno.execPath(), {
        args: ["bundle", "--platform", "deno", "-o", bundle, "src/main.ts"],
        cwd: repo,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(built.code, 0, text.decode(built.stderr));

      const port = freePort();
      await Deno.mkdir(join(userDir, "policies"));
      await Deno.writeTextFile(join(userDir, "gateway.config.ts"), userConfig(port, stub.url));
      await Deno.writeTextFile(join(userDir, "policies", "team.ts"), userPolicy);

      const version = await runBundle(bundle, userDir, ["version"]).output();
      assert.equal(version.code, 0, text.decode(version.stderr));
      assert.match(text.decode(version.stdout), /^\d+\.\d+\.\d+\S* \(\S+, \S+\)\n$/);

      const check = await runBundle(bundle, userDir, ["check"]).output();
      assert.equal(check.code, 0, text.decode(check.stderr));
      assert.equal(text.decode(check.stdout), "config is valid: gateway.config.ts\n");

      server = runBundle(bundle, userDir, ["serve"]).spawn();
      const logs = new Response(server.stderr).text();
      const stdout = new Response(server.stdout).text();
      const origin = `http://127.0.0.1:${port}`;

      const health = await poll("GET /api/health answering 200", async () => {
        const res = await fetch(`${origin}/api/health`);
        return res.status === 200 ? await res.json() : void (await res.body?.cancel());
      });
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
      await res.body?.cancel();
      const trace = await poll("the trace appearing in GET /api/traces", async () => {
        const page = await (await fetch(`${origin}/api/traces`)).json();
        return page.items[0];
      });
      assert.equal(trace.usage_status, "exact");
      assert.equal(trace.input_tokens, stubUsage.chat.prompt);

      server.kill("SIGTERM");
      const status = await server.status;
      server = null;
      const stderrText = await logs;
      await stdout;
      assert.equal(status.code, 0, stderrText);
      assert.match(stderrText, /gateway stopped/);

      const db = new DatabaseSync(join(userDir, "data", "ongoingai.db"), { readOnly: true });
      try {
        const applied = db.prepare("SELECT name FROM schema_migrations ORDER BY name").all();
        assert.deepEqual(applied.map((r) => r.name), ["sqlite/001_init.sql"]);
        const rows = db.prepare("SELECT COUNT(*) AS n FROM traces").get();
        assert.equal(rows?.n, 1);
      } finally {
        db.close();
      }
      const secret = await Deno.stat(join(userDir, "data", "ongoingai.secret"));
      assert.equal((secret.mode ?? 0) & 0o777, 0o600);
    } finally {
      if (server !== null) {
        server.kill("SIGKILL");
        await server.status;
      }
      await stub.close();
      await Deno.remove(buildDir, { recursive: true });
      await Deno.remove(userDir, { recursive: true });
    }
  },
});
