/**
 * What routing adds (issue 19's route loop), measured as `translate` measures translation: the
 * same OpenAI Chat request, not streamed and streamed, through one gateway to (a) the provider
 * path without a route (the client's key, `gpt-4o-mini`: the reference), (b) a healthy route of
 * two targets whose primary answers, and (c) a failover route whose primary answers 503 on every
 * request (its `upstream` sets the stub's status knob, `stub_native.ts`) and whose fallback
 * answers: every request pays one failed attempt. Direct and the pass-through are the
 * baselines; all five rows are sent in turn by one open-loop client (open_rows.ts).
 *
 * The failover route's settings make the figure the gateway's own failover work, not a sleep:
 * `retry.attempts: 1` (no second attempt on the failing primary, so no backoff is ever waited;
 * `backoff_ms` and `max_backoff_ms` are 0 as well), and `circuit_breaker: false` (a breaker
 * would open after 5 failures and skip the primary, and the row would measure a healthy route).
 * Route targets take pool keys (the client sends none; the gateway listens on loopback, where
 * pools serve). Stream knobs travel as the stub's request headers, which every row forwards.
 * After the run, `/api/analytics/failovers` must say that every request of the failover route
 * took 2 attempts and was answered by the fallback, and none of the healthy route failed over.
 */
import { startBaselines, startGatewayTarget } from "../baselines.ts";
import type { RequestSpec } from "../client_stream.ts";
import type { BenchContext, ScenarioResult } from "../context.ts";
import { settledHealth } from "../gateway.ts";
import { requestFor, type Target } from "../targets.ts";
import {
  errorsOf,
  measureRows,
  medianDiff,
  rowsByKind,
  type RowsMeasured,
  type RowSpec,
  withNativeStub,
} from "./open_rows.ts";
import { checkOne, expectOf, type Kind, streamKnobs } from "./translate_answers.ts";

const healthy = "bench-healthy", failover = "bench-failover";
const labels = {
  direct: "direct",
  passthrough: "deno pass-through",
  unrouted: "gateway, provider path (no route)",
  route: "gateway, healthy route (2 targets)",
  failover: "gateway, failover route (primary 503)",
} as const;
type Row = keyof typeof labels;
const gatewayRows: Row[] = ["unrouted", "route", "failover"];

function config(stubOrigin: string) {
  const pool = (id: string) => [{ id: `${id}-k`, key: `sk-bench-${id}-pool-0000000000000000` }];
  return {
    providers: {
      "oa-a": { kind: "openai", upstream: stubOrigin, keys: pool("oa-a") },
      "oa-b": { kind: "openai", upstream: stubOrigin, keys: pool("oa-b") },
      "oa-down": {
        kind: "openai",
        upstream: `${stubOrigin}/x-bench/status=503`,
        keys: pool("oa-d"),
      },
    },
    routes: {
      [healthy]: {
        targets: [{ provider: "oa-a", model: "gpt-4o-mini" }, {
          provider: "oa-b",
          model: "gpt-4o-mini",
        }],
      },
      [failover]: {
        targets: [{ provider: "oa-down", model: "gpt-4o-mini" }, {
          provider: "oa-b",
          model: "gpt-4o-mini",
        }],
        retry: { attempts: 1, backoff_ms: 0, max_backoff_ms: 0 },
        circuit_breaker: false,
      },
    },
  };
}

/** A route's request: the route's name as the model, no provider key. */
function routed(gw: Target, route: string, kind: Kind): RequestSpec {
  const req = requestFor(gw, kind === "sse" ? { stream: true, bench: streamKnobs } : {});
  const headers = { ...req.headers };
  delete headers["authorization"];
  return { ...req, headers, body: JSON.stringify({ ...JSON.parse(req.body), model: route }) };
}

function rowsOf(targets: Record<"direct" | "passthrough" | "gw", Target>, kind: Kind): RowSpec[] {
  const opts = kind === "sse" ? { stream: true, bench: streamKnobs } : {};
  const reqs: Record<Row, RequestSpec> = {
    direct: requestFor(targets.direct, opts),
    passthrough: requestFor(targets.passthrough, opts),
    unrouted: requestFor(targets.gw, opts),
    route: routed(targets.gw, healthy, kind),
    failover: routed(targets.gw, failover, kind),
  };
  return (Object.keys(labels) as Row[]).map((key) => ({
    key,
    label: labels[key],
    req: reqs[key],
    expect: expectOf("reference", kind),
    check: () => checkOne(reqs[key], "reference", kind),
  }));
}

const tailOf = (kind: Kind) =>
  (kind === "sse" ? streamKnobs.chunks * streamKnobs["interval-ms"] : 0) / 1000 + 0.01;

interface FailoverItem {
  route: string;
  provider: string;
  request_count: number;
  failover_count: number;
  attempt_count: number;
  target_attempt_count: number;
  target_failure_count: number;
}

/**
 * Every request of each route, from the traces' attempt records; the problem, or null. `slack`:
 * each saturation run stops with up to one request per connection in flight, cut in its failover
 * (the client gone: a primary failure recorded, no fallback answer); so many records may differ,
 * no more.
 */
