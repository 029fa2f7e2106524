/**
 * `wrap -- codex ...` through the real CLI: the program named codex is started with the provider
 * flags before its own arguments (a stand-in script here that prints them; the real Codex runs
 * against the gateway in the agents' end-to-end tests).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCliProcess } from "../support/process.ts";
import { withFiles } from "../config/temp_files.ts";

Deno.test("wrap: codex is started with a gateway provider of its own, its arguments kept", async () => {
  await withFiles(
    { "ongoingai.yaml": "server: { host: 127.0.0.1, port: 8089 }\n" },
    async (dir) => {
      const codex = join(dir, "codex");
      await Deno.writeTextFile(codex, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n');
      await Deno.chmod(codex, 0o755);
      const r = await runCliProcess(["wrap", "--", codex, "exec", "say hi"], {
        cwd: dir,
        env: { OPENAI_API_KEY: "sk-test", ONGOINGAI_USER: "" },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trimEnd().split("\n"), [
        "-c",
        "model_provider=ongoingai",
        "-c",
        'model_providers.ongoingai={name="OngoingAI Gateway", base_url="http://127.0.0.1:8089/openai/v1", ' +
        'env_key="OPENAI_API_KEY", wire_api="responses", supports_websockets=true}',
        "exec",
        "say hi",
      ]);
    },
  );
});

Deno.test("wrap --print: shows the variables and the command it would run, runs nothing", async () => {
  await withFiles(
    { "ongoingai.yaml": "server: { host: 127.0.0.1, port: 8089 }\n" },
    async (dir) => {
      const marker = join(dir, "ran");
      const codex = join(dir, "codex");
      await Deno.writeTextFile(codex, `#!/bin/sh\ntouch '${marker}'\n`);
      await Deno.chmod(codex, 0o755);
      const r = await runCliProcess(["wrap", "--print", codex, "exec", "it's"], {
        cwd: dir,
        env: { OPENAI_API_KEY: "sk-test", ONGOINGAI_USER: "" },
      });
      assert.equal(r.code, 0, r.stderr);
      const url = "http://127.0.0.1:8089";
      assert.equal(
        r.stdout,
        `export OPENAI_BASE_URL='${url}/openai/v1'\n` +
          `export OPENAI_API_BASE='${url}/openai/v1'\n` +
          `export ANTHROPIC_BASE_URL='${url}/anthropic'\n` +
          `'${codex}' '-c' 'model_provider=ongoingai' '-c' 'model_providers.ongoingai={name="OngoingAI ` +
          `Gateway", base_url="${url}/openai/v1", env_key="OPENAI_API_KEY", wire_api="responses", ` +
          `supports_websockets=true}' 'exec' 'it'\\''s'\n`,
      );
      await assert.rejects(Deno.stat(marker), Deno.errors.NotFound);
    },
  );
});
