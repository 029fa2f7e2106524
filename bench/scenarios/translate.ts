/**
 * What protocol translation adds (issue 21): the same OpenAI Chat request, through one gateway,
 * to a route whose target is an OpenAI provider (untranslated: the reference) and to a route whose
 * target is an Anthropic provider (translated: Chat → Messages, the answer Messages → Chat), not
 * streamed and streamed, with direct and the pass-through as baselines. Every row is measured by
 * the same instrument, the open-loop Deno client at one fixed moderate rate (as `latency`'s open
 * loop), which also times the first body byte; wrk cannot, and a figure of one tool minus a figure
 * of another would measure the tools.
 *
 * The gateway's rows send no header of the stub (a translated request carries none of the
 * client's): each provider's `upstream` sets the stub's knobs with a path prefix (stub.ts), and
 * every target takes its key from its provider's pool (the client sends none; pools serve on a
 * loopback listener), so the two routes differ only by the translation. Every answer under load
 * must be a 2xx holding the expected text and end of answer; a sample is then parsed in full
 * (text, finish reason, usage).
 */
import { startBaselines, startGatewayTarget } from "../baselines.ts";
import type { OpenResult } from "../client.ts";
import type { RequestSpec } from "../client_stream.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { runClientProcess, saturate } from "../load.ts";
import { type LoadResult, round1, round3 } from "../stats.ts";
import { requestFor, type Target } from "../targets.ts";
import { checkOne, expectOf, type Kind, type Row, streamKnobs } from "./translate_answers.ts";

const rowsInOrder: Row[] = ["direct", "passthrough", "reference", "translated"];
const labels: Record<Row, string> = {
  direct: "direct",
  passthrough: "deno pass-through",
  reference: "gateway, route to OpenAI (untranslated)",
  translated: "gateway, route to Anthropic (translated)",
};

/** Providers on the stub, their knobs in the upstream's path, each with a pool key. */
function providers(stubOrigin: string): Record<string, unknown> {
  const sse = `${stubOrigin}/x-bench/${
    Object.entries(streamKnobs).map(([k, v]) => `${k}=${v}`).join(",")
  }`;
  const pool = (id: string) => [{ id: `${id}-k`, key: `sk-bench-${id}-pool-0000000000000000` }];
  return {
    "oa-json": { kind: "openai", upstream: stubOrigin, keys: pool("oa-json") },
    "oa-sse": { kind: "openai", upstream: sse, keys: pool("oa-sse") },
    "an-json": { kind: "anthropic", upstream: stubOrigin, keys: pool("an-json") },
    "an-sse": { kind: "anthropic", upstream: sse, keys: pool("an-sse") },
  };
}

const routes = {
  "ref-json": { targets: [{ provider: "oa-json", model: "gpt-4o-mini" }] },
  "ref-sse": { targets: [{ provider: "oa-sse", model: "gpt-4o-mini" }] },
  "tr-json": { targets: [{ provider: "an-json", model: "claude-sonnet-4-5" }] },
  "tr-sse": { targets: [{ provider: "an-sse", model: "claude-sonnet-4-5" }] },
};