async function checkAttempts(
  origin: string,
  slack: number,
): Promise<{ problem: string | null; failovers: number }> {
  const res = await fetch(`${origin}/api/analytics/failovers?limit=100`);
  const items = ((await res.json()).items ?? []) as FailoverItem[];
  const of = (route: string, provider: string) =>
    items.find((i) => i.route === route && i.provider === provider);
  const fb = of(failover, "oa-b"), down = of(failover, "oa-down"), ok = of(healthy, "oa-a");
  const problems = [
    !fb && "no request of the failover route answered by its fallback",
    fb && fb.failover_count !== fb.request_count &&
    `failover route: ${fb.failover_count} of ${fb.request_count} requests failed over`,
    fb && Math.abs(fb.attempt_count - 2 * fb.request_count) > slack &&
    `failover route: ${fb.attempt_count} attempts for ${fb.request_count} requests (2 each expected)`,
    down && down.request_count > slack && `the failing primary answered ${down.request_count}`,
    (!down || Math.abs(down.target_failure_count - (fb?.request_count ?? 0)) > slack) &&
    `the primary failed ${down?.target_failure_count ?? 0} times for ${fb?.request_count} requests`,
    !ok && "no request of the healthy route answered by its primary",
    ok && (ok.failover_count !== 0 || ok.attempt_count !== ok.request_count) &&
    `healthy route: ${ok.failover_count} failovers, ${ok.attempt_count} attempts for ${ok.request_count}`,
    of(healthy, "oa-b") && "the healthy route's fallback answered",
  ].filter((p): p is string => typeof p === "string");
  return {
    problem: problems.length === 0
      ? null
      : `${problems.join("; ")} (${JSON.stringify(items).slice(0, 400)})`,
    failovers: fb?.request_count ?? 0,
  };
}

export function routingScenario(ctx0: BenchContext): Promise<ScenarioResult> {
  return withNativeStub(ctx0, async (ctx) => {
    const notes: string[] = [];
    const measured: Partial<Record<Kind, RowsMeasured>> = {};
    const rowSpecs: Partial<Record<Kind, RowSpec[]>> = {};
    let attempts = { problem: "not read" as string | null, failovers: 0 };
    const base = await startBaselines(ctx, { nginx: false });
    try {
      const gw = await startGatewayTarget(ctx, "gateway (routing)", config(ctx.stubOrigin));
      try {
        for (const kind of ["json", "sse"] as const) {
          const rows = rowSpecs[kind] = rowsOf({ ...base, gw }, kind);
          measured[kind] = await measureRows(ctx, kind, rows, {
            saturate: ["failover"],
            tailS: tailOf(kind),
          }, notes);
        }
        await settledHealth(gw.gateway.health);
        // One saturation run per answer kind, each ending with its connections in flight.
        attempts = await checkAttempts(gw.origin, 2 * ctx.settings.connections);
      } finally {
        await gw.stop();
      }
    } finally {
      await base.stop();
    }
    return report(measured, rowSpecs, attempts, notes);
  });
}

function report(
  measured: Partial<Record<Kind, RowsMeasured>>,
  rowSpecs: Partial<Record<Kind, RowSpec[]>>,
  attempts: { problem: string | null; failovers: number },
  notes: string[],
): ScenarioResult {
  const rows = rowsByKind(
    measured,
    rowSpecs,
    (kind) => kind === "json" ? "JSON" : `SSE, ${streamKnobs.chunks} events`,
    tailOf,
    notes,
  );
  rows.push({
    target: "attempt records of both routes (/api/analytics/failovers)",
    answer: attempts.problem ??
      `failover: ${attempts.failovers} requests, 2 attempts each; healthy route: none failed over`,
    errors: attempts.problem === null ? 0 : 1,
  });
  const figures: ScenarioResult["figures"] = {
    rate: measured.json?.rate ?? null,
    stream_rate: measured.sse?.rate ?? null,
    saturation_failover_rps: measured.json?.saturation.failover?.rps ?? null,
    stream_saturation_failover_rps: measured.sse?.saturation.failover?.rps ?? null,
  };
  for (const kind of ["json", "sse"] as const) {
    const m = measured[kind], pre = kind === "sse" ? "stream_" : "";
    const fields = kind === "sse"
      ? (["latency_ms", "ttfb_ms"] as const)
      : (["latency_ms"] as const);
    for (const field of fields) {
      const f = field === "ttfb_ms" ? "ttfb_" : "";
      for (const p of ["p50", "p99"] as const) {
        for (const row of gatewayRows) {
          figures[`${pre}${row}_${f}added_${p}_ms`] = medianDiff(m, row, "passthrough", field, p);
        }
        figures[`${pre}route_minus_unrouted_${f}${p}_ms`] = medianDiff(
          m,
          "route",
          "unrouted",
          field,
          p,
        );
        figures[`${pre}failover_minus_unrouted_${f}${p}_ms`] = medianDiff(
          m,
          "failover",
          "unrouted",
          field,
          p,
        );
      }
    }
  }
  figures.passthrough_added_p50_ms = medianDiff(
    measured.json,
    "passthrough",
    "direct",
    "latency_ms",
    "p50",
  );
  figures.errors = errorsOf(measured.json) + errorsOf(measured.sse);
  figures.attempts_checked = attempts.problem === null;
  notes.unshift(
    `open-loop Deno client, the five rows sent in turn in one run at the same rate each ` +
      `(TTFB = request sent to first body byte); added = row minus the pass-through, the median of ` +
      `${
        measured.json?.results.direct?.length ?? 0
      } rounds; streams: ${streamKnobs.chunks} content ` +
      `events ${
        streamKnobs["interval-ms"]
      } ms apart; failover route: retry.attempts 1, backoff 0, ` +
      `no circuit breaker (every request pays exactly one failed attempt, no configured wait)`,
  );
  return {
    id: "routing",
    title: `Routing: healthy route and failover against the provider path at about ${
      measured.json?.rate ?? "?"
    } req/s a row`,
    status: "ok",
    rows,
    figures,
    notes,
    raw: measured,
  };
}
