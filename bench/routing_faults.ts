/**
 * `deno task bench:routing`: the fault matrix of issue 19, end to end. Starts the fault upstream
 * (tests/support/fault_upstream.ts) and the real `serve` process with one route per case and
 * commit mode, sends each case's request with the official SDKs, and writes a table (case × mode:
 * what the client got, attempts per target from the upstream's records and from the trace's
 * `attempts`, wall time) plus the key-pool and healthy-path scenarios to bench/results/routing/
 * as markdown and JSON. Before the route loop exists the gateway forwards a route's name
 * unchanged: every row then says "not routed" instead of failing. See bench/README.md.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { queues, startFaultUpstream } from "../tests/support/fault_upstream.ts";
import { commitInfo } from "./machine.ts";
import { benchDir, stopAll } from "./proc.ts";
import { type Clients, makeClients, runClient } from "./routing_clients.ts";
import {
  answersOf,
  type ClientKind,
  type CommitMode,
  commitModes,
  type FaultCase,
  faultCases,
  namesOf,
  okScript,
} from "./routing_cases.ts";
import { type BenchGateway, startRoutingGateway } from "./routing_gateway.ts";
import { renderRouting, type RoutingReport } from "./routing_report.ts";
import { runLatency, runPool } from "./routing_pool.ts";
import { answerOf, chatUsage } from "../tests/support/fault_bodies.ts";
import type { FaultRequest, FaultScript } from "../tests/support/fault_upstream.ts";

export const usage = `deno task bench:routing [options]

  --only a,b           parts to run: matrix, pool, latency (default all)
  --cases a,b          fault cases to run (default all): ${faultCases.map((c) => c.id).join(", ")}
  --pool-seconds N     time base of the key-pool scenario (default 60: 3 keys x 10 rpm, 30
                       requests over a minute); 15 runs it in 15 s with each key's rpm scaled x4
  --latency-requests N requests per side in the healthy-path comparison (default 300)
  --out DIR            where results go (default bench/results/routing)
`;

export interface CaseRow {
  case: string;
  mode: CommitMode;
  routed: boolean;
  expected: string;
  outcome: string;
  as_expected: boolean;
  answered_by: string | null;
  upstream_primary: number;
  upstream_fallback: number;
  upstream_unrouted: number;
  trace_attempts_primary: number | null;
  trace_attempts_fallback: number | null;
  wall_ms: number;
  detail: string;
}

const clientKinds: ClientKind[] = [
  "chat",
  "chat_stream",
  "responses_stream",
  "messages",
  "messages_stream",
];
const controlText = "A control answer: every client must read this as complete.";

/** Healthy answers in every protocol, unrouted: the harness's verdicts must say complete. */
async function runControls(clients: Clients): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const kind of clientKinds) {
    const r = await runClient(clients, kind, `control.${kind}`, {
      primary: controlText,
      fallback: controlText,
    });
    out[kind] = r.outcome === "complete" ? "complete" : `${r.outcome} ${r.detail}`;
  }
  return out;
}

type Queue = FaultScript[] | ((r: FaultRequest) => FaultScript);

function scriptsFor(cases: FaultCase[]): Map<string, Queue> {
  const m = new Map<string, Queue>();
  for (const c of cases) {
    for (const mode of commitModes) {
      const n = namesOf(c, mode);
      const a = answersOf(c, mode);
      m.set(n.primary, c.primary(a.primary));
      m.set(n.fallback, c.fallback(a.fallback));
      // Unrouted, the upstream sees the route's name: it answers as the primary would.
      m.set(n.route, c.primary(a.primary));
    }
  }
  for (const kind of clientKinds) {
    m.set(`control.${kind}`, [okScript(kind, answerOf("control", kind, controlText))]);
  }
  const healthy = answerOf("healthy", "healthy", "A healthy answer.");
  m.set("healthy", [okScript("chat", healthy)]);
  m.set("healthy.routed", [okScript("chat", healthy)]);
  return m;
}

