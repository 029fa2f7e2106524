/**
 * Review of issue 16 item 6: `offMachine` must not take a spelling of loopback that the system
 * resolver sends to DNS for loopback. glibc reads `localhost` and numeric IPv4 spellings
 * (`127.1`, `0x7f.1`) locally, but `localhost.` and `127.0.0.1.` (trailing dot) are not in
 * /etc/hosts and inet_aton refuses them, so they are looked up in DNS, which a hostile network
 * answers: a `server.host: localhost.` in a cloned repository's ongoingai.yaml sent the user's
 * provider keys wherever that network says, with no refusal.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { isLoopbackHost } from "../../src/config/mod.ts";
import { runCliProcess } from "../support/process.ts";

Deno.test("isLoopbackHost: only spellings the resolver reads locally", () => {
  const table: [string, boolean][] = [
    ["localhost", true],
    ["LOCALHOST", true],
    ["127.0.0.1", true],
    ["127.1", true],
    ["0x7f.1", true],
    ["::1", true],
    ["[::1]", true],
    ["localhost.", false],
    ["LocalHost.", false],
    ["127.0.0.1.", false],
    ["127.1.", false],
    ["localhost.localdomain", false],
    ["app.localhost", false],
    ["10.0.0.1", false],
  ];
  for (const [host, want] of table) assert.equal(isLoopbackHost(host), want, host);
});

Deno.test("shell-init and wrap refuse server.host 'localhost.' without --force", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-review-dot-" });
  try {
    for (const host of ["localhost.", "127.0.0.1."]) {
      await Deno.writeTextFile(join(dir, "ongoingai.yaml"), `server: { host: "${host}" }\n`);
      const init = await runCliProcess(["shell-init"], { cwd: dir });
      assert.equal(init.code, 1, `${host}: ${init.stdout}`);
      assert.equal(init.stdout, "");
      assert.match(init.stderr, /not this machine/);
      const wrapped = await runCliProcess(["wrap", "--", "sh", "-c", "true"], { cwd: dir });
      assert.equal(wrapped.code, 1, host);
      assert.match(wrapped.stderr, /not this machine/);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shell-init and wrap print loopback addresses in dotted-quad form", async () => {
  // `0x7f.1` and `2130706433` are 127.0.0.1 to glibc's inet_aton, but not to every client:
  // Go's own resolver parses only dotted quads and asks DNS for anything else, so a hostile
  // network answered for them. The base URL names the address every client reads the same way.
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-review-numeric-" });
  try {
    for (const host of ["0x7f.1", "2130706433", "127.1", "0177.0.0.1"]) {
      await Deno.writeTextFile(join(dir, "ongoingai.yaml"), `server: { host: "${host}" }\n`);
      const init = await runCliProcess(["shell-init"], { cwd: dir });
      assert.equal(init.code, 0, `${host}: ${init.stderr}`);
      assert.equal(
        init.stdout,
        "export OPENAI_BASE_URL='http://127.0.0.1:8080/openai/v1'\n" +
          "export ANTHROPIC_BASE_URL='http://127.0.0.1:8080/anthropic'\n",
        host,
      );
      const wrapped = await runCliProcess(
        ["wrap", "--", "sh", "-c", 'printf %s "$OPENAI_BASE_URL"'],
        { cwd: dir },
      );
      assert.equal(wrapped.stdout, "http://127.0.0.1:8080/openai/v1", host);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
