/**
 * Load with wrk (closed loop, C connections, one thread so that it leaves a core to what it
 * measures): back to back for saturation, or paced by a think time for a moderate load; and the
 * parser of its report into the shared `LoadResult`.
 */
import { join } from "node:path";
import type { RequestSpec } from "./client_stream.ts";
import { spawn } from "./proc.ts";
import { type LoadResult, round1, round3 } from "./stats.ts";

const lua = (s: string) => JSON.stringify(s); // a JSON string is a valid Lua string literal here

function script(req: RequestSpec, thinkMs: number | undefined): string {
  const lines = [
    `wrk.method = "POST"`,
    `wrk.body = ${lua(req.body)}`,
    ...Object.entries(req.headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`),
  ];
  if (thinkMs !== undefined) {
    // Before each request a connection waits an exponentially distributed time (so arrivals
    // over all connections are close to Poisson). wrk takes whole milliseconds: rounding up
    // with the probability of the fraction keeps the mean exact. wrk starts its latency clock
    // after the wait, so the wait is never counted as latency.
    lines.push(
      `local mean = ${thinkMs}`,
      `function delay()`,
      `  local d = -math.log(1 - math.random()) * mean`,
      `  local whole = math.floor(d)`,
      `  if math.random() < d - whole then whole = whole + 1 end`,
      `  return whole`,
      `end`,
    );
  }
  return lines.join("\n") + "\n";
}

const unitMs: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };
const unitMb: Record<string, number> = { B: 1 / 1048576, KB: 1 / 1024, MB: 1, GB: 1024 };

function duration(text: string): number {
  const m = /^([0-9.]+)(us|ms|s|m)$/.exec(text.trim());
  return m ? round3(Number(m[1]) * unitMs[m[2]!]!) : NaN;
}

export function parseWrk(out: string, durationS: number): LoadResult {
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => duration(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m").exec(out)?.[1] ?? "");
  const transfer = /Transfer\/sec:\s+([0-9.]+)(B|KB|MB|GB)/.exec(out);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const requests = num(/(\d+) requests in/);
  const rps = num(/Requests\/sec:\s+([0-9.]+)/);
  if (!Number.isFinite(requests) || !Number.isFinite(rps)) {
    throw new Error(`could not read the wrk report:\n${out.slice(0, 2000)}`);
  }
  const p50 = pct("50"), p90 = pct("90"), p99 = pct("99");
  const max = duration(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1] ?? "");
  return {
    tool: "wrk",
    requests,
    duration_s: durationS,
    rps: round1(rps),
    mb_per_s: transfer ? round1(Number(transfer[1]) * unitMb[transfer[2]!]!) : 0,
    latency_ms: { p50, p90, p99, max, count: requests },
    errors: (Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)) +
      (sock ? Number(sock[1]) + Number(sock[2]) + Number(sock[3]) : 0),
    timeouts: sock ? Number(sock[4]) : 0,
  };
}

export async function runWrk(opts: {
  req: RequestSpec;
  connections: number;
  duration_s: number;
  tmpDir: string;
  /** Mean wait before each request on a connection (paced load); absent: back to back. */
  thinkMs?: number;
}): Promise<LoadResult> {
  const file = join(opts.tmpDir, `wrk_${crypto.randomUUID()}.lua`);
  await Deno.writeTextFile(file, script(opts.req, opts.thinkMs));
  const seconds = Math.max(1, Math.round(opts.duration_s));
  const child = spawn("wrk", "wrk", [
    "-t1",
    `-c${opts.connections}`,
    `-d${seconds}s`,
    "--timeout",
    "30s",
    "--latency",
    "-s",
    file,
    opts.req.url,
  ], { captureStdout: true });
  const code = await child.status;
  const out = await child.stdout;
  if (code !== 0) throw new Error(`wrk exited with ${code}: ${child.logs().slice(-1000)}`);
  return parseWrk(out, seconds);
}
