/**
 * `wrap -- gemini -p ...` through the real CLI, with a stand-in `gemini` that prints its arguments
 * and the variables wrap gave it (the real Gemini CLI runs against the gateway in
 * tests/e2e/agents_gemini_test.ts).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCliProcess } from "../support/process.ts";
import { withFiles } from "../config/temp_files.ts";

Deno.test("wrap: gemini gets the base URL, the label and a session it is told to use", async () => {
  await withFiles(
    {
      "ongoingai.yaml": "server: { host: 127.0.0.1, port: 8089 }\n" +
        "providers:\n  gemini: { kind: gemini }\n",
    },
    async (dir) => {
      const gemini = join(dir, "gemini");
      await Deno.writeTextFile(
        gemini,
        '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n' +
          'printf "%s\\n" "$GOOGLE_GEMINI_BASE_URL" "$GEMINI_CLI_CUSTOM_HEADERS"\n',
      );
      await Deno.chmod(gemini, 0o755);
      const r = await runCliProcess(["wrap", "--user", "alice", "--", gemini, "-p", "say hi"], {
        cwd: dir,
        env: {
          GEMINI_API_KEY: "AIza-test",
          GEMINI_CLI_CUSTOM_HEADERS: "X-Team: blue",
          // No settings there: wrap says what the CLI would need for a headless run.
          GEMINI_CLI_HOME: dir,
        },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /selectedType.*gemini-api-key/);
      const [flag, id, p, text, url, headers, ...rest] = r.stdout.trimEnd().split("\n");
      assert.deepEqual([flag, p, text, url, rest], [
        "--session-id",
        "-p",
        "say hi",
        "http://127.0.0.1:8089/gemini",
        [],
      ]);
      assert.match(id!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(headers, `X-Team: blue, X-OngoingAI-User: alice, X-OngoingAI-Session-Id: ${id}`);
    },
  );
});