async function runCase(
  c: FaultCase,
  mode: CommitMode,
  gw: BenchGateway,
  clients: Clients,
  up: ReturnType<typeof startFaultUpstream>,
): Promise<CaseRow> {
  const n = namesOf(c, mode);
  const a = answersOf(c, mode);
  const full = { primary: a.primary.pieces.join(""), fallback: a.fallback.pieces.join("") };
  const from = new Date(Date.now() - 1000).toISOString();
  const t0 = performance.now();
  const results = [];
  for (let i = 0; i < (c.requests ?? 1); i++) {
    if (i > 0 && c.pauseMs) await new Promise((r) => setTimeout(r, c.pauseMs));
    results.push(await runClient(clients, c.client, n.route, full));
  }
  const wall = Math.round(performance.now() - t0);
  await gw.settle();
  const traces = (await gw.traces(from)).filter((t) =>
    [n.route, n.primary, n.fallback].includes(t.model) || t.route === n.route
  );
  const withAttempts = traces.filter((t) => Array.isArray(t.attempts));
  const count = (model: string) =>
    withAttempts.length === 0
      ? null
      : withAttempts.reduce((s, t) => s + t.attempts!.filter((x) => x.model === model).length, 0);
  const unrouted = up.requestsFor(n.route).length;
  const outcomes = results.map((r) => r.outcome);
  const outcome = outcomes.every((o) => o === outcomes[0])
    ? `${outcomes[0]}${results.length > 1 ? ` ×${results.length}` : ""}`
    : outcomes.join(",");
  const expected = c.expect[mode];
  const detail = [
    ...new Set(results.map((r) => r.detail).filter((d) => d !== "")),
    ...caseExtras(c, n, traces, up),
  ].join("; ");
  return {
    case: c.id,
    mode,
    routed: unrouted === 0,
    expected,
    outcome,
    as_expected: results.every((r) => r.outcome === expected),
    answered_by: results.length === 1
      ? results[0]!.answered_by
      : results.map((r) => r.answered_by?.[0] ?? "-").join(""),
    upstream_primary: up.requestsFor(n.primary).length,
    upstream_fallback: up.requestsFor(n.fallback).length,
    upstream_unrouted: unrouted,
    trace_attempts_primary: count(n.primary),
    trace_attempts_fallback: count(n.fallback),
    wall_ms: wall,
    detail,
  };
}

