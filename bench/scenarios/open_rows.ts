/**
 * The instrument of the `routing` and `native` scenarios, after `translate`'s: every row of one
 * comparison (the baselines and the gateway's rows) sent in turn, request by request, by one
 * open-loop Deno client at one fixed moderate rate, so that all of them see the same machine and
 * a row's figure minus another's measures the systems, not the moment or the tool. Rounds of that
 * run (3; smoke 1); a figure is the median over the rounds of the two rows' difference. Every
 * answer under load must hold its expected substrings; a sample per row is then parsed in full.
 * Also its own stub (`stub_native.ts`), started per scenario.
 */
import { join } from "node:path";
import type { OpenResult } from "../client.ts";
import type { RequestSpec } from "../client_stream.ts";
import type { BenchContext, Cell } from "../context.ts";
import { runClientProcess, saturate } from "../load.ts";
import { benchDir, freePort, spawnDeno, waitReady } from "../proc.ts";
import { type LoadResult, round1, round3 } from "../stats.ts";

export interface RowSpec {
  key: string;
  label: string;
  req: RequestSpec;
  /** Substrings every answer under load must hold (the client counts a miss as an error). */
  expect: string[];
  /** Parses one answer in full: the problem, or null. */
  check(): Promise<string | null>;
}

export interface RowsMeasured {
  /** Requests per second of each row (the client sends `rate × rows`). */
  rate: number;
  /** Per row, one result per round. */
  results: Record<string, OpenResult[]>;
  problems: Record<string, string[]>;
  sampled: number;
  seconds: number;
  saturation: Record<string, LoadResult>;
}

/** The scenario's own stub; `ctx` with it as the upstream of every row. */
export async function withNativeStub<T>(
  ctx: BenchContext,
  run: (ctx: BenchContext) => Promise<T>,
): Promise<T> {
  const port = freePort();
  const stub = spawnDeno("stub (native)", join(benchDir, "stub_native.ts"), ["--port", `${port}`]);
  try {
    const stubOrigin = `http://127.0.0.1:${port}`;
    await waitReady(stub, `${stubOrigin}/health`);
    return await run({ ...ctx, stubOrigin, stubPid: stub.pid });
  } finally {
    await stub.stop();
  }
}

/**
 * Fell behind the schedule: sends skipped, or fewer answers a second than sent, allowing for the
 * wait for the last answers (`tailS`: one answer's nominal time).
 */
export function behind(r: OpenResult, seconds: number, tailS: number): boolean {
  return r.overload > 0 || r.rate_achieved < 0.95 * r.rate_target * seconds / (seconds + tailS);
}

const rounds = (ctx: BenchContext) => ctx.settings.mode === "smoke" ? 1 : 3;

/**
 * Saturation of the rows named in `saturate` (closed loop, as `chat`), then every row at a
 * quarter of the lowest of them in all (each `1/(4 × rows)`), halved while a row falls behind
 * the open loop's schedule, in rounds; then `sampled` answers per row parsed in full.
 */
export async function measureRows(
  ctx: BenchContext,
  what: string,
  rows: RowSpec[],
  opts: { saturate: string[]; tailS: number },
  notes: string[],
): Promise<RowsMeasured> {
  const s = ctx.settings, lat = s.latency;
  const saturation: Record<string, LoadResult> = {};
  for (const key of opts.saturate) {
    const row = rows.find((r) => r.key === key)!;
    const r = saturation[key] = await saturate(ctx, row.req, {
      connections: s.connections,
      duration_s: s.duration_s >= 1 ? Math.min(5, s.duration_s) : s.duration_s,
      warmup_s: s.duration_s >= 1 ? 1 : 0,
    });
    if (r.first_error) {
      notes.push(`${what} ${row.label} at saturation: ${r.errors} errors; ${r.first_error}`);
    }
  }
  const run = async (rate: number) => {
    const [first, ...rest] = rows;
    const r = await runClientProcess<OpenResult>({
      mode: "open",
      req: first!.req,
      expect: first!.expect,
      rate: rate * rows.length,
      duration_s: lat.duration_s,
      warmup_s: lat.warmup_s,
      alternates: rest.map((x) => ({ req: x.req, expect: x.expect })),
    });
    return [r, ...r.alternates!];
  };
  const lowest = Math.min(...Object.values(saturation).map((r) => r.rps));
  // No saturation measured (or none answered): the floor of 10 req/s a row.
  let rate = Number.isFinite(lowest) ? Math.max(10, Math.round(lowest / (4 * rows.length))) : 10;
  let got = await run(rate);
  const late = () => got.some((r) => behind(r, lat.duration_s, opts.tailS));
  for (let i = 0; i < 3 && late() && rate >= 20; i++) {
    notes.push(
      `${what}: a row fell behind at ${rate} req/s each; measured again at ${Math.round(rate / 2)}`,
    );
    rate = Math.round(rate / 2);
    got = await run(rate);
  }
  const results: Record<string, OpenResult[]> = {};
  rows.forEach((row, i) => (results[row.key] = [got[i]!]));
  for (let k = 1; k < rounds(ctx); k++) {
    got = await run(rate);
    rows.forEach((row, i) => results[row.key]!.push(got[i]!));
  }
  const sampled = s.mode === "smoke" ? 3 : 20;
  const problems: Record<string, string[]> = {};
  for (const row of rows) {
    problems[row.key] = [];
    for (let i = 0; i < sampled; i++) {
      const p = await row.check();
      if (p !== null) problems[row.key]!.push(p);
    }
  }
  return { rate, results, problems, sampled, seconds: lat.duration_s, saturation };
}

