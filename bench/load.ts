/**
 * Load generation from the harness's side: wrk when installed and the run is at least a second
 * long (its shortest), else the bounded Deno client; both in their own process.
 */
import { join } from "node:path";
import type { ClientResult, ClientSpec } from "./client.ts";
import type { RequestSpec } from "./client_stream.ts";
import type { BenchContext } from "./context.ts";
import { benchDir, spawnDeno } from "./proc.ts";
import type { LoadResult } from "./stats.ts";
import { runWrk } from "./wrk.ts";
import { cpuMicrosPerRequest, cpuSeconds } from "./cpu.ts";

export async function runClientProcess<T extends ClientResult>(spec: ClientSpec): Promise<T> {
  const child = spawnDeno("client", join(benchDir, "client.ts"), [JSON.stringify(spec)], {
    captureStdout: true,
  });
  const code = await child.status;
  const out = await child.stdout;
  if (code !== 0) {
    throw new Error(`bench client exited with ${code}:\n${child.logs().slice(-2000)}`);
  }
  return JSON.parse(out) as T;
}

/** Closed-loop saturation: `connections` requests always in flight for `duration_s`. */
export async function saturate(
  ctx: BenchContext,
  req: RequestSpec,
  opts: {
    connections: number;
    duration_s: number;
    warmup_s: number;
    /** The process whose CPU per request is read over the measured run (not the warm-up). */
    cpuPid?: number | null;
  },
): Promise<LoadResult> {
  let r: LoadResult;
  const cpu = () => opts.cpuPid == null ? null : cpuSeconds(opts.cpuPid);
  let cpuBefore: number | null = null;
  if (ctx.wrk !== null && opts.duration_s >= 1) {
    if (opts.warmup_s > 0) {
      await runWrk({
        req,
        connections: opts.connections,
        duration_s: opts.warmup_s,
        tmpDir: ctx.tmpDir,
      });
    }
    cpuBefore = cpu();
    r = await runWrk({
      req,
      connections: opts.connections,
      duration_s: opts.duration_s,
      tmpDir: ctx.tmpDir,
    });
  } else {
    // The Deno client warms up inside its own process, so a reading around a run with a warm-up
    // would charge the warm-up's requests to the measured ones: no CPU figure then.
    if (opts.warmup_s === 0) cpuBefore = cpu();
    const { connections, duration_s, warmup_s } = opts;
    r = await runClientProcess<LoadResult>({
      mode: "closed",
      req,
      connections,
      duration_s,
      warmup_s,
    });
  }
  if (opts.cpuPid != null) {
    r.cpu_us_per_request = cpuBefore === null
      ? null
      : cpuMicrosPerRequest(cpuBefore, cpu(), r.requests);
  }
  if (r.errors > 0) r.first_error = await probe(req);
  return r;
}

/** wrk only counts failures; one more request shows what a failure looks like. */
async function probe(req: RequestSpec): Promise<string> {
  try {
    const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body });
    const text = await res.text();
    return `a request after the run answered ${res.status}: ${text.slice(0, 300)}`;
  } catch (err) {
    return `a request after the run failed: ${String(err)}`;
  }
}
