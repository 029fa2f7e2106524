/**
 * The systems the measuring tools (`thread_cpu.ts`, `large_cpu.ts`) compare, outside the bench's
 * scenarios: the upstream stub, the Deno pass-through in front of it, and a gateway (SQLite,
 * capture off, the `chat` and `large` scenarios' config) optionally under the V8 inspector.
 */
import { join } from "node:path";
import { benchDir, freePort, repoRoot, spawn, spawnDeno, waitReady } from "./proc.ts";
import type { Target } from "./targets.ts";

/** The stub and the pass-through, listening; their origins and the pass-through as a target. */
export async function startStubAndPassThrough(): Promise<
  { stubOrigin: string; passThrough: Target }
> {
  const stubPort = freePort();
  const stub = spawnDeno("stub", join(benchDir, "stub.ts"), ["--port", String(stubPort)]);
  const stubOrigin = `http://127.0.0.1:${stubPort}`;
  await waitReady(stub, `${stubOrigin}/health`);
  const ptPort = freePort();
  const pt = spawnDeno("passthrough", join(benchDir, "passthrough.ts"), [
    "--port",
    String(ptPort),
    "--upstream",
    stubOrigin,
  ]);
  const origin = `http://127.0.0.1:${ptPort}`;
  await waitReady(pt, `${origin}/health`);
  return {
    stubOrigin,
    passThrough: { name: "pass-through", kind: "passthrough", origin, pid: pt.pid },
  };
}

export interface ToolGatewayOptions {
  /** Where its config and database go. */
  dir: string;
  stubOrigin: string;
  /** Runs it under `--inspect` on this port (for `inspector_profile.ts`). */
  inspectPort?: number;
  /** `K=V` pairs for its environment (glibc malloc settings, say). */
  env?: readonly string[];
  /** Another checkout's gateway (`git archive` of a base commit), for before/after runs. */
  root?: string;
}

/** The gateway, listening, as a target. */
export async function startToolGateway(opts: ToolGatewayOptions): Promise<Target> {
  const port = freePort();
  const config = {
    server: { host: "127.0.0.1", port, log_format: "json", shutdown_grace_ms: 5000 },
    storage: { driver: "sqlite", path: join(opts.dir, "traces.db") },
    providers: { openai: { upstream: opts.stubOrigin }, anthropic: { upstream: opts.stubOrigin } },
    tracing: { capture_bodies: false },
  };
  const configPath = join(opts.dir, "gateway.json");
  await Deno.writeTextFile(configPath, JSON.stringify(config));
  // `env K=V deno ...` execs deno in the same process: the pid stays the gateway's.
  const gw = spawn("gateway", "env", [
    ...(opts.env ?? []),
    Deno.execPath(),
    "run",
    "-A",
    "--unstable-no-legacy-abort",
    ...(opts.inspectPort === undefined ? [] : [`--inspect=127.0.0.1:${opts.inspectPort}`]),
    join(opts.root ?? repoRoot, "src/main.ts"),
    "serve",
    "--config",
    configPath,
  ]);
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(gw, `${origin}/api/health`);
  return { name: "gateway", kind: "gateway", origin, pid: gw.pid };
}