/** The median over the rounds of `a − b` at one percentile; null without samples. */
export function medianDiff(
  m: RowsMeasured | undefined,
  a: string,
  b: string,
  field: "latency_ms" | "ttfb_ms",
  p: "p50" | "p99",
): number | null {
  const xs = m?.results[a] ?? [], ys = m?.results[b] ?? [];
  const d: number[] = [];
  for (let k = 0; k < Math.min(xs.length, ys.length); k++) {
    const x = xs[k]![field], y = ys[k]![field];
    if (x.count > 0 && y.count > 0) d.push(x[p] - y[p]);
  }
  return d.length === 0 ? null : round3(d.sort((u, v) => u - v)[Math.floor(d.length / 2)]!);
}

/** Errors under load and in the samples, all rows. */
export function errorsOf(m: RowsMeasured | undefined): number {
  if (!m) return 0;
  const load = Object.values(m.results).flat().reduce((n, r) => n + r.errors, 0);
  return load + Object.values(m.problems).reduce((n, p) => n + p.length, 0);
}

/** The table rows of the JSON then the streamed measurement, those that ran. */
export function rowsByKind<K extends "json" | "sse">(
  measured: Partial<Record<K, RowsMeasured>>,
  rowSpecs: Partial<Record<K, RowSpec[]>>,
  answerOf: (kind: K) => string,
  tailOf: (kind: K) => number,
  notes: string[],
): Record<string, Cell>[] {
  return (["json", "sse"] as K[]).flatMap((kind) => {
    const m = measured[kind];
    return m ? tableRows(m, rowSpecs[kind]!, answerOf(kind), tailOf(kind), notes) : [];
  });
}

/** One table row per row and round; what went wrong goes to `notes`. */
export function tableRows(
  m: RowsMeasured,
  rows: RowSpec[],
  answer: string,
  tailS: number,
  notes: string[],
): Record<string, Cell>[] {
  const out: Record<string, Cell>[] = [];
  for (const row of rows) {
    const bad = m.problems[row.key] ?? [];
    const sat = m.saturation[row.key];
    const all = m.results[row.key] ?? [];
    all.forEach((r, k) => {
      const last = k === all.length - 1;
      out.push({
        target: row.label + (all.length > 1 ? `, round ${k + 1}` : ""),
        answer,
        "rate req/s": m.rate,
        "achieved req/s": round1(r.rate_achieved),
        "p50 ms": r.latency_ms.p50,
        "p99 ms": r.latency_ms.p99,
        "TTFB p50 ms": r.ttfb_ms.p50,
        "TTFB p99 ms": r.ttfb_ms.p99,
        "saturation req/s": k === 0 ? sat?.rps ?? "-" : "-",
        sampled: last ? `${m.sampled - bad.length}/${m.sampled} as expected` : "-",
        errors: r.errors + (last ? bad.length : 0) + (k === 0 ? sat?.errors ?? 0 : 0),
        overload: r.overload,
      });
      if (behind(r, m.seconds, tailS)) {
        notes.push(
          `${answer} ${row.label}, round ${k + 1}: fell behind (achieved ${r.rate_achieved} of ` +
            `${m.rate} req/s): its latency is queueing`,
        );
      }
      if (r.first_error) {
        notes.push(
          `${answer} ${row.label}, round ${k + 1}: ${r.errors} errors, first: ${
            r.first_error.slice(0, 300)
          }`,
        );
      }
    });
    if (bad.length > 0) {
      notes.push(`${answer} ${row.label}: ${bad.length} sampled answers wrong, first: ${bad[0]}`);
    }
  }
  return out;
}
