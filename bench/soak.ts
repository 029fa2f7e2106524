/**
 * `deno task soak`: the gateway (SQLite, default config) in front of the bench stub, under a
 * mixed load at half of its measured saturation for a bounded time (default 10 minutes),
 * sampled every few seconds. Passes when there were no errors, resident memory and open file
 * descriptors stayed flat after the warm-up, and every request sent left exactly one trace in
 * the database (issue 8, reliability.md §0). Exit 1 when a criterion fails: a gate run by hand
 * or nightly, not in CI (CI runs tests/bench/soak_smoke_test.ts). See bench/README.md.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startGateway } from "./gateway.ts";
import { commitInfo, loadAverage, machineInfo } from "./machine.ts";
import { benchDir, freePort, spawnDeno, stopAll, waitReady } from "./proc.ts";
import { closedLoop, LoadCounters, mixedShapes, pacedLoop } from "./soak_load.ts";
import { judge, type SoakReport, writeSoakResults } from "./soak_report.ts";
import { drift, Sampler } from "./soak_sample.ts";
import { round1 } from "./stats.ts";

const usage = `deno task soak [options]

  --duration SECONDS  length of the soak load (default 600; 30 for a quick look); the warm-up,
                      excluded from the drift figures, is its first 20% up to 60 s
  --out DIR           where results go (default bench/results/soak)
`;

const connections = 32;

interface SoakArgs {
  duration_s: number;
  out: string;
}

function parseSoakArgs(argv: string[]): SoakArgs | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        duration: { type: "string", default: "600" },
        out: { type: "string", default: join(benchDir, "results", "soak") },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (values.help) return "";
  const duration_s = Number(values.duration);
  if (!(duration_s >= 3 && duration_s <= 86_400)) {
    return `--duration must be a number of seconds from 3 to 86400 (got "${values.duration}")`;
  }
  return { duration_s, out: values.out };
}

/** Runs `fn` every `intervalS` seconds (on a fixed schedule) until `until` settles. */
async function every(intervalS: number, until: Promise<unknown>, fn: () => Promise<unknown>) {
  let done = false;
  until.finally(() => done = true).catch(() => {});
  const t0 = performance.now();
  for (let i = 1; !done; i++) {
    const wait = t0 + i * intervalS * 1000 - performance.now();
    await Promise.race([new Promise((r) => setTimeout(r, Math.max(0, wait))), until]);
    if (!done) await fn();
  }
}

async function soak(args: SoakArgs, tmpDir: string): Promise<SoakReport> {
  const d = args.duration_s;
  const warmup_s = round1(Math.min(60, d * 0.2));
  const interval_s = round1(Math.min(5, Math.max(0.5, d / 12)));
  const saturation_s = Math.min(5, Math.max(1, Math.round(d / 6)));
  const machine = await machineInfo();
  const notes: string[] = [];

  const stubPort = freePort();
  const stub = spawnDeno("stub", join(benchDir, "stub.ts"), ["--port", String(stubPort)]);
  const stubOrigin = `http://127.0.0.1:${stubPort}`;
  await waitReady(stub, `${stubOrigin}/health`);
  const gw = await startGateway("gateway (soak)", stubOrigin, tmpDir);
  const shapes = mixedShapes({ name: gw.name, kind: "gateway", origin: gw.origin, pid: gw.pid });

  // Everything sent before the soak: a short warm-up (JIT, connection pools), then saturation.
  const before = new LoadCounters();
  if (d >= 30) {
    await closedLoop(shapes, { connections, duration_s: 1 }, before);
  }
  const warmSent = before.sent;
  await closedLoop(shapes, { connections, duration_s: saturation_s }, before);
  const satRequests = before.sent - warmSent;
  const satRps = round1(satRequests / saturation_s);
  const rate = Math.max(10, Math.round(satRps / 2));
  console.error(`soak: saturation ${satRps} req/s; ${d} s at ${rate} req/s`);

  const load = new LoadCounters();
  const sampler = new Sampler(gw.pid, gw.origin, load);
  await sampler.sample();
  const t0 = performance.now();
  const running = pacedLoop(shapes, { rate, duration_s: d, connections }, load);
  await every(interval_s, running, async () => {
    const s = await sampler.sample();
    if (Math.round(s.t_s) % 60 === 0 || d < 60) {
      console.error(
        `soak: ${s.t_s} s, RSS ${s.rss_mb} MB, fds ${s.fds}, ${s.rps} req/s, errors ${s.errors}`,
      );
    }
  });
  await running;
  const elapsed = (performance.now() - t0) / 1000;
  // Samples taken while the load ran: the one at its very end may see the connections closing.
  const during = sampler.samples.filter((s) => s.t_s >= warmup_s && s.t_s <= d - interval_s / 2);
  await sampler.sample(); // after the load: the queue should be empty

  const trace_account = await gw.stop();
  await stub.stop();
  const achieved = load.ok / elapsed;
  if (achieved < 0.95 * rate) {
    notes.push(
      `the rate was not held: ${round1(achieved)} of ${rate} req/s (the gateway or the machine ` +
        `fell behind; ${load.late} requests went out late)`,
    );
  }
  if (machine.cores <= 2) {
    notes.push(
      "the load generator runs in the harness's process and shares the cores with the gateway " +
        "and the stub; saturation is that of the whole setup, so half of it leaves headroom",
    );
  }
  const partial = {
    saturation: { rps: satRps, requests: satRequests, errors: before.errors },
    load: {
      rate_target: rate,
      rate_achieved: round1(achieved),
      sent: load.sent,
      ok: load.ok,
      errors: load.errors,
      late: load.late,
      first_error: load.firstError ?? before.firstError,
      latency_ms: load.latencyMs(),
    },
    requests_total: before.sent + load.sent,
    rss_mb: drift(during.map((s) => s.rss_mb)),
    fds: drift(during.map((s) => s.fds)),
    sockets: drift(during.map((s) => s.sockets)),
    other_fds: drift(
      during.map((s) => s.fds === null || s.sockets === null ? null : s.fds - s.sockets),
    ),
    trace_account,
  };
  const criteria = judge(partial);
  return {
    schema: 1,
    date: new Date().toISOString(),
    commit: await commitInfo(),
    machine: { ...machine, load_avg_end: loadAverage() },
    settings: {
      duration_s: d,
      interval_s,
      warmup_s,
      saturation_s,
      connections,
      mix: shapes.map((s) => s.name),
    },
    ...partial,
    criteria,
    ok: criteria.every((c) => c.ok),
    samples: sampler.samples,
    notes,
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parseSoakArgs(argv);
  if (typeof args === "string") {
    if (args !== "") console.error(`error: ${args}\n`);
    console.error(usage);
    return args === "" ? 0 : 2;
  }
  const tmpDir = await Deno.makeTempDir({ prefix: "ongoingai_soak_" });
  const onSignal = () => {
    console.error("\ninterrupted: stopping everything the soak started");
    stopAll().finally(() => {
      Deno.removeSync(tmpDir, { recursive: true });
      Deno.exit(130);
    });
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const report = await soak(args, tmpDir);
    console.log(await writeSoakResults(args.out, report));
    console.error(`soak: results in ${args.out}`);
    return report.ok ? 0 : 1;
  } finally {
    await stopAll();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
