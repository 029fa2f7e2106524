/**
 * `ongoingai health`, the container HEALTHCHECK: which address it probes (flag, config, env, the
 * built-in 127.0.0.1:8080), and its verdict against a real gateway subprocess, against nothing
 * listening, and against servers that are not a healthy gateway.
 */
import assert from "node:assert/strict";
import { health, healthUrl, probeOrigin } from "../../src/cli/health.ts";
import { UsageError } from "../../src/cli/args.ts";
import { runCli } from "../../src/cli/mod.ts";
import { withFiles } from "../config/temp_files.ts";
import { runCaptured } from "../support/cli_io.ts";
import { servedOnLoopback } from "../support/loopback_server.ts";
import { freePort, runCliProcess, type ServerProcess, startServer } from "../support/process.ts";

Deno.test("health: the origin probed for a bind address", async (t) => {
  const cases: Array<[string, number, string]> = [
    ["127.0.0.1", 8080, "http://127.0.0.1:8080"],
    ["0.0.0.0", 8080, "http://127.0.0.1:8080"],
    ["", 9000, "http://127.0.0.1:9000"],
    [" localhost ", 8080, "http://localhost:8080"],
    ["::", 8080, "http://[::1]:8080"],
    ["[::]", 8080, "http://[::1]:8080"],
    ["::1", 8080, "http://[::1]:8080"],
    ["gateway.internal", 443, "http://gateway.internal:443"],
  ];
  for (const [host, port, expected] of cases) {
    await t.step(`${JSON.stringify(host)}:${port}`, () => {
      assert.equal(probeOrigin(host, port), expected);
    });
  }
});

Deno.test("health: --url is a base URL; /api/health is appended once", async (t) => {
  const cases: Array<[string, string | RegExp]> = [
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080/api/health"],
    ["http://127.0.0.1:8080/", "http://127.0.0.1:8080/api/health"],
    ["https://gw.example.com/base/", "https://gw.example.com/base/api/health"],
    ["http://127.0.0.1:8080/api/health", "http://127.0.0.1:8080/api/health"],
    ["http://127.0.0.1:8080/?x=1#y", "http://127.0.0.1:8080/api/health"],
    ["127.0.0.1:8080", /"127\.0\.0\.1:8080" has no scheme; write it as http:\/\/127\.0\.0\.1:8080/],
    ["localhost:8080", /has no scheme; write it as http:\/\/localhost:8080/],
    ["http://exa mple.com", /is not a URL; give the gateway's base URL/],
    ["http://user:hunter2-secret@exa mple.com", /"http:\/\/\*\*\*@exa mple\.com" is not a URL/],
    [
      "user:hunter2-secret@gw:8080",
      /"\*\*\*@gw:8080" has no scheme; write it as http:\/\/\*\*\*@gw:8080/,
    ],
    ["ftp://host", /must use http or https \(got ftp:\)/],
  ];
  for (const [input, expected] of cases) {
    await t.step(input, () => {
      if (typeof expected === "string") assert.equal(healthUrl(input), expected);
      else {assert.throws(() =>
          healthUrl(input), (e) =>
          e instanceof UsageError && expected.test(e.message));}
    });
  }
});

Deno.test("health: usage errors exit 2", async () => {
  const cli = (args: string[]) => runCaptured(runCli, ["health", ...args], Deno.cwd());
  for (
    const [args, message] of [
      [["--timeout-ms", "0"], /--timeout-ms must be a positive whole number/],
      [["--timeout-ms", "1.5"], /--timeout-ms must be a positive whole number/],
      [["--url", "http://a", "--config", "x.yaml"], /give --url or --config, not both/],
      [["--url", "nope"], /has no scheme/],
    ] as const
  ) {
    const r = await cli([...args]);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, message);
  }
});

Deno.test("health: a running gateway is healthy by config, by env over defaults and by --url", async () => {
  const port = freePort();
  await withFiles({ "ongoingai.yaml": `server:\n  port: ${port}\n` }, async (dir) => {
    let server: ServerProcess | null = null;
    try {
      server = await startServer([], { cwd: dir, port });
      const url = `http://127.0.0.1:${port}/api/health`;
      const healthy = new RegExp(`^healthy: ${url} \\(status ok, version \\S+, up \\d+s\\)\\n$`);

      const byConfig = await runCliProcess(["health"], { cwd: dir });
      assert.equal(byConfig.code, 0, byConfig.stderr);
      assert.match(byConfig.stdout, healthy);

      const byUrl = await runCliProcess(["health", "--url", server.origin], { cwd: dir });
      assert.equal(byUrl.code, 0, byUrl.stderr);
      assert.match(byUrl.stdout, healthy);

      // The container case: no config file, the bind address from the environment, 0.0.0.0
      // reached on loopback.
      await withFiles({}, async (empty) => {
        const env = { ONGOINGAI_HOST: "0.0.0.0", ONGOINGAI_PORT: String(port) };
        const byEnv = await runCliProcess(["health"], { cwd: empty, env });
        assert.equal(byEnv.code, 0, byEnv.stderr);
        assert.match(byEnv.stdout, healthy);
      });

      const stopped = await server.stop();
      server = null;
      assert.equal(stopped.code, 0, stopped.logs);
      const after = await runCliProcess(["health"], { cwd: dir });
      assert.equal(after.code, 1);
      assert.equal(after.stdout, "");
      assert.match(after.stderr, new RegExp(`^unhealthy: ${url}: connection refused`));
    } finally {
      await server?.kill();
    }
  });
});

