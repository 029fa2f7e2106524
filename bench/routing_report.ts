/** The routing benchmark's result document (JSON) and its markdown rendering. */
import type { CommitInfo } from "./machine.ts";
import { table } from "./report.ts";
import type { CaseRow } from "./routing_faults.ts";
import type { LatencyResult, PoolResult } from "./routing_pool.ts";

export interface RoutingReport {
  schema: 1;
  date: string;
  commit: CommitInfo;
  settings: { pool_seconds: number; latency_requests: number; cases: string[] };
  /** Per client kind: the verdict on a healthy unrouted answer (must be "complete"). */
  controls: Record<string, string>;
  matrix: CaseRow[];
  pool: PoolResult | null;
  latency: LatencyResult | null;
  notes: string[];
  /** Warnings the gateway logged at startup about routes or key pools (e.g. "not applied"). */
  gateway_warnings: string[];
}

const attempts = (upstream: number, trace: number | null) =>
  `${upstream} / ${trace === null ? "–" : trace}`;

export function renderRouting(r: RoutingReport): string {
  const out: string[] = [
    `# Routing fault matrix (issue 19)`,
    "",
    `${r.date}, commit ${r.commit.commit}${r.commit.src_dirty ? " (src/ modified)" : ""}.`,
    "",
  ];
  out.push(
    "Harness control (a healthy answer per client, unrouted): " +
      Object.entries(r.controls).map(([k, v]) => `${k} ${v}`).join(", ") + ".",
    "",
  );
  const notRouted = r.matrix.filter((m) => !m.routed).length;
  if (r.matrix.length > 0) {
    const bugs = r.matrix.filter((m) => m.outcome.startsWith("truncated_success")).length;
    out.push(
      `Cases: ${r.matrix.length} (case × commit mode); as expected: ` +
        `${
          r.matrix.filter((m) => m.as_expected).length
        }; truncated successes (the bug): ${bugs}; ` +
        `not routed: ${notRouted}.`,
      "",
    );
    if (notRouted > 0) {
      out.push(
        `**Not routed**: in ${notRouted} rows the upstream received the route's name as the model, ` +
          "so the gateway forwarded the request unchanged (no route loop yet). Those rows show what " +
          "a client gets today without failover; attempts are the upstream's records.",
        "",
      );
    }
    out.push(
      "Attempts: `upstream / trace` (requests the fault upstream received for that target / " +
        "attempt records of that target in the traces; – when the traces carry none).",
      "",
      table(r.matrix.map((m) => ({
        case: m.case,
        mode: m.mode,
        routed: m.routed ? "yes" : "not routed",
        expected: m.expected,
        client_got: m.outcome,
        ok: m.as_expected,
        answered_by: m.answered_by,
        primary: attempts(m.upstream_primary + m.upstream_unrouted, m.trace_attempts_primary),
        fallback: attempts(m.upstream_fallback, m.trace_attempts_fallback),
        wall_ms: m.wall_ms,
        detail: m.detail,
      }))),
      "",
    );
  }
  if (r.latency) {
    const l = r.latency;
    out.push(
      "## Healthy path: routed vs unrouted (same gateway, interleaved)",
      "",
      l.routed_applied ? "" : "**Not routed**: both sides were forwarded unchanged.\n",
      table([
        { side: "unrouted", ...l.unrouted_ms },
        { side: "routed", ...l.routed_ms },
      ]),
      "",
      `Added by routing: p50 ${l.added_p50_ms} ms, p99 ${l.added_p99_ms} ms ` +
        `(${l.requests_each} requests each, ${l.failures} failures).`,
      "",
    );
  }
  if (r.pool) {
    const p = r.pool;
    out.push(
      "## Key pool: 3 keys × 10 requests per time base, 30 requests over one base",
      "",
      table([{
        routed: p.routed ? "yes" : "not routed",
        time_base_s: p.time_base_s,
        requests: p.requests,
        client_200: p.client_200,
        client_429: p.client_429,
        client_other: p.client_other,
        upstream_requests: p.upstream_requests,
        upstream_429: p.upstream_429,
        per_key: Object.entries(p.per_key).map(([k, v]) => `${k}: ${v}`).join(", "),
        wall_s: p.wall_s,
      }]),
      "",
      p.note,
      "",
    );
  }
  for (const w of r.gateway_warnings) out.push(`- gateway warning: ${w}`);
  for (const n of r.notes) out.push(`- ${n}`);
  return out.join("\n") + "\n";
}