/** The gateway's request: the route's name as the model, no key, no stub header. */
function gatewayRequest(gw: Target, route: string, kind: Kind): RequestSpec {
  const body: Record<string, unknown> = {
    model: route,
    messages: [{ role: "user", content: "Say hello in one short sentence." }],
  };
  if (kind === "sse") {
    Object.assign(body, { stream: true, stream_options: { include_usage: true } });
  }
  return {
    url: `${gw.origin}/openai/v1/chat/completions`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** Rounds of the two gateway routes: the figures are the median of the rounds' differences. */
const rounds = (ctx: BenchContext) => ctx.settings.mode === "smoke" ? 1 : 3;

interface Measured {
  rate: number;
  /** Per row, one result per round (direct and the pass-through: one round). */
  results: Partial<Record<Row, OpenResult[]>>;
  /** Per row, what was wrong with the sampled answers parsed in full. */
  problems: Partial<Record<Row, string[]>>;
  sampled: number;
  seconds: number;
  /** Closed-loop saturation of the two gateway routes. */
  saturation: Partial<Record<Row, LoadResult>>;
}

/**
 * Fell behind the schedule: sends skipped, or fewer answers a second than sent. The achieved rate
 * is over the sending time plus the wait for the last answers, which is allowed for: one
 * answer's nominal time (a stream's 40 ms weigh on a half-second smoke run).
 */
function behind(r: OpenResult, seconds: number, kind: Kind): boolean {
  const tail = (kind === "sse" ? streamKnobs.chunks * streamKnobs["interval-ms"] : 0) / 1000 + 0.01;
  return r.overload > 0 || r.rate_achieved < 0.95 * r.rate_target * seconds / (seconds + tail);
}

/**
 * One kind (JSON or SSE): the saturation rate of both gateway routes (closed loop, as `chat`),
 * then every row at an eighth of the translated route's (the dearest) for each route, so a
 * quarter in all while the two are sent together, halved again while a route falls behind the
 * open loop's schedule. Not `latency`'s half: the Deno client costs far more CPU a request than
 * wrk, and at half the rate the queues it made on 2 cores buried the difference measured. The
 * two routes are sent in turn within one run, request by request (so that both see the same
 * machine), in rounds; the baselines once, after the first round, also in turn (the load
 * generator then sends as much in every run).
 */
async function measureKind(
  ctx: BenchContext,
  kind: Kind,
  requests: Record<Row, RequestSpec>,
  notes: string[],
): Promise<Measured> {
  const s = ctx.settings, lat = s.latency;
  const saturation: Partial<Record<Row, LoadResult>> = {};
  for (const row of ["reference", "translated"] as const) {
    saturation[row] = await saturate(ctx, requests[row], {
      connections: s.connections,
      duration_s: s.duration_s >= 1 ? Math.min(5, s.duration_s) : s.duration_s,
      warmup_s: s.duration_s >= 1 ? 1 : 0,
    });
    const r = saturation[row]!;
    if (r.first_error) {
      notes.push(`${kind} ${labels[row]} at saturation: ${r.errors} errors; ${r.first_error}`);
    }
  }
  const open = (row: Row, rate: number, alternate?: Row) =>
    runClientProcess<OpenResult>({
      mode: "open",
      req: requests[row],
      rate,
      duration_s: lat.duration_s,
      warmup_s: lat.warmup_s,
      expect: expectOf(row, kind),
      ...(alternate
        ? { alternates: [{ req: requests[alternate], expect: expectOf(alternate, kind) }] }
        : {}),
    });
  /** Two rows at `rate` each, sent in turn. */
  const pair = async (rate: number, a: Row = "reference", b: Row = "translated") => {
    const r = await open(a, 2 * rate, b);
    return [r, r.alternates![0]!] as const;
  };
  let rate = Math.max(10, Math.round(saturation.translated!.rps / 8));
  let [ref, tr] = await pair(rate);
  for (
    let i = 0;
    i < 3 && (behind(tr, lat.duration_s, kind) || behind(ref, lat.duration_s, kind)) && rate >= 20;
    i++
  ) {
    notes.push(
      `${kind}: a route fell behind at ${rate} req/s each (achieved ${ref.rate_achieved} ` +
        `untranslated, ${tr.rate_achieved} translated); measured again at ${Math.round(rate / 2)}`,
    );
    rate = Math.round(rate / 2);
    [ref, tr] = await pair(rate);
  }
  const refs = [ref], trs = [tr];
  const [d, p] = await pair(rate, "direct", "passthrough");
  const direct = [d], passthrough = [p];
  for (let k = 1; k < rounds(ctx); k++) {
    [ref, tr] = await pair(rate);
    refs.push(ref);
    trs.push(tr);
  }
  const results = { direct, passthrough, reference: refs, translated: trs };
  const problems: Partial<Record<Row, string[]>> = {};
  const sampled = ctx.settings.mode === "smoke" ? 3 : 20;
  for (const row of rowsInOrder) {
    problems[row] = [];
    for (let i = 0; i < sampled; i++) {
      const p = await checkOne(requests[row], row, kind);
      if (p !== null) problems[row]!.push(p);
    }
  }
  return { rate, results, problems, sampled, seconds: lat.duration_s, saturation };
}

/** The newest trace is the translated stream's last sample: it must say it was translated. */
async function checkTrace(origin: string): Promise<string | null> {
  const page = await (await fetch(`${origin}/api/traces?limit=1`)).json();
  const id = (page.items ?? page.data)?.[0]?.id;
  if (typeof id !== "string") return `no trace listed: ${JSON.stringify(page).slice(0, 200)}`;
  const t = await (await fetch(`${origin}/api/traces/${encodeURIComponent(id)}`)).json();
  const m = t.metadata ?? {};
  if (m.client_protocol !== "openai.chat" || m.upstream_protocol !== "anthropic.messages") {
    return `the translated trace records ${JSON.stringify(m).slice(0, 300)}`;
  }
  return null;
}

export async function translateScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const notes: string[] = [];
  const measured: Partial<Record<Kind, Measured>> = {};
  let traceProblem: string | null = null;
  const base = await startBaselines(ctx, { nginx: false });
  try {
    const gw = await startGatewayTarget(ctx, "gateway (translate)", {
      providers: providers(ctx.stubOrigin),
      routes,
    });
    try {
      const requestsOf = (kind: Kind): Record<Row, RequestSpec> => {
        const opts = kind === "sse" ? { stream: true, bench: streamKnobs } : {};
        return {
          direct: requestFor(base.direct, opts),
          passthrough: requestFor(base.passthrough, opts),
          reference: gatewayRequest(gw, `ref-${kind}`, kind),
          translated: gatewayRequest(gw, `tr-${kind}`, kind),
        };
      };
      measured.json = await measureKind(ctx, "json", requestsOf("json"), notes);
      measured.sse = await measureKind(ctx, "sse", requestsOf("sse"), notes);
      traceProblem = await checkTrace(gw.origin);
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  return report(measured, traceProblem, notes);
}

/** One table row per row and round; what went wrong goes to `notes`. */
function tableRows(
  measured: Partial<Record<Kind, Measured>>,
  notes: string[],
): Record<string, Cell>[] {
  const rows: Record<string, Cell>[] = [];
  for (const kind of ["json", "sse"] as const) {
    const m = measured[kind];
    if (!m) continue;
    for (const row of rowsInOrder) {
      const bad = m.problems[row] ?? [];
      const sat = m.saturation[row];
      const all = m.results[row]!;
      all.forEach((r, k) => {
        const last = k === all.length - 1;
        rows.push({
          target: labels[row] + (all.length > 1 ? `, round ${k + 1}` : ""),
          answer: kind === "json" ? "JSON" : `SSE, ${streamKnobs.chunks} events`,
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
        if (behind(r, m.seconds, kind)) {
          notes.push(
            `${kind} ${labels[row]}, round ${k + 1}: fell behind (achieved ${r.rate_achieved} of ` +
              `${m.rate} req/s): its latency is queueing`,
          );
        }
        if (r.first_error) {
          notes.push(
            `${kind} ${labels[row]}, round ${k + 1}: ${r.errors} errors, first: ${
              r.first_error.slice(0, 300)
            }`,
          );
        }
      });
      if (bad.length > 0) {
        notes.push(`${kind} ${labels[row]}: ${bad.length} sampled answers wrong, first: ${bad[0]}`);
      }
    }
  }
  return rows;
}

function report(
  measured: Partial<Record<Kind, Measured>>,
  traceProblem: string | null,
  notes: string[],
): ScenarioResult {
  const rows = tableRows(measured, notes);
  // A translated exchange must be traced as one (counted as an error when it is not).
  rows.push({
    target: "trace of the last translated stream",
    answer: traceProblem ?? "client_protocol openai.chat, upstream_protocol anthropic.messages",
    errors: traceProblem === null ? 0 : 1,
  });
  // The median over the rounds both rows ran of `a - b` (a baseline ran the first round only).
  const diff = (kind: Kind, a: Row, b: Row, field: "latency_ms" | "ttfb_ms", p: "p50" | "p99") => {
    const xs = measured[kind]?.results[a] ?? [], ys = measured[kind]?.results[b] ?? [];
    const d: number[] = [];
    for (let k = 0; k < Math.min(xs.length, ys.length); k++) {
      const x = xs[k]![field], y = ys[k]![field];
      if (x.count > 0 && y.count > 0) d.push(x[p] - y[p]);
    }
    return d.length === 0 ? null : round3(d.sort((u, v) => u - v)[Math.floor(d.length / 2)]!);
  };
  const satOf = (kind: Kind, row: Row) => measured[kind]?.saturation[row]?.rps ?? null;
  const ratioOf = (kind: Kind) => {
    const t = satOf(kind, "translated"), r = satOf(kind, "reference");
    return t === null || r === null || r === 0 ? null : round3(t / r);
  };
  const errorsOf = (row: Row) =>
    (["json", "sse"] as const).reduce(
      (n, k) => n + (measured[k]?.results[row] ?? []).reduce((a, r) => a + r.errors, 0),
      0,
    );
  const sampleErrors = (["json", "sse"] as const).reduce(
    (n, k) => n + Object.values(measured[k]?.problems ?? {}).reduce((a, p) => a + p.length, 0),
    0,
  );
  notes.push(
    "saturation: each route alone, one after the other (closed loop, as `chat`): unlike the " +
      "latencies, their ratio moves with what else the machine does",
    "no nginx row: translation is compared with the gateway's own untranslated route",
  );
  notes.unshift(
    `open-loop Deno client for every row (TTFB = request sent to first body byte); ` +
      `added = translated minus untranslated route of the same gateway, same rate, sent in turn ` +
      `in one run, the median of ${measured.json?.results.reference?.length ?? 0} rounds; ` +
      `streams: ${streamKnobs.chunks} content events ${streamKnobs["interval-ms"]} ms apart`,
  );
  return {
    id: "translate",
    title: `Protocol translation (OpenAI Chat client, Anthropic target) at about ${
      measured.json?.rate ?? "?"
    } req/s`,
    status: "ok",
    rows,
    figures: {
      rate: measured.json?.rate ?? null,
      stream_rate: measured.sse?.rate ?? null,
      saturation_reference_rps: satOf("json", "reference"),
      saturation_translated_rps: satOf("json", "translated"),
      saturation_ratio_translated_reference: ratioOf("json"),
      stream_saturation_reference_rps: satOf("sse", "reference"),
      stream_saturation_translated_rps: satOf("sse", "translated"),
      stream_saturation_ratio_translated_reference: ratioOf("sse"),
      translate_added_p50_ms: diff("json", "translated", "reference", "latency_ms", "p50"),
      translate_added_p99_ms: diff("json", "translated", "reference", "latency_ms", "p99"),
      translate_stream_added_p50_ms: diff("sse", "translated", "reference", "latency_ms", "p50"),
      translate_stream_added_p99_ms: diff("sse", "translated", "reference", "latency_ms", "p99"),
      translate_stream_ttfb_added_p50_ms: diff("sse", "translated", "reference", "ttfb_ms", "p50"),
      translate_stream_ttfb_added_p99_ms: diff("sse", "translated", "reference", "ttfb_ms", "p99"),
      gateway_route_added_p50_ms: diff("json", "reference", "direct", "latency_ms", "p50"),
      gateway_route_stream_added_p50_ms: diff("sse", "reference", "direct", "latency_ms", "p50"),
      passthrough_added_p50_ms: diff("json", "passthrough", "direct", "latency_ms", "p50"),
      translated_errors: errorsOf("translated"),
      reference_errors: errorsOf("reference"),
      sample_errors: sampleErrors,
      trace_recorded: traceProblem === null,
    },
    notes,
    raw: measured,
  };
}