/** What two cases check beyond the client's verdict: accounting, and no prefill continuation. */
function caseExtras(
  c: FaultCase,
  n: ReturnType<typeof namesOf>,
  traces: Awaited<ReturnType<BenchGateway["traces"]>>,
  up: ReturnType<typeof startFaultUpstream>,
): string[] {
  if (c.id === "prefill_rejected") {
    const prefills = up.requestsFor(n.fallback).filter((r) => r.script === "prefill_rejected");
    return [`fallback asked to continue by prefill: ${prefills.length}`];
  }
  if (c.id === "fallback_accounting") {
    // The answer came from the fallback: the trace must carry its model and its tokens.
    return traces.map((t) =>
      `accounting ${
        t.model === n.fallback && t.input_tokens === chatUsage.prompt ? "ok" : "wrong"
      }: trace model ${t.model}, tokens in/out ${t.input_tokens ?? "unknown"}/${
        t.output_tokens ?? "unknown"
      }, cost ${t.estimated_cost_usd ?? "unknown"}, attempts ${t.attempt_count ?? "not recorded"}`
    );
  }
  return [];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: "string" },
      cases: { type: "string" },
      "pool-seconds": { type: "string", default: "60" },
      "latency-requests": { type: "string", default: "300" },
      out: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const parts = (values.only ?? "matrix,pool,latency").split(",").map((s) => s.trim());
  const poolS = Number(values["pool-seconds"]);
  const latencyN = Number(values["latency-requests"]);
  if (!(poolS >= 5 && poolS <= 600) || !(latencyN >= 10 && latencyN <= 100_000)) {
    console.error(
      "error: --pool-seconds must be 5..600 and --latency-requests 10..100000\n" + usage,
    );
    return 2;
  }
  const wanted = values.cases?.split(",").map((s) => s.trim());
  const unknown = (wanted ?? []).filter((id) => !faultCases.some((c) => c.id === id));
  if (unknown.length > 0) {
    console.error(`error: unknown case ${unknown.join(", ")}\n${usage}`);
    return 2;
  }
  const cases = faultCases.filter((c) => wanted === undefined || wanted.includes(c.id));
  const outDir = values.out ?? join(benchDir, "results", "routing");
  const tmpDir = await Deno.makeTempDir({ prefix: "ongoingai_routing_" });
  const up = startFaultUpstream({ choose: queues(scriptsFor(cases)), maxHoldMs: 30_000 });
  const poolAnswer = answerOf("pool", "pool-model", "A pooled answer.");
  const poolUp = startFaultUpstream({
    choose: () => okScript("chat", poolAnswer),
    rateLimit: { limit: 10, windowMs: poolS * 1000 },
  });
  const report: RoutingReport = {
    schema: 1,
    date: new Date().toISOString(),
    commit: await commitInfo(),
    settings: { pool_seconds: poolS, latency_requests: latencyN, cases: cases.map((c) => c.id) },
    controls: {},
    matrix: [],
    pool: null,
    latency: null,
    notes: [],
    gateway_warnings: [],
  };
  const onSignal = () => {
    console.error("\ninterrupted: stopping everything the bench started");
    void Promise.all([stopAll(), up.close(), poolUp.close()]).finally(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  let gw: BenchGateway | null = null;
  try {
    await up.ready;
    gw = await startRoutingGateway(tmpDir, up.url, up.resetUrl, cases, {
      upstream: poolUp.url,
      keys: 3,
      rpmPerKey: Math.round((10 * 60) / poolS),
    });
    const clients = makeClients(gw.origin);
    report.controls = await runControls(clients);
    for (const [kind, v] of Object.entries(report.controls)) {
      if (v !== "complete") report.notes.push(`harness control ${kind} was not complete: ${v}`);
    }
    if (parts.includes("matrix")) {
      for (const c of cases) {
        for (const mode of commitModes) {
          console.error(`routing: ${c.id} (${mode})...`);
          try {
            report.matrix.push(await runCase(c, mode, gw, clients, up));
          } catch (err) {
            report.notes.push(`${c.id} (${mode}) did not run: ${String(err).slice(0, 300)}`);
          }
        }
      }
    }
    if (parts.includes("latency")) {
      console.error(`routing: healthy path, ${latencyN} requests each...`);
      report.latency = await runLatency(gw.origin, up, latencyN);
    }
    if (parts.includes("pool")) {
      console.error(`routing: key pool over ${poolS} s...`);
      report.pool = await runPool(gw.origin, poolUp, poolS, 30);
    }
  } finally {
    const code = gw ? await gw.stop() : 0;
    report.gateway_warnings = gw ? routeWarnings(gw.logs()) : [];
    if (code !== 0) report.notes.push(`gateway exit code ${code}`);
    await Promise.all([up.close(), poolUp.close(), stopAll()]);
    Deno.removeSignalListener("SIGINT", onSignal);
    await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
  }
  const md = renderRouting(report);
  await writeResults(outDir, report, md);
  console.log(md);
  console.error(`routing: results in ${outDir}`);
  // 1 when the harness itself failed; what the gateway did is reported, not judged here.
  return report.notes.length === 0 ? 0 : 1;
}

/** Startup warnings about routes and pools, from the gateway's log (JSON lines or text). */
function routeWarnings(logs: string): string[] {
  const out = new Set<string>();
  for (const line of logs.split("\n")) {
    // `serve` prints config warnings as `path: message` lines before its JSON log starts.
    const configWarning = /^(routes|providers\.[\w-]+\.keys)\b/.test(line);
    if (!configWarning && !(/warn/i.test(line) && /route|pool/i.test(line))) continue;
    // The bench's pool keys are fake and in the file on purpose.
    if (line.includes("plaintext secret")) continue;
    let text = line;
    try {
      const rec = JSON.parse(line) as { msg?: string; message?: string };
      text = rec.msg ?? rec.message ?? line;
    } catch { /* a text line */ }
    out.add(text.slice(0, 400));
  }
  return [...out].slice(0, 10);
}

async function writeResults(outDir: string, report: RoutingReport, md: string): Promise<void> {
  await Deno.mkdir(outDir, { recursive: true });
  const stamp = report.date.slice(0, 16).replaceAll(":", "").replaceAll("-", "") + "Z";
  const base = `${stamp}_${report.commit.commit}`;
  const json = JSON.stringify(report, null, 2) + "\n";
  for (
    const [name, text] of [[`${base}.json`, json], [`${base}.md`, md], ["latest.json", json], [
      "latest.md",
      md,
    ]]
  ) {
    await Deno.writeTextFile(join(outDir, name!), text!);
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
