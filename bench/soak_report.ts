/**
 * The soak's verdict (reliability.md §0: no errors, RSS within ±10% after warm-up, file
 * descriptors flat, traces written equal to requests sent) and its result files.
 */
import { join } from "node:path";
import type { TraceAccount } from "./gateway.ts";
import type { CommitInfo, MachineInfo } from "./machine.ts";
import type { Drift, SoakSample } from "./soak_sample.ts";
import type { Percentiles } from "./stats.ts";

export const rssLimitPct = 10;
export const fdLimit = 2;

export interface Criterion {
  id: "errors" | "rss_flat" | "fds_flat" | "traces_equal_requests";
  ok: boolean;
  figure: string;
  limit: string;
}

export interface SoakReport {
  schema: 1;
  date: string;
  commit: CommitInfo;
  machine: MachineInfo;
  settings: {
    duration_s: number;
    interval_s: number;
    warmup_s: number;
    saturation_s: number;
    connections: number;
    mix: string[];
  };
  saturation: { rps: number; requests: number; errors: number };
  load: {
    rate_target: number;
    rate_achieved: number;
    sent: number;
    ok: number;
    errors: number;
    late: number;
    first_error: string | null;
    latency_ms: Percentiles;
  };
  /** Every request the gateway received: saturation and soak. */
  requests_total: number;
  rss_mb: Drift;
  fds: Drift;
  /** The same split: sockets (client and upstream connections) and everything else. */
  sockets: Drift;
  other_fds: Drift;
  trace_account: TraceAccount;
  criteria: Criterion[];
  ok: boolean;
  samples: SoakSample[];
  notes: string[];
}

export function judge(
  r: Pick<SoakReport, "load" | "saturation" | "rss_mb" | "fds" | "trace_account"> & {
    requests_total: number;
  },
): Criterion[] {
  const a = r.trace_account;
  const errors = r.load.errors + r.saturation.errors;
  const rssPct = r.rss_mb.change_pct;
  const fdChange = r.fds.change;
  return [
    {
      id: "errors",
      ok: errors === 0,
      figure: `${errors} errors` + (r.load.first_error ? ` (first: ${r.load.first_error})` : ""),
      limit: "0",
    },
    {
      id: "rss_flat",
      ok: rssPct !== null && Math.abs(rssPct) <= rssLimitPct,
      figure: rssPct === null
        ? "RSS not readable (/proc)"
        : `${r.rss_mb.first_median} MB -> ${r.rss_mb.last_median} MB ` +
          `(${r.rss_mb.change! >= 0 ? "+" : ""}${r.rss_mb.change} MB, ${rssPct}%)`,
      limit: `within ±${rssLimitPct}%`,
    },
    {
      id: "fds_flat",
      ok: fdChange !== null && Math.abs(fdChange) <= fdLimit,
      figure: fdChange === null
        ? "fds not readable (/proc)"
        : `${r.fds.first_median} -> ${r.fds.last_median} (${fdChange >= 0 ? "+" : ""}${fdChange})`,
      limit: `within ±${fdLimit}`,
    },
    {
      id: "traces_equal_requests",
      ok: a.ok && a.dropped === 0 && a.accepted === r.requests_total &&
        a.written === r.requests_total && a.rows === r.requests_total,
      figure: `requests ${r.requests_total}, accepted ${a.accepted}, written ${a.written}, ` +
        `rows ${a.rows}, dropped ${a.dropped}, exit ${a.exit_code}`,
      limit: "accepted = written = rows = requests, dropped 0, clean exit",
    },
  ];
}

const row = (cells: (string | number | null)[]) => `| ${cells.map((c) => c ?? "-").join(" | ")} |`;

export function renderSoakMarkdown(r: SoakReport): string {
  const s = r.settings;
  const lines = [
    `# Soak: ${r.ok ? "PASS" : "FAIL"}`,
    "",
    `${r.date}, commit ${r.commit.commit}${r.commit.src_dirty ? " (src/ modified)" : ""}; ` +
    `${r.machine.cores} cores, ${r.machine.cpu_model}; load average ${r.machine.load_avg_start} ` +
    `at start, ${r.machine.load_avg_end} at end.`,
    "",
    `Gateway: SQLite, default config. Saturation: ${r.saturation.rps} req/s (closed loop, ` +
    `${s.connections} connections, ${s.saturation_s} s). Soak: ${s.duration_s} s at ` +
    `${r.load.rate_target} req/s (half of saturation; achieved ${r.load.rate_achieved}), the ` +
    `same connections each paced by exponential gaps, mix: ${s.mix.join(", ")}. Samples every ` +
    `${s.interval_s} s; warm-up ${s.warmup_s} s.`,
    "",
    row(["criterion", "result", "figure", "limit"]),
    row(["---", "---", "---", "---"]),
    ...r.criteria.map((c) => row([c.id, c.ok ? "pass" : "**FAIL**", c.figure, c.limit])),
    "",
    `After warm-up (${r.rss_mb.samples} samples, windows of ${r.rss_mb.window}): RSS ` +
    `${r.rss_mb.min}-${r.rss_mb.max} MB, fds ${r.fds.min}-${r.fds.max}. Soak latency ms: p50 ` +
    `${r.load.latency_ms.p50}, p99 ${r.load.latency_ms.p99}, max ${r.load.latency_ms.max}; ` +
    `${r.load.late} requests sent late (a connection still busy when its next was due). Sockets ` +
    `${r.sockets.first_median} -> ${r.sockets.last_median}, other fds ${r.other_fds.first_median} ` +
    `-> ${r.other_fds.last_median}.`,
    "",
    ...r.notes.map((n) => `- ${n}`),
    ...(r.notes.length ? [""] : []),
    "## Samples",
    "",
    row([
      "t s",
      "RSS MB",
      "fds",
      "sockets",
      "req/s",
      "sent",
      "errors",
      "accepted",
      "written",
      "queue",
      "hwm",
    ]),
    row(Array(11).fill("---:")),
    ...thin(r.samples, 40).map((x) =>
      row([
        x.t_s,
        x.rss_mb,
        x.fds,
        x.sockets,
        x.rps,
        x.sent,
        x.errors,
        x.accepted,
        x.written,
        x.queue_depth,
        x.queue_depth_high_watermark,
      ])
    ),
    "",
  ];
  return lines.join("\n");
}

/** At most about `n` rows, evenly spread, always with the last one (the JSON has them all). */
function thin<T>(xs: T[], n: number): T[] {
  const step = Math.max(1, Math.ceil(xs.length / n));
  return xs.filter((_, i) => i % step === 0 || i === xs.length - 1);
}

/** `<date>_<commit>.json/.md` plus `latest.json/.md`; returns the markdown. */
export async function writeSoakResults(outDir: string, report: SoakReport): Promise<string> {
  await Deno.mkdir(outDir, { recursive: true });
  const md = renderSoakMarkdown(report);
  const stamp = report.date.slice(0, 16).replaceAll(":", "").replaceAll("-", "") + "Z";
  const base = `${stamp}_${report.commit.commit}`;
  const json = JSON.stringify(report, null, 2) + "\n";
  for (const name of [base, "latest"]) {
    await Deno.writeTextFile(join(outDir, `${name}.json`), json);
    await Deno.writeTextFile(join(outDir, `${name}.md`), md);
  }
  return md;
}
