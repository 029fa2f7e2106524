/**
 * `deno task bench`: starts the stub, the baselines and the gateway on loopback, runs the
 * scenarios of issue 3, prints a markdown table and writes JSON and markdown results. Everything
 * it starts is stopped at the end, on failure and on Ctrl-C. See bench/README.md.
 */
import { join } from "node:path";
import { parseBenchArgs, type ScenarioId, scenarioIds, usage } from "./args.ts";
import { type BenchContext, type ScenarioResult, settingsFor } from "./context.ts";
import { evaluateChecks, evaluateGoals } from "./goals.ts";
import { commitInfo, loadAverage, machineInfo } from "./machine.ts";
import { findNginx } from "./nginx.ts";
import { benchDir, commandOutput, freePort, spawnDeno, stopAll, waitReady } from "./proc.ts";
import { type BenchReport, renderMarkdown } from "./report.ts";
import { pickPrevious, regressions } from "./regressions.ts";
import { chatScenario } from "./scenarios/chat.ts";
import { largeScenario } from "./scenarios/large.ts";
import { latencyScenario } from "./scenarios/latency.ts";
import { notImplemented, skippedResult } from "./scenarios/skipped.ts";
import { storeScenario } from "./scenarios/store.ts";
import { piiScenario } from "./scenarios/pii.ts";
import { piiStallScenario } from "./scenarios/pii_stall.ts";
import { telemetryScenario } from "./scenarios/telemetry.ts";
import { analyticsScenario } from "./scenarios/analytics.ts";
import { bombScenario } from "./scenarios/bomb.ts";
import { streamingScenario } from "./scenarios/streaming.ts";
import { streamsScenario } from "./scenarios/streams.ts";
import { tracesPostgresScenario, tracesScenario } from "./scenarios/traces.ts";
import { translateScenario } from "./scenarios/translate.ts";
import { routingScenario } from "./scenarios/routing.ts";
import { nativeScenario } from "./scenarios/native.ts";
import { workersScenario } from "./scenarios/workers.ts";

const runners: Partial<
  Record<ScenarioId, [string, (ctx: BenchContext) => Promise<ScenarioResult>]>
> = {
  chat: ["Non-streaming chat at saturation", chatScenario],
  latency: ["Added latency at moderate load", latencyScenario],
  streaming: ["Streaming chat", streamingScenario],
  large: ["Large responses", largeScenario],
  traces_sqlite: ["Traces to SQLite", tracesScenario],
  traces_postgres: ["Traces to PostgreSQL", tracesPostgresScenario],
  streams_200: ["Concurrent long streams", streamsScenario],
  store_write: ["Trace store alone (SQLite, PostgreSQL)", storeScenario],
  analytics: ["Analytics at scale", analyticsScenario],
  pii: ["PII redaction", piiScenario],
  pii_stall: ["PII redaction: longest event-loop stall", piiStallScenario],
  telemetry: ["OpenTelemetry on the hot path", telemetryScenario],
  bomb: ["Upstream memory attacks", bombScenario],
  translate: ["Protocol translation: added latency", translateScenario],
  routing: ["Routing: healthy route and failover, added latency", routingScenario],
  native: ["Native providers (Gemini, Bedrock): added latency", nativeScenario],
  workers: ["server.workers: 1 vs 2 isolates, throughput and CPU per request", workersScenario],
};

