/**
 * The result document of a run (JSON) and its markdown rendering, with the goals compared to
 * the previous run of the same mode when one is found in the output directory.
 */
import type { Cell, ScenarioResult, Settings } from "./context.ts";
import type { TraceAccount } from "./gateway.ts";
import type { Check, Goal } from "./goals.ts";
import type { CommitInfo, MachineInfo } from "./machine.ts";

import { type Regression, regressionLines, sameMachine } from "./regressions.ts";

export interface BenchReport {
  schema: 1;
  date: string;
  commit: CommitInfo;
  machine: MachineInfo;
  tools: { load: string; nginx: string | null; notes: string[] };
  settings: Settings;
  goals: Goal[];
  checks: Check[];
  ok: boolean;
  scenarios: ScenarioResult[];
  trace_accounts: TraceAccount[];
  /** Goal figures more than 10% worse than the previous run of the same mode (none: []). */
  regressions?: Regression[];
}

const fmt = (v: Cell | undefined): string => {
  if (v === null || v === undefined) return "–";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : String(v);
  return v.replaceAll("|", "\\|");
};

export function table(rows: Record<string, Cell>[]): string {
  const cols: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!cols.includes(k)) cols.push(k);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(cols),
    line(cols.map((_, i) => (i === 0 ? "---" : "---:"))),
    ...rows.map((r) => line(cols.map((c) => fmt(r[c])))),
  ].join("\n");
}

/** Other work on the machine takes cores from the systems under test, and not evenly. */
function busyNote(m: MachineInfo): string[] {
  const load = Math.max(m.load_avg_start ?? 0, m.load_avg_end ?? 0);
  return load > m.cores / 4
    ? [
      `the machine was busy (load average up to ${load} on ${m.cores} cores): absolute figures ` +
      "are low and noisy; compare ratios, and only with runs made at a similar load",
    ]
    : [];
}

const mark = (met: boolean | null) => (met === null ? "n/a" : met ? "✅ met" : "❌ not yet");

export function renderMarkdown(r: BenchReport, previous: BenchReport | null): string {
  const m = r.machine;
  const prevValue = (g: Goal) => previous?.goals.find((p) => p.where === g.where)?.value ?? null;
  const out: string[] = [
    `# Benchmark ${r.date.slice(0, 16).replace("T", " ")} UTC, commit ${r.commit.commit}` +
    (r.commit.src_dirty ? " + uncommitted changes in src/" : ""),
    "",
    `- Mode: **${r.settings.mode}**${r.ok ? "" : " — **some checks failed** (see Checks)"}`,
    `- Machine: ${m.cpu_model}, ${m.cores} cores, ${m.memory_gb} GB, ${m.os} (kernel ${m.kernel}), ` +
    `load average ${m.load_avg_start ?? "?"} at start, ${m.load_avg_end ?? "?"} at end`,
    `- Deno ${m.deno} (V8 ${m.v8}); load generator: ${r.tools.load}; nginx: ${
      r.tools.nginx ?? "not installed"
    }`,
    `- Saturation: ${r.settings.connections} connections, ${r.settings.duration_s} s per measurement ` +
    `after ${r.settings.warmup_s} s warm-up`,
    ...busyNote(m).map((n) => `- Note: ${n}`),
    ...r.tools.notes.map((n) => `- Note: ${n}`),
    "",
    "## Goals",
    "",
    table(r.goals.map((g) => ({
      goal: g.goal,
      target: g.target,
      measured: g.value,
      status: mark(g.met),
      ...(previous ? { previous: prevValue(g) } : {}),
      figure: g.where,
    }))),
    "",
  ];
  if (previous) {
    out.push(
      `Previous: the ${previous.settings.mode} run of ${previous.date} (${previous.commit.commit}).`,
      "",
      ...(sameMachine(previous.machine, r.machine) ? [] : [
        `⚠️ The previous run was on another machine (${previous.machine.cpu_model}, ` +
        `${previous.machine.cores} cores; this one: ${r.machine.cpu_model}, ${r.machine.cores} ` +
        "cores) and none of this mode ran here before: the changes below are the machines' as " +
        "much as the code's.",
        "",
      ]),
      "## Regressions against the previous run",
      "",
      ...regressionLines(r.regressions ?? []),
      "",
    );
  }
  for (const s of r.scenarios) {
    out.push(`## ${s.title} \`${s.id}\``, "");
    if (s.status !== "ok") {
      out.push(`${s.status === "skipped" ? "Skipped" : "**Failed**"}: ${s.reason ?? ""}`, "");
      continue;
    }
    if (s.rows.length > 0) out.push(table(s.rows), "");
    const figs = Object.entries(s.figures).filter(([, v]) => v !== null);
    if (figs.length > 0) {
      out.push(`Figures: ${figs.map(([k, v]) => `${k} = ${fmt(v)}`).join(", ")}`, "");
    }
    for (const n of s.notes) out.push(`- ${n}`);
    if (s.notes.length > 0) out.push("");
  }
  out.push("## Checks (these, not speed, decide the exit code)", "");
  for (const c of r.checks) {
    out.push(`- ${c.ok ? "✅" : "❌"} ${c.name}: ${c.ok ? c.detail : c.detail.split("\n")[0]}`);
  }
  out.push("");
  return out.join("\n");
}
