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
import { round1, round3 } from "../stats.ts";
import { jsonBody } from "../stub_bodies.ts";
import { requestFor, type Target } from "../targets.ts";

/** A stream of the stub: 20 content events 2 ms apart (a short chat answer). */
const streamKnobs = { stream: "paced", chunks: 20, "interval-ms": 2 };
const streamText = Array.from({ length: streamKnobs.chunks }, (_, i) => `t${i}`).join("");
const usage = { prompt: 31, completion: 12 };

type Kind = "json" | "sse";
type Row = "direct" | "passthrough" | "reference" | "translated";
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

const routeName = (row: "reference" | "translated", kind: Kind) =>
  `${row === "reference" ? "ref" : "tr"}-${kind}`;

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

/** The text of the stub's 1 KB JSON answer in the upstream's protocol. */
function jsonText(api: "openai" | "anthropic"): string {
  const doc = JSON.parse(new TextDecoder().decode(jsonBody(api, 1024)));
  return api === "openai" ? doc.choices[0].message.content : doc.content[0].text;
}

/** Substrings every answer under load must hold. */
function expectOf(row: Row, kind: Kind): string[] {
  if (kind === "sse") {
    return [`"content":"t${streamKnobs.chunks - 1}"`, `"finish_reason":"stop"`, "data: [DONE]"];
  }
  const text = jsonText(row === "translated" ? "anthropic" : "openai");
  return [`"content":${JSON.stringify(text)}`, `"finish_reason":"stop"`];
}

/** Parses one answer in full; the problem, or null. */
async function checkOne(req: RequestSpec, row: Row, kind: Kind): Promise<string | null> {
  const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body });
  const text = await res.text();
  if (res.status !== 200) return `status ${res.status}: ${text.slice(0, 300)}`;
  let content = "", finish: unknown = null, u: Record<string, unknown> | null = null;
  try {
    if (kind === "json") {
      const doc = JSON.parse(text);
      content = doc.choices?.[0]?.message?.content;
      finish = doc.choices?.[0]?.finish_reason;
      u = doc.usage ?? null;
    } else {
      const data = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
      if (data.at(-1) !== "[DONE]") return `stream does not end with [DONE]: ${text.slice(-200)}`;
      for (const d of data.slice(0, -1)) {
        const chunk = JSON.parse(d);
        content += chunk.choices?.[0]?.delta?.content ?? "";
        finish = chunk.choices?.[0]?.finish_reason ?? finish;
        u = chunk.usage ?? u;
      }
    }
  } catch (err) {
    return `unreadable answer (${String(err)}): ${text.slice(0, 300)}`;
  }
  const want = kind === "sse"
    ? streamText
    : jsonText(row === "translated" ? "anthropic" : "openai");
  if (content !== want) {
    return `content ${JSON.stringify(String(content).slice(0, 80))}, expected ${
      JSON.stringify(want.slice(0, 80))
    }`;
  }
  if (finish !== "stop") return `finish_reason ${JSON.stringify(finish)}`;
  if (u?.prompt_tokens !== usage.prompt || u?.completion_tokens !== usage.completion) {
    return `usage ${JSON.stringify(u)}`;
  }
  return null;
}

interface Measured {
  rate: number;
  results: Partial<Record<Row, OpenResult>>;
  /** Per row, what was wrong with the sampled answers parsed in full. */
  problems: Partial<Record<Row, string[]>>;
  sampled: number;
}

const behind = (r: OpenResult) => r.overload > 0 || r.rate_achieved < 0.95 * r.rate_target;

