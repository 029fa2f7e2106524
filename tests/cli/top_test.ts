/**
 * `ongoingai top` against a real gateway subprocess (team mode, a local upstream stub): usage
 * errors, line mode when standard output is a pipe, failures said and retried, and the screen
 * driven in tmux as a person would (issue 25's "done when"): counts rise while requests flow,
 * keys sort, filter, pause and quit, and every way out gives the terminal back.
 */
import assert from "node:assert/strict";
import { refusal } from "../../src/cli/top_fetch.ts";
import { runCli } from "../../src/cli/mod.ts";
import { shellQuote } from "../../src/cli/shell_init.ts";
import { runCaptured } from "../support/cli_io.ts";
import {
  cleanEnv,
  freePort,
  mainModule,
  repoRoot,
  runCliProcess,
  type ServerProcess,
  startServer,
} from "../support/process.ts";
import { startTmux, type TmuxPane } from "../support/tmux.ts";
import { startUpstreamStub, type UpstreamStub } from "../support/upstream_stub.ts";

const opsKey = "ogk_top_ops_e2e_secret_0000000000000";
const viewerKey = "ogk_top_viewer_e2e_secret_11111111111";

const config = (port: number, upstream: string) =>
  `import { defineConfig, env } from "ongoingai";
export default defineConfig({
  server: { host: "127.0.0.1", port: ${port}, shutdown_grace_ms: 2000 },
  storage: { driver: "sqlite", path: "./traces.db" },
  providers: { openai: { upstream: "${upstream}" }, anthropic: { upstream: "${upstream}" } },
  auth: {
    enabled: true,
    keys: [
      { id: "ops", token: env("OPS_KEY"), workspace_id: "a", role: "developer", permissions: ["diagnostics:read"] },
      { id: "viewer", token: env("VIEWER_KEY"), workspace_id: "a", role: "viewer" },
    ],
  },
});
`;

interface Gateway {
  origin: string;
  stub: UpstreamStub;
  /** One chat completion for `model` as the ops key; `fail` makes the upstream answer 500. */
  chat(model: string, fail?: boolean): Promise<number>;
}

async function withGateway(run: (g: Gateway) => Promise<void>): Promise<void> {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-top-" });
  const port = freePort();
  let server: ServerProcess | null = null;
  try {
    await Deno.writeTextFile(`${cwd}/gateway.config.ts`, config(port, stub.url));
    server = await startServer([], { cwd, port, env: { OPS_KEY: opsKey, VIEWER_KEY: viewerKey } });
    const origin = server.origin;
    await run({
      origin,
      stub,
      async chat(model, fail = false) {
        const res = await fetch(`${origin}/openai/v1/chat/completions`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: "Bearer sk-proj-top-e2e-provider-key-0000000000",
            "x-ongoingai-gateway-key": opsKey,
            ...(fail ? { "x-stub-status": "500" } : {}),
          },
          body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
        });
        await res.arrayBuffer();
        return res.status;
      },
    });
  } finally {
    const stopped = await server?.stop();
    await stub.close();
    await Deno.remove(cwd, { recursive: true });
    if (stopped) assert.equal(stopped.code, 0, stopped.logs);
  }
}

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
  /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z req\/s=\S+ tok\/s=\S+ (unknown_usage=\d+ )?usd\/min>?=\S+ (unpriced=\d+ )?open=\d+ streams=\d+ queue=(\d+\/\d+ dropped=\d+|n\/a) errors=\d+\/\d+$/;

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
    /error: http:\/\/127\.0\.0\.1:\d+: connection refused: nothing is listening there/,
  );
});
