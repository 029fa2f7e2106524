/**
 * CPU per megabyte of large answers, gateway (capture off) against the Deno pass-through, for
 * iterating on the response path (issue 23) without the whole `large` scenario. Throughput on a
 * shared 2-core machine measures whoever else runs there too; CPU seconds per MB relayed
 * (all threads, from /proc) is the process's own cost. Targets alternate within each round.
 * With `--profile FILE` the gateway runs under the V8 inspector and its CPU profile of the
 * gateway rows is written to FILE (`deno run -A bench/cpuprofile_top.ts FILE` sums it).
 *
 * Usage: deno run -A bench/large_cpu.ts [--seconds 3] [--rounds 2] [--connections 4]
 *          [--cases 1mb_json,1mb_sse,10mb_json,10mb_sse] [--profile gw.cpuprofile]
 *          [--root DIR]   (the gateway of another checkout, e.g. `git archive` of a base commit)
 *          [--env K=V ...] (environment of the gateway, e.g. glibc malloc settings)
 */
import { parseArgs } from "node:util";
import { cpuSeconds } from "./cpu.ts";
import { freePort, stopAll } from "./proc.ts";
import { startStubAndPassThrough, startToolGateway } from "./tool_systems.ts";
import { requestFor, type Target } from "./targets.ts";
import { runWrk } from "./wrk.ts";
import { startProfiler } from "./inspector_profile.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "2" },
    connections: { type: "string", default: "4" },
    cases: { type: "string", default: "1mb_json,1mb_sse,10mb_json,10mb_sse" },
    profile: { type: "string" },
    root: { type: "string" },
    env: { type: "string", multiple: true },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const cases = values.cases.split(",").map((c) => {
  const m = /^(\d+)mb_(json|sse)$/.exec(c.trim());
  if (m === null) throw new Error(`--cases: ${c} is not like 1mb_json or 10mb_sse`);
  return { key: c.trim(), bytes: Number(m[1]) * 1048576, kind: m[2] as "json" | "sse" };
});

const tmp = await Deno.makeTempDir({ prefix: "large_cpu_" });
try {
  const { stubOrigin, passThrough } = await startStubAndPassThrough();
  const inspectPort = freePort();
  const gateway = await startToolGateway({
    dir: tmp,
    stubOrigin,
    ...(values.profile ? { inspectPort } : {}),
    ...(values.env ? { env: values.env } : {}),
    ...(values.root ? { root: values.root } : {}),
  });
  // The summary below names the targets as it always did.
  const targets: Target[] = [{ ...passThrough, name: "passthrough" }, gateway];
  const profiler = values.profile ? await startProfiler(`127.0.0.1:${inspectPort}`) : null;
  const lines: string[] = [
    "| round | case | target | MB/s | CPU µs per MB | minor page faults per MB |",
    "| --- | --- | --- | ---: | ---: | ---: |",
  ];
  const sums = new Map<string, { mbs: number; us: number; n: number }>();
  for (let round = 1; round <= rounds; round++) {
    for (const c of cases) {
      const bench: Record<string, string | number> = c.kind === "sse"
        ? { stream: "bulk", bytes: c.bytes }
        : { bytes: c.bytes };
      // Alternate the order between rounds (A B, B A) so that neither always goes first.
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      for (const t of order) {
        const req = requestFor(t, { stream: c.kind === "sse", bench });
        const before = cpuSeconds(t.pid!);
        const faultsBefore = minorFaults(t.pid!);
        const r = await runWrk({ req, connections, duration_s: seconds, tmpDir: tmp });
        const after = cpuSeconds(t.pid!);
        const faults = minorFaults(t.pid!) - faultsBefore;
        const mb = r.requests * c.bytes / 1048576;
        const us = before === null || after === null ? NaN : (after - before) * 1e6 / mb;
        lines.push(
          `| ${round} | ${c.key} | ${t.name} | ${r.mb_per_s} | ${Math.round(us)} | ` +
            `${Math.round(faults / mb)} |`,
        );
        const k = `${c.key} ${t.name}`;
        const s = sums.get(k) ?? { mbs: 0, us: 0, n: 0 };
        s.mbs += r.mb_per_s;
        s.us += us;
        s.n++;
        sums.set(k, s);
        if (r.errors > 0) lines.push(`(errors: ${r.errors})`);
      }
    }
  }
  if (profiler !== null) {
    await Deno.writeTextFile(values.profile!, JSON.stringify(await profiler.stop()));
  }
  console.log(lines.join("\n"));
  console.log(
    "\n| case | pass-through MB/s | gateway MB/s | ratio | pass-through µs/MB | gateway µs/MB | CPU ratio |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const c of cases) {
    const p = sums.get(`${c.key} passthrough`)!, g = sums.get(`${c.key} gateway`)!;
    const [pm, gm, pu, gu] = [p.mbs / p.n, g.mbs / g.n, p.us / p.n, g.us / g.n];
    console.log(
      `| ${c.key} | ${pm.toFixed(0)} | ${gm.toFixed(0)} | ${(gm / pm).toFixed(3)} | ` +
        `${pu.toFixed(0)} | ${gu.toFixed(0)} | ${(gu / pu).toFixed(2)} |`,
    );
  }
} finally {
  await stopAll();
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
}

/** Minor page faults of a process so far (/proc/<pid>/stat field 10); NaN where unreadable. */
function minorFaults(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
  } catch {
    return NaN;
  }
}
