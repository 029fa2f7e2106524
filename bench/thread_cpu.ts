/**
 * Where a chat request's CPU goes, thread by thread: the gateway (SQLite, capture off, as the
 * `chat` scenario runs it) against the Deno pass-through, each at saturation under wrk, rounds
 * alternating the order. Threads are read from /proc/<pid>/task/<tid>/stat and grouped by name
 * (the main thread, V8's GC and compiler helpers, the store worker, the runtime's I/O threads),
 * so a figure says which part of the process pays, not only how much (issue 23's closing note).
 *
 * With `--profile FILE` the gateway runs under the V8 inspector and the CPU profile of its main
 * thread during the measured rounds goes to FILE (`deno run -A bench/cpuprofile_top.ts FILE`);
 * the profiler's own cost then inflates the main thread's figure.
 *
 * Usage: deno run -A bench/thread_cpu.ts [--seconds 8] [--rounds 2] [--connections 32]
 *          [--profile gw.cpuprofile]
 */
import { parseArgs } from "node:util";
import { freePort, stopAll } from "./proc.ts";
import { startStubAndPassThrough, startToolGateway } from "./tool_systems.ts";
import { requestFor, type Target } from "./targets.ts";
import { runWrk } from "./wrk.ts";
import { startProfiler } from "./inspector_profile.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "8" },
    rounds: { type: "string", default: "2" },
    connections: { type: "string", default: "32" },
    profile: { type: "string" },
  },
});
const userHz = 100;

/** CPU seconds per thread name (threads of one name summed), and the main thread's apart. */
function threadSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/stat`);
      const name = Number(entry.name) === pid
        ? "main thread"
        : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")).replace(/[\d-]+$/, "");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const s = (Number(f[11]) + Number(f[12])) / userHz;
      out.set(name, (out.get(name) ?? 0) + s);
    } catch { /* the thread ended */ }
  }
  return out;
}

function diff(after: Map<string, number>, before: Map<string, number>, requests: number) {
  const us = new Map<string, number>();
  for (const [name, s] of after) {
    const d = s - (before.get(name) ?? 0);
    if (d > 0) us.set(name, (d * 1e6) / requests);
  }
  return us;
}

const tmp = await Deno.makeTempDir({ prefix: "thread_cpu_" });
try {
  const { stubOrigin, passThrough } = await startStubAndPassThrough();
  const inspectPort = freePort();
  const gateway = await startToolGateway({
    dir: tmp,
    stubOrigin,
    ...(values.profile ? { inspectPort } : {}),
  });
  const targets: Target[] = [passThrough, gateway];
  const sums = new Map<string, Map<string, number>>();
  const rates = new Map<string, number[]>();
  const connections = Number(values.connections);
  for (const t of targets) {
    // Warm-up: the JIT and the store's first batches are not what a request costs.
    await runWrk({ req: requestFor(t), connections, duration_s: 2, tmpDir: tmp });
  }
  const profiler = values.profile ? await startProfiler(`127.0.0.1:${inspectPort}`) : null;
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const t of round % 2 === 1 ? targets : [...targets].reverse()) {
      const before = threadSeconds(t.pid!);
      const r = await runWrk({
        req: requestFor(t),
        connections,
        duration_s: Number(values.seconds),
        tmpDir: tmp,
      });
      // The store worker writes the last batches a moment after the load stops.
      await new Promise((res) => setTimeout(res, 500));
      const us = diff(threadSeconds(t.pid!), before, r.requests);
      const sum = sums.get(t.name) ?? new Map<string, number>();
      for (const [name, v] of us) sum.set(name, (sum.get(name) ?? 0) + v);
      sums.set(t.name, sum);
      rates.set(t.name, [...(rates.get(t.name) ?? []), r.rps]);
    }
  }
  if (profiler !== null) {
    await Deno.writeTextFile(values.profile!, JSON.stringify(await profiler.stop()));
  }
  const rounds = Number(values.rounds);
  const names = [...new Set([...sums.values()].flatMap((m) => [...m.keys()]))].sort();
  console.log(`| thread | ${targets.map((t) => `${t.name} µs/request`).join(" | ")} |`);
  console.log(`| --- | ${targets.map(() => "---:").join(" | ")} |`);
  const cell = (t: Target, name: string) =>
    ((sums.get(t.name)?.get(name) ?? 0) / rounds).toFixed(1);
  for (const name of names) {
    console.log(`| ${name} | ${targets.map((t) => cell(t, name)).join(" | ")} |`);
  }
  const total = (t: Target) =>
    [...(sums.get(t.name)?.values() ?? [])].reduce((a, b) => a + b, 0) / rounds;
  console.log(`| total | ${targets.map((t) => total(t).toFixed(1)).join(" | ")} |`);
  console.log(
    `| req/s (mean) | ${
      targets.map((t) => {
        const r = rates.get(t.name) ?? [];
        return (r.reduce((a, b) => a + b, 0) / r.length).toFixed(0);
      }).join(" | ")
    } |`,
  );
} finally {
  await stopAll();
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}