Deno.test("health: nothing listening exits 1 with a clear message; the default is 127.0.0.1:8080", async () => {
  await withFiles({}, async (dir) => {
    const port = freePort();
    const r = await runCliProcess(["health", "--url", `http://127.0.0.1:${port}`], { cwd: dir });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `unhealthy: http://127.0.0.1:${port}/api/health: connection refused: nothing is listening ` +
        "there; is `ongoingai serve` running with this config?\n",
    );
    // Whatever may be on 8080 on this machine, the built-in address is the one probed.
    const d = await runCliProcess(["health"], { cwd: dir });
    assert.match(d.stdout + d.stderr, /^(un)?healthy: http:\/\/127\.0\.0\.1:8080\/api\/health/);
  });
});

Deno.test("health: a config that does not load exits 1 and says how to give the address", async () => {
  await withFiles({ "ongoingai.yaml": "server:\n  port: nope\n" }, async (dir) => {
    const r = await runCaptured(health, [], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^unhealthy: cannot tell where the gateway listens/);
    assert.match(r.stderr, /server\.port/);
    assert.match(r.stderr, /ongoingai health --url/);
  });
});

/** A local server that is not a healthy gateway; stops itself when the test ends. */
const withStub = servedOnLoopback;

Deno.test("health: a failing or foreign answer exits 1 and shows what came back", async (t) => {
  const cases: Array<[string, () => Response, RegExp]> = [
    [
      "503 from the gateway route",
      () => Response.json({ status: "starting" }, { status: 503 }),
      /answered 503 \{"status":"starting"\}\n$/,
    ],
    [
      "200 from something else",
      () => new Response("<html>hello</html>"),
      /answered 200 <html>hello<\/html>\nIs something other than the gateway listening there\?\n$/,
    ],
  ];
  for (const [name, respond, message] of cases) {
    await t.step(name, async () => {
      await withStub(respond, async (origin) => {
        const r = await runCaptured(health, ["--url", origin], Deno.cwd());
        assert.equal(r.code, 1);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, message);
      });
    });
  }
});

Deno.test("health: a server that never answers fails after --timeout-ms", async () => {
  const { promise: released, resolve: release } = Promise.withResolvers<void>();
  await withStub(async () => {
    await released;
    return new Response("late");
  }, async (origin) => {
    try {
      const r = await runCaptured(health, ["--url", origin, "--timeout-ms", "200"], Deno.cwd());
      assert.equal(r.code, 1);
      assert.match(r.stderr, /: no answer within 200 ms \(raise --timeout-ms/);
    } finally {
      release();
    }
  });
});

// Production containers often set HTTP(S)_PROXY for the upstream calls. The HEALTHCHECK must still
// reach the gateway itself on loopback, not ask the proxy for 127.0.0.1 (which fails or, worse,
// answers for another machine).
Deno.test("health: HTTP_PROXY and HTTPS_PROXY in the environment do not reroute the probe", async () => {
  let proxied = 0;
  await withStub((req) => {
    // Only the probe counts: with tests running in parallel, another test may reach this
    // ephemeral port (one it picked as "nothing listens here") with requests of its own.
    if (new URL(req.url).pathname === "/api/health") proxied++;
    return new Response("proxy: denied destination", { status: 403 });
  }, async (proxy) => {
    await withStub(() => Response.json({ status: "ok", version: "9.9.9" }), async (origin) => {
      const env = { HTTP_PROXY: proxy, http_proxy: proxy, HTTPS_PROXY: proxy, https_proxy: proxy };
      const r = await runCliProcess(["health", "--url", origin], { cwd: Deno.cwd(), env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^healthy: http:\/\/127\.0\.0\.1:\d+\/api\/health \(status ok, version 9\.9\.9\)\n$/,
      );
      assert.equal(proxied, 0);
    });
  });
});