/** One kind (JSON or SSE): the rate the translated route sustains, then every row at it. */
async function measureKind(
  ctx: BenchContext,
  kind: Kind,
  requests: Record<Row, RequestSpec>,
  startRate: number,
  notes: string[],
): Promise<Measured> {
  const lat = ctx.settings.latency;
  const run = (row: Row, rate: number) =>
    runClientProcess<OpenResult>({
      mode: "open",
      req: requests[row],
      rate,
      duration_s: lat.duration_s,
      warmup_s: lat.warmup_s,
      expect: expectOf(row, kind),
    });
  // The translated route first: the dearest, it sets the rate every row is measured at.
  let rate = startRate;
  let tr = await run("translated", rate);
  for (let i = 0; i < 3 && behind(tr) && rate >= 20; i++) {
    notes.push(
      `${kind}: the translated route fell behind at ${rate} req/s (achieved ${tr.rate_achieved}, ` +
        `${tr.overload} sends skipped); measured again at ${Math.round(rate / 2)} req/s`,
    );
    rate = Math.round(rate / 2);
    tr = await run("translated", rate);
  }
  const results: Partial<Record<Row, OpenResult>> = {};
  for (const row of rowsInOrder) results[row] = row === "translated" ? tr : await run(row, rate);
  const problems: Partial<Record<Row, string[]>> = {};
  const sampled = ctx.settings.mode === "smoke" ? 3 : 20;
  for (const row of rowsInOrder) {
    problems[row] = [];
    for (let i = 0; i < sampled; i++) {
      const p = await checkOne(requests[row], row, kind);
      if (p !== null) problems[row]!.push(p);
    }
  }
  return { rate, results, problems, sampled };
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
  const s = ctx.settings;
  const notes: string[] = [];
  const measured: Partial<Record<Kind, Measured>> = {};
  let traceProblem: string | null = null;
  let saturation = 0;
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
          reference: gatewayRequest(gw, routeName("reference", kind), kind),
          translated: gatewayRequest(gw, routeName("translated", kind), kind),
        };
      };
      const json = requestsOf("json");
      if (ctx.gatewayRps !== null) saturation = ctx.gatewayRps;
      else {
        saturation = (await saturate(ctx, json.reference, {
          connections: s.connections,
          duration_s: s.duration_s >= 1 ? Math.min(3, s.duration_s) : s.duration_s,
          warmup_s: 0,
        })).rps;
        notes.push(
          `gateway saturation measured here on the untranslated route (chat did not run): ${saturation} req/s`,
        );
      }
      const start = Math.max(10, Math.round(saturation / 2));
      measured.json = await measureKind(ctx, "json", json, start, notes);
      measured.sse = await measureKind(ctx, "sse", requestsOf("sse"), measured.json.rate, notes);
      traceProblem = await checkTrace(gw.origin);
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  return report(measured, saturation, traceProblem, notes);
}

function report(
  measured: Partial<Record<Kind, Measured>>,
  saturation: number,
  traceProblem: string | null,
  notes: string[],
): ScenarioResult {
  const rows: Record<string, Cell>[] = [];
  for (const kind of ["json", "sse"] as const) {
    const m = measured[kind];
    if (!m) continue;
    for (const row of rowsInOrder) {
      const r = m.results[row]!;
      const bad = m.problems[row] ?? [];
      rows.push({
        target: labels[row],
        answer: kind === "json" ? "JSON" : `SSE, ${streamKnobs.chunks} events`,
        "rate req/s": m.rate,
        "achieved req/s": round1(r.rate_achieved),
        "p50 ms": r.latency_ms.p50,
        "p99 ms": r.latency_ms.p99,
        "TTFB p50 ms": r.ttfb_ms.p50,
        "TTFB p99 ms": r.ttfb_ms.p99,
        sampled: `${m.sampled - bad.length}/${m.sampled} as expected`,
        errors: r.errors + bad.length,
        overload: r.overload,
      });
      if (bad.length > 0) {
        notes.push(`${kind} ${labels[row]}: ${bad.length} sampled answers wrong, first: ${bad[0]}`);
      }
      if (r.first_error) {
        notes.push(
          `${kind} ${labels[row]}: ${r.errors} errors, first: ${r.first_error.slice(0, 300)}`,
        );
      }
      if (behind(r)) {
        notes.push(
          `${kind} ${
            labels[row]
          }: fell behind (achieved ${r.rate_achieved} of ${m.rate} req/s): its latency is queueing`,
        );
      }
    }
  }
  // A translated exchange must be traced as one (counted as an error when it is not).
  rows.push({
    target: "trace of the last translated stream",
    answer: traceProblem ?? "client_protocol openai.chat, upstream_protocol anthropic.messages",
    errors: traceProblem === null ? 0 : 1,
  });
  const diff = (kind: Kind, a: Row, b: Row, field: "latency_ms" | "ttfb_ms", p: "p50" | "p99") => {
    const x = measured[kind]?.results[a]?.[field], y = measured[kind]?.results[b]?.[field];
    return !x || !y || x.count === 0 || y.count === 0 ? null : round3(x[p] - y[p]);
  };
  const errorsOf = (row: Row) =>
    (["json", "sse"] as const).reduce((n, k) => n + (measured[k]?.results[row]?.errors ?? 0), 0);
  const sampleErrors = (["json", "sse"] as const).reduce(
    (n, k) => n + Object.values(measured[k]?.problems ?? {}).reduce((a, p) => a + p.length, 0),
    0,
  );
  notes.push("no nginx row: translation is compared with the gateway's own untranslated route");
  notes.unshift(
    `open-loop Deno client for every row (TTFB = request sent to first body byte); ` +
      `added = translated minus untranslated route of the same gateway, same rate; ` +
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
      rate_share_of_saturation: saturation > 0 && measured.json
        ? round3(measured.json.rate / saturation)
        : null,
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
  };
}
