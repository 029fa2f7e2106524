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
  cliCommand,
  freePort,
  mainModule,
  repoRoot,
  runCliProcess,
  type ServerProcess,
  startServer,
} from "../support/process.ts";
import { skipTmux, startTmux, type TmuxPane } from "../support/tmux.ts";
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

async function withGateway(run: (g: Gateway) => Promise<void>, port = freePort()): Promise<void> {
  const stub = await startUpstreamStub();
  const cwd = await Deno.makeTempDir({ prefix: "ongoingai-top-" });
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

/** `top` in a pane as a user types it, then a shell line that shows how it ended. */
function paneCommand(origin: string): string {
  const top = [Deno.execPath(), "run", "-A", "--unstable-no-legacy-abort", mainModule, "top"]
    .concat(["--url", origin, "--interval", "0.25"])
    .map((a) => shellQuote(a, "sh"))
    .join(" ");
  return `cd ${shellQuote(repoRoot, "sh")} && ${top}; echo TOP-EXITED $?; sleep 60`;
}

/** The busiest models table's row for `model`: its place on screen, requests and errors. */
function modelRow(rows: string[], model: string) {
  // The stub answers with a dated model (gpt-4o-mini-2024-07-18), which the trace records.
  const pattern = new RegExp(`^${model.replaceAll(".", "\\.")}\\S* +openai +(\\d+) +(\\d+) `);
  const at = rows.findIndex((r) => pattern.test(r));
  if (at < 0) return null;
  const m = pattern.exec(rows[at]!)!;
  return { at, requests: Number(m[1]), errors: Number(m[2]) };
}

/** The pane after `top` ended: the shell's screen again, the terminal as it was. */
async function assertRestored(pane: TmuxPane, how: string): Promise<void> {
  const rows = await pane.waitFor(
    `top's exit after ${how}`,
    (r) => r.some((l) => l.startsWith("TOP-EXITED")),
  );
  assert.ok(rows.includes("TOP-EXITED 0"), `${how}: ${rows.join("\n")}`);
  assert.ok(
    !rows.some((r) => r.includes("ongoingai top") || r.includes("REQ/S")),
    `${how}: a frame left`,
  );
  assert.equal(await pane.display("#{alternate_on}"), "0", `${how}: still on the alternate screen`);
  assert.equal(await pane.display("#{cursor_flag}"), "1", `${how}: the cursor is hidden`);
}

Deno.test({
  name: "top: on a terminal (tmux), counts rise, keys sort, filter, pause, and q restores it",
  ignore: skipTmux,
}, async () => {
  await withGateway(async (g) => {
    const pane = await startTmux(paneCommand(g.origin), {
      columns: 120,
      rows: 40,
      env: { ONGOINGAI_GATEWAY_KEY: opsKey },
    });
    try {
      await pane.waitFor(
        "the first frame",
        (r) =>
          r[0]!.includes(" ongoingai top ") && r[0]!.includes("sort: requests") &&
          r.some((l) => l.includes("no request in the last minute")) &&
          r.at(-1)!.startsWith("updated "),
      );

      // Counts rise while requests flow.
      assert.equal(await g.chat("gpt-4o-mini"), 200);
      await pane.waitFor("one request", (r) => modelRow(r, "gpt-4o-mini")?.requests === 1);
      for (const model of ["gpt-4o-mini", "gpt-4o-mini"]) assert.equal(await g.chat(model), 200);
      assert.equal(await g.chat("gpt-4.1-nano", true), 500);
      let rows = await pane.waitFor(
        "four requests",
        (r) =>
          modelRow(r, "gpt-4o-mini")?.requests === 3 && modelRow(r, "gpt-4.1-nano")?.errors === 1,
      );
      assert.ok(modelRow(rows, "gpt-4o-mini")!.at < modelRow(rows, "gpt-4.1-nano")!.at);
      assert.ok(rows.some((r) => /^last 1m( \(\d+s\))? .* 25% \(1\/4\)$/.test(r)), rows.join("\n"));
      assert.ok(rows.some((r) => /^open 0 \(0 streams\) {3}queue \d+\/\d+ {3}dropped 0/.test(r)));

      // S: the previous sort, errors: the failed model first, its column marked.
      await pane.send("S");
      rows = await pane.waitFor("sorted by errors", (r) =>
        r[0]!.includes("sort: errors") &&
        (modelRow(r, "gpt-4.1-nano")?.at ?? 99) < (modelRow(r, "gpt-4o-mini")?.at ?? 0));
      assert.ok(
        rows.some((r) => /^MODEL +PROVIDER +REQ +ERR↓ +TOKENS +COST$/.test(r)),
        rows.join("\n"),
      );
      await pane.send("1");
      await pane.waitFor("sorted by requests", (r) =>
        r[0]!.includes("sort: requests") &&
        (modelRow(r, "gpt-4o-mini")?.at ?? 99) < (modelRow(r, "gpt-4.1-nano")?.at ?? 0));

      // A filter typed, shown while typed, applied by the API.
      await pane.send("/");
      await pane.send("nano", true);
      await pane.waitFor("the filter being typed", (r) => r.at(-1)!.startsWith("filter: nano_"));
      await pane.send("Enter");
      await pane.waitFor(
        "the filter applied",
        (r) =>
          r[0]!.includes(`filter: "nano"`) && modelRow(r, "gpt-4.1-nano") !== null &&
          modelRow(r, "gpt-4o-mini") === null && r.at(-1)!.startsWith("updated "),
      );
      await pane.send("/");
      await pane.send("C-u");
      await pane.send("Enter");
      await pane.waitFor(
        "the filter cleared",
        (r) => !r[0]!.includes("filter:") && modelRow(r, "gpt-4o-mini") !== null,
      );

      // Pause and resume; help and back.
      await pane.send("p");
      await pane.waitFor(
        "paused",
        (r) => r[0]!.includes(" PAUSED ") && r.at(-1)!.startsWith("paused at "),
      );
      await pane.send("Space");
      await pane.waitFor(
        "resumed",
        (r) => !r[0]!.includes("PAUSED") && r.at(-1)!.startsWith("updated "),
      );
      await pane.send("?");
      await pane.waitFor("the help", (r) => r.includes("Keys"));
      await pane.send("Escape");
      await pane.waitFor(
        "the help closed",
        (r) => !r.includes("Keys") && r.some((l) => l.startsWith("MODEL")),
      );

      // A smaller terminal: the frame is drawn again within it.
      await pane.resize(80, 24);
      rows = await pane.waitFor(
        "the frame at 80x24",
        (r) =>
          r.length === 24 && r[0]!.includes(" ongoingai top ") && r[23]!.startsWith("updated "),
      );
      assert.ok(rows.every((r) => r.length <= 80), rows.join("\n"));

      await pane.send("q");
      await assertRestored(pane, "q");
    } finally {
      await pane.close();
    }
  });
});

/** The process `top` runs as: the pane's shell's child. */
async function topPid(pane: TmuxPane): Promise<number> {
  const shell = await pane.display("#{pane_pid}");
  const children = await Deno.readTextFile(`/proc/${shell}/task/${shell}/children`);
  return Number(children.trim().split(/\s+/)[0]);
}

Deno.test({
  name: "top: a gateway that is down is said and retried; Ctrl-C and SIGTERM restore the terminal",
  ignore: skipTmux,
}, async () => {
  const port = freePort();
  const origin = `http://127.0.0.1:${port}`;
  const pane = await startTmux(paneCommand(origin), { columns: 120, rows: 40 });
  try {
    await pane.waitFor(
      "the failure on the status line",
      (r) =>
        /^! http:\/\/127\.0\.0\.1:\d+: connection refused: is the gateway running there \(`ongoingai serve`\)\? {2}\(retrying every 0\.25s\)$/
          .test(r.at(-1)!),
    );
    await withGateway(async () => {
      await pane.waitFor(
        "401 once the gateway is up",
        (r) =>
          r.at(-1)!.startsWith("! 401: the gateway runs in team mode: set ONGOINGAI_GATEWAY_KEY"),
      );
    }, port);
    await pane.send("C-c");
    await assertRestored(pane, "Ctrl-C");
  } finally {
    await pane.close();
  }

  await withGateway(async (g) => {
    const term = await startTmux(paneCommand(g.origin), {
      columns: 100,
      rows: 30,
      // NO_COLOR empty counts as unset (no-color.org): this run is in colour.
      env: { ONGOINGAI_GATEWAY_KEY: viewerKey, NO_COLOR: "" },
    });
    try {
      await term.waitFor(
        "a frame without the queue",
        (r) =>
          r.some((l) => l.includes("queue n/a (needs diagnostics:read)")) &&
          r.at(-1)!.startsWith("updated "),
      );
      const styled = (await term.capture(true)).join("\n");
      assert.ok(styled.includes("\x1b[7m ongoingai top "), "the header in inverse video");
      Deno.kill(await topPid(term), "SIGTERM");
      await assertRestored(term, "SIGTERM");
    } finally {
      await term.close();
    }
  });
});
