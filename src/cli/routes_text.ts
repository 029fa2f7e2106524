/**
 * `ongoingai routes` as text: one table of route targets (breaker, the last minute's failures,
 * latency) and one of pool keys (state, until or since when, why); `ongoingai keys pool`: the
 * latter alone. Pure: times are shown
 * relative to the answer's `generated_at`, so the output depends on the answer only.
 */
import type { RoutesStatus } from "../api/mod.ts";

export type RoutesBody = RoutesStatus;

type Row = string[];

/** Columns padded to their widest cell; the last column is not padded. */
function table(header: Row, rows: Row[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: Row) =>
    r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** "in 8s" / "3m ago" from `now`; whole seconds, minutes or hours. */
export function relative(at: string, now: number): string {
  const ms = Date.parse(at) - now;
  const s = Math.round(Math.abs(ms) / 1000);
  const text = s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : `${Math.round(s / 3600)}h`;
  return ms >= 0 ? `in ${text}` : `${text} ago`;
}

type Target = RoutesBody["routes"][number]["targets"][number] | RoutesBody["other_targets"][number];

function breaker(t: Target, now: number): string {
  const b = t.breaker;
  if (b.phase === "open") return `open (${relative(b.open_until!, now)})`;
  if (b.phase === "half_open") return b.probe_in_flight ? "half-open (probing)" : "half-open";
  return "closed";
}

function targetCells(t: Target, now: number): Row {
  const m = t.last_minute;
  return [
    t.target,
    breaker(t, now),
    `${m.failures}/${m.attempts}`,
    m.failure_rate === null ? "-" : `${Math.round(m.failure_rate * 100)}%`,
    t.latency_ms === null ? "-" : `${Math.round(t.latency_ms)}ms`,
  ];
}

function keyState(k: RoutesBody["key_pools"][number]["keys"][number], now: number): string {
  if (k.state === "cooling" && k.until !== null) return `cooling (${relative(k.until, now)})`;
  if (k.state === "disabled" && k.since !== null) return `disabled (${relative(k.since, now)})`;
  return k.state;
}

export function routesText(body: RoutesBody): string {
  const now = Date.parse(body.generated_at);
  const out: string[] = [];
  out.push(
    `Routing state: ${body.shared ? "shared by every instance (PostgreSQL)" : "this instance"}; ` +
      "failures and latency: this instance, last minute.\n",
  );
  if (body.state_error !== null) {
    out.push(`warning: the shared routing state failed: ${body.state_error}\n`);
  }
  if (body.routes.length === 0) {
    out.push("\nNo routes are configured (see docs/routing.md).\n");
  } else {
    const rows: Row[] = [];
    for (const r of body.routes) {
      const name = `${r.name} (${r.strategy})`;
      if (r.kind === "function") rows.push([name, "(a function picks targets)", "", "", "", ""]);
      r.targets.forEach((t, i) => rows.push([i === 0 ? name : "", ...targetCells(t, now)]));
    }
    for (const t of body.other_targets) rows.push(["(function route)", ...targetCells(t, now)]);
    out.push("\n" + table(["ROUTE", "TARGET", "BREAKER", "FAILED", "RATE", "LATENCY"], rows));
  }
  out.push(keysTable(body, now, "ongoingai routes enable-key PROVIDER KEY"));
  return out.join("");
}

/** `ongoingai keys pool`: the pool keys alone. */
export function poolKeysText(body: RoutesBody): string {
  const now = Date.parse(body.generated_at);
  const head = `Pool key state: ${
    body.shared ? "shared by every instance (PostgreSQL)" : "this instance"
  }; requests: this instance, last minute.\n`;
  const warning = body.state_error === null
    ? ""
    : `warning: the shared routing state failed: ${body.state_error}\n`;
  const table = keysTable(body, now, "ongoingai keys pool enable PROVIDER KEY");
  return head + warning + (table !== "" ? table : "\nNo provider has a key pool " +
    "(providers.<id>.keys, see docs/routing.md).\n");
}

/** The pool keys' table (empty when there are none), and how to re-enable a disabled one. */
function keysTable(body: RoutesBody, now: number, enable: string): string {
  const keys = body.key_pools.flatMap((p) => p.keys.map((k) => ({ provider: p.provider, k })));
  if (keys.length === 0) return "";
  const rows = keys.map(({ provider, k }): Row => [
    provider,
    k.id,
    k.group ?? "-",
    keyState(k, now),
    k.reason ?? "-",
    `${k.requests_last_minute}${k.rpm === null ? "" : `/${k.rpm}`}`,
  ]);
  let text = "\n" + table(["PROVIDER", "KEY", "GROUP", "STATE", "REASON", "REQ/MIN"], rows);
  if (keys.some(({ k }) => k.state === "disabled")) {
    text += `\nA disabled key waits for an operator: fix its account, then \`${enable}\`.\n`;
  }
  return text;
}
