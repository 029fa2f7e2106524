/**
 * `ongoingai top` off a terminal: usage errors, the messages of a refusal, and line mode against a
 * real gateway subprocess (one plain line per interval, failures on standard error, until
 * `--count` or SIGINT).
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { refusal } from "../../src/cli/top_fetch.ts";
import { runCaptured } from "../support/cli_io.ts";
import { cliCommand, freePort, repoRoot, runCliProcess } from "../support/process.ts";
import { opsKey, viewerKey, withGateway } from "../support/top_gateway.ts";

Deno.test("top: usage errors exit 2 and say what to give", async () => {
  const cases: [string[], RegExp][] = [
    [["--interval", "0"], /--interval must be seconds from 0\.2 to 60/],
    [["--interval", "61"], /--interval must be seconds from 0\.2 to 60/],
    [["--interval", "x"], /--interval must be seconds/],
    [["--count", "0"], /--count must be a positive whole number/],
    [["--count", "1.5"], /--count must be a positive whole number/],
    [["--sort", "speed"], /--sort must be one of requests, tokens, cost, errors/],
    [["--filter", "x".repeat(201)], /--filter is at most 200 characters/],
    [["--url", "localhost:8080"], /--url must be the gateway's base URL with http or https/],
    [["--url", "http://a", "--config", "x.yaml"], /give --url or --config, not both/],
    [["extra"], /does not accept positional arguments/],
  ];
  for (const [args, message] of cases) {
    const r = await runCaptured(runCli, ["top", ...args], Deno.cwd());
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, message, args.join(" "));
  }
});

Deno.test("top: a refusal says what to do", () => {
  const source = {
    base: "http://gw",
    header: "x",
    token: "",
    keyFrom: "ONGOINGAI_GATEWAY_KEY",
    timeoutMs: 800,
  };
  const forbidden = JSON.stringify({ error: { code: "forbidden", message: "missing permission" } });
  const cases: [number, string, string, string][] = [
    [
      401,
      "",
      "{}",
      "401: the gateway runs in team mode: set ONGOINGAI_GATEWAY_KEY to a gateway key with analytics:read",
    ],
    [401, "k", "{}", "401: the key in ONGOINGAI_GATEWAY_KEY is not valid for this gateway"],
    [403, "k", forbidden, "403: this key lacks analytics:read (forbidden)"],
    [
      404,
      "",
      "{}",
      "404: no /api/live there: is --url the gateway's base URL, and is the gateway recent enough for `top`? (upgrade it)",
    ],
    [500, "", "boom", "500: boom"],
  ];
  for (const [status, token, text, want] of cases) {
    assert.equal(refusal({ status, text }, { ...source, token }), want);
  }
});

const lineShape =
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z req\/s=\S+ tok\/s=\S+ (unknown_usage=\d+ )?usd\/min>?=\S+ (unpriced=\d+ )?open=\d+ streams=\d+ websockets=\d+ queue=(\d+\/\d+ dropped=\d+|n\/a) errors=\d+\/\d+$/;

Deno.test("top: line mode when standard output is not a terminal, failures on standard error", async () => {
  await withGateway(async (g) => {
    for (const model of ["gpt-4o-mini", "gpt-4o-mini", "gpt-4.1-nano"]) {
      assert.equal(await g.chat(model), 200);
    }
    const top = (key: string | null, ...args: string[]) =>
      runCliProcess(["top", "--url", g.origin, "--interval", "0.2", ...args], {
        cwd: repoRoot,
        env: key === null ? {} : { ONGOINGAI_GATEWAY_KEY: key },
      });

    const ops = await top(opsKey, "--count", "2");
    assert.equal(ops.code, 0, ops.stderr);
    assert.equal(ops.stderr, "");
    const lines = ops.stdout.split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 2, ops.stdout);
    for (const line of lines) {
      assert.match(line, lineShape);
      assert.match(line, / queue=\d+\/\d+ dropped=0 errors=0\/3$/);
    }
    assert.ok(!ops.stdout.includes("\x1b"), "no escape codes in line mode");

    // A viewer may not read the writer's queue: said, not zero.
    const viewer = await top(viewerKey, "--count", "1", "--filter", "NANO");
    assert.equal(viewer.code, 0, viewer.stderr);
    assert.match(viewer.stdout, / queue=n\/a errors=0\/1\n$/);

    // Without --count it runs until interrupted; SIGINT ends it with 0 after a line or more.
    const child = cliCommand(["top", "--url", g.origin, "--interval", "0.2"], {
      cwd: repoRoot,
      env: { ONGOINGAI_GATEWAY_KEY: opsKey },
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!seen.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    child.kill("SIGINT");
    const err = new Response(child.stderr).text();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += value;
    }
    assert.equal((await child.status).code, 0, await err);
    for (const line of seen.split("\n").filter((l) => l !== "")) {
      assert.match(line, lineShape);
    }

    const noKey = await top(null, "--count", "2");
    assert.equal(noKey.code, 1);
    assert.equal(noKey.stdout, "");
    const errors = noKey.stderr.split("\n").filter((l) => l !== "");
    assert.equal(errors.length, 2, noKey.stderr);
    for (const e of errors) {
      assert.match(e, /^\S+Z error: 401: the gateway runs in team mode: set ONGOINGAI_GATEWAY_KEY/);
    }
  });
  const port = freePort();
  const down = await runCliProcess(["top", "--url", `http://127.0.0.1:${port}`, "--count", "1"], {
    cwd: repoRoot,
  });
  assert.equal(down.code, 1);
  assert.match(
    down.stderr,
    /error: http:\/\/127\.0\.0\.1:\d+: connection refused: is the gateway running there/,
  );
});
