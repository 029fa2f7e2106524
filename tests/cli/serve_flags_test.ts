/**
 * `serve --host` and `--port` (issue 18: `serve --port 9000` said the flag was unknown): they
 * override `server.host` and `server.port` of the file and of ONGOINGAI_HOST / ONGOINGAI_PORT,
 * with the schema's own checks; a bad value is a usage error naming the flag, before anything is
 * bound. tests/e2e/serve_flags_test.ts runs the real process.
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { listenOverrides } from "../../src/cli/serve.ts";
import { runCaptured } from "../support/cli_io.ts";
import { withFiles } from "../config/temp_files.ts";

const cli = (args: string[], cwd = Deno.cwd(), env: Record<string, string> = {}) =>
  runCaptured(runCli, args, cwd, env);

Deno.test("serve --port and --host: bad values are usage errors naming the flag (exit 2)", async () => {
  const table: [string[], RegExp][] = [
    [
      ["serve", "--port", "70000"],
      /serve: --port must be an integer between 1 and 65535 \(got "70000"\)/,
    ],
    [["serve", "--port", "0"], /--port must be an integer between 1 and 65535/],
    [["serve", "--port", "80a"], /--port must be an integer between 1 and 65535 \(got "80a"\)/],
    [["serve", "--port=-1"], /--port must be an integer between 1 and 65535/],
    [["serve", "--port", ""], /--port must be an integer/],
    [["serve", "--host", "http://127.0.0.1"], /serve: --host must be a host name or IP address/],
    [
      ["serve", "--host", "127.0.0.1:8080"],
      /--host must be a host name or IP address .*without a scheme, port or path/,
    ],
    [["serve", "--host", "a b"], /--host must be a host name/],
    [["--port", "abc"], /--port must be an integer/],
  ];
  for (const [args, want] of table) {
    const r = await cli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, want, args.join(" "));
    assert.match(r.stderr, /Usage: ongoingai serve .*--host HOST.*--port N/);
  }
});

Deno.test("serve --port and --host: written over the file and the environment, for the loader", () => {
  const table: [string | undefined, string | undefined, Record<string, string>][] = [
    [undefined, undefined, {}],
    [undefined, "9000", { ONGOINGAI_PORT: "9000" }],
    [undefined, " 9000 ", { ONGOINGAI_PORT: "9000" }],
    ["0.0.0.0", undefined, { ONGOINGAI_HOST: "0.0.0.0" }],
    ["::1", "1", { ONGOINGAI_HOST: "::1", ONGOINGAI_PORT: "1" }],
    ["gateway.internal", "65535", { ONGOINGAI_HOST: "gateway.internal", ONGOINGAI_PORT: "65535" }],
  ];
  for (const [host, port, want] of table) {
    assert.deepEqual(listenOverrides(host, port), want, `${host} ${port}`);
  }
});

Deno.test("serve --port and --host: a config that cannot start still fails as before (exit 1)", async () => {
  // The flag replaces the port, but the rest of the file is still checked.
  await withFiles({ "ongoingai.yaml": "server:\n  port: 70000\n  servre: 1\n" }, async (dir) => {
    const r = await cli(["serve", "--port", "9000"], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /servre/);
    assert.doesNotMatch(r.stderr, /server\.port/, "the flag's port replaced the file's");
  });
});

Deno.test("serve --help and the usage list --host and --port", async () => {
  const r = await cli(["serve", "--help"]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: ongoingai serve \[--config PATH\] \[--host HOST\] \[--port N\]/);
  assert.match(r.stdout, /--host HOST +Address to listen on; overrides server\.host/);
  assert.match(r.stdout, /--port N +Port to listen on, 1 to 65535; overrides server\.port/);
});