async function main(argv: string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  if (typeof args === "string") {
    if (args !== "") console.error(`error: ${args}\n`);
    console.error(usage);
    return args === "" ? 0 : 2;
  }
  const settings = settingsFor(args.smoke ? "smoke" : "full", args.duration);
  const tmpDir = await Deno.makeTempDir({ prefix: "ongoingai_bench_" });
  const notes: string[] = [];
  const wrkText = args.load === "deno" ? null : await commandOutput("wrk", ["-v"]);
  const wrk = wrkText === null ? null : (/wrk \S+/.exec(wrkText)?.[0] ?? "wrk");
  if (args.load === "wrk" && wrk === null) {
    console.error("error: --load wrk but wrk is not installed (apt-get install wrk)");
    return 2;
  }
  if (wrk === null) {
    notes.push(
      (args.load === "deno" ? "--load deno" : "wrk is not installed") +
        ": saturation runs use the bench's own Deno client, which saturates before the stub does, so direct figures are a floor",
    );
  }
  if (wrk !== null && settings.mode === "smoke") {
    notes.push("smoke: runs shorter than 1 s use the Deno client (wrk's shortest run is 1 s)");
  }
  const nginx = args.nginx ? await findNginx() : null;
  const nginxSkipped = nginx !== null
    ? null
    : args.nginx
    ? "nginx is not installed: the nginx baseline is skipped"
    : "nginx baseline skipped (--no-nginx)";
  if (nginxSkipped) notes.push(nginxSkipped);
  const machine = await machineInfo();
  const outDir = args.out ?? (args.smoke ? tmpDir : join(benchDir, "results"));

  const onSignal = () => {
    console.error("\ninterrupted: stopping everything the bench started");
    stopAll().finally(() => {
      if (outDir !== tmpDir) Deno.removeSync(tmpDir, { recursive: true });
      Deno.exit(130);
    });
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const results: ScenarioResult[] = [];
  const accounts: BenchContext["accounts"] = [];
  try {
    const stubPort = freePort();
    const stub = spawnDeno("stub", join(benchDir, "stub.ts"), ["--port", String(stubPort)]);
    const stubOrigin = `http://127.0.0.1:${stubPort}`;
    await waitReady(stub, `${stubOrigin}/health`);
    const ctx: BenchContext = {
      settings,
      tmpDir,
      stubOrigin,
      stubPid: stub.pid,
      wrk,
      nginx,
      nginxSkipped,
      gatewayRps: null,
      tracesSqliteRps: null,
      accounts,
    };
    for (const id of scenarioIds) {
      const skip = notImplemented.find((s) => s.id === id);
      if (skip) {
        results.push(skippedResult(skip));
        continue;
      }
      const [title, run] = runners[id]!;
      if (args.only !== null && !args.only.includes(id)) {
        results.push({
          id,
          title,
          status: "skipped",
          reason: "not selected (--only)",
          rows: [],
          figures: {},
          notes: [],
        });
        continue;
      }
      const t0 = performance.now();
      console.error(`bench: ${id}...`);
      try {
        results.push(await run(ctx));
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        results.push({ id, title, status: "failed", reason, rows: [], figures: {}, notes: [] });
      }
      console.error(`bench: ${id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    await stub.stop();
  } finally {
    await stopAll();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }

  const checks = evaluateChecks(results, accounts);
  const report: BenchReport = {
    schema: 1,
    date: new Date().toISOString(),
    commit: await commitInfo(),
    machine: { ...machine, load_avg_end: loadAverage() },
    tools: { load: wrk ?? "bench/client.ts (Deno)", nginx: nginx?.version ?? null, notes },
    settings,
    goals: evaluateGoals(results),
    checks,
    ok: checks.every((c) => c.ok),
    scenarios: results,
    trace_accounts: accounts,
  };
  const md = await writeResults(outDir, report);
  console.log(md);
  console.error(`bench: results in ${outDir}`);
  if (outDir !== tmpDir) await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
  return report.ok ? 0 : 1;
}

/**
 * Earlier runs of the same mode among the history's `<date>_<commit>[_smoke].json` files, newest
 * first (file names sort by date), so a smoke run between two full runs does not hide the first.
 */
async function earlierRuns(outDir: string, mode: string): Promise<BenchReport[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(outDir)) {
      if (e.isFile && /^\d{8}T\d{4}Z_.*\.json$/.test(e.name)) names.push(e.name);
    }
  } catch {
    return []; // first run here
  }
  const runs: BenchReport[] = [];
  for (const name of names.sort().reverse()) {
    try {
      const prev = JSON.parse(await Deno.readTextFile(join(outDir, name))) as BenchReport;
      if (prev.schema === 1 && prev.settings.mode === mode) runs.push(prev);
    } catch { /* an unreadable file is not a run */ }
  }
  return runs;
}

/** `<date>_<commit>[_smoke].json/.md` plus `latest.json/.md`; returns the markdown. */
async function writeResults(outDir: string, report: BenchReport): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  const picked = pickPrevious(await earlierRuns(outDir, report.settings.mode), report.machine);
  const previous = picked?.run ?? null;
  report.regressions = regressions(report.goals, previous?.goals ?? null);
  const md = renderMarkdown(report, previous);
  const stamp = report.date.slice(0, 16).replaceAll(":", "").replaceAll("-", "") + "Z";
  const base = `${stamp}_${report.commit.commit}${
    report.settings.mode === "smoke" ? "_smoke" : ""
  }`;
  const json = JSON.stringify(report, null, 2) + "\n";
  await Deno.writeTextFile(join(outDir, `${base}.json`), json);
  await Deno.writeTextFile(join(outDir, `${base}.md`), md);
  await Deno.writeTextFile(join(outDir, "latest.json"), json);
  await Deno.writeTextFile(join(outDir, "latest.md"), md);
  return md;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
