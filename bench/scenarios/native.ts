/**
 * What the gateway adds on the native provider paths of issue 20, passed through unchanged: the
 * Gemini API (`generateContent`, `streamGenerateContent?alt=sse`) and Bedrock Converse
 * (`/converse`, `/converse-stream`, the AWS event stream), each through the gateway (`gemini` and
 * `bedrock` providers, the client's key: `x-goog-api-key`, a Bedrock API key as Bearer), direct
 * to the stub and through the pass-through. The six rows of a kind (JSON, stream) are sent in
 * turn by one open-loop client at one moderate rate (open_rows.ts); the stub is
 * `stub_native.ts` (1 KB JSON answers; streams of 20 text events 2 ms apart). Every answer under
 * load must hold its text and end of answer; a sample per row is parsed in full.
 */
import { startBaselines, startGatewayTarget } from "../baselines.ts";
import type { BenchContext, ScenarioResult } from "../context.ts";
import { settledHealth } from "../gateway.ts";
import { nativeStream, nativeUsage } from "../stub_native.ts";
import {
  checkNative,
  nativeExpect,
  type NativeKind,
  nativeRequest,
  type Provider,
} from "./native_answers.ts";
import {
  errorsOf,
  measureRows,
  medianDiff,
  rowsByKind,
  type RowsMeasured,
  type RowSpec,
  withNativeStub,
} from "./open_rows.ts";

const providers: Provider[] = ["gemini", "bedrock"];
const names: Record<Provider, string> = { gemini: "Gemini API", bedrock: "Bedrock Converse" };
const systems = ["direct", "passthrough", "gateway"] as const;
type System = typeof systems[number];
const systemLabels: Record<System, string> = {
  direct: "direct",
  passthrough: "deno pass-through",
  gateway: "gateway",
};

const tailOf = (kind: NativeKind) =>
  (kind === "sse" ? nativeStream.chunks * nativeStream.intervalMs : 0) / 1000 + 0.01;

function rowsOf(origins: Record<System, string>, kind: NativeKind): RowSpec[] {
  return providers.flatMap((provider) =>
    systems.map((system): RowSpec => {
      const prefix = system === "gateway" ? `/${provider}` : "";
      const req = nativeRequest(origins[system], prefix, provider, kind);
      return {
        key: `${provider}_${system}`,
        label: `${names[provider]}, ${systemLabels[system]}`,
        req,
        expect: nativeExpect(provider, kind),
        check: () => checkNative(req, provider, kind),
      };
    })
  );
}

/**
 * The newest traces of each provider (the streams, measured last) must hold the stub's usage:
 * the gateway read every answer it passed through. The problem, or null.
 */
async function checkTraces(origin: string): Promise<string | null> {
  const problems: string[] = [];
  for (const p of providers) {
    const res = await fetch(`${origin}/api/traces?provider=${p}&limit=50`);
    const items = ((await res.json()).items ?? []) as Record<string, unknown>[];
    const wrong = items.filter((t) =>
      t.response_status !== 200 || t.input_tokens !== nativeUsage.prompt ||
      t.output_tokens !== nativeUsage.completion
    );
    if (items.length === 0) problems.push(`no ${p} trace`);
    else if (wrong.length > 0) {
      problems.push(
        `${wrong.length} of ${items.length} ${p} traces: ${JSON.stringify(wrong[0]).slice(0, 300)}`,
      );
    }
  }
  return problems.length === 0 ? null : problems.join("; ");
}

export function nativeScenario(ctx0: BenchContext): Promise<ScenarioResult> {
  return withNativeStub(ctx0, async (ctx) => {
    const notes: string[] = [];
    const measured: Partial<Record<NativeKind, RowsMeasured>> = {};
    const rowSpecs: Partial<Record<NativeKind, RowSpec[]>> = {};
    let traceProblem: string | null = "not read";
    const base = await startBaselines(ctx, { nginx: false });
    try {
      const gw = await startGatewayTarget(ctx, "gateway (native)", {
        providers: {
          gemini: { kind: "gemini", upstream: ctx.stubOrigin },
          bedrock: { kind: "bedrock", upstream: ctx.stubOrigin },
        },
      });
      try {
        const origins = {
          direct: base.direct.origin,
          passthrough: base.passthrough.origin,
          gateway: gw.origin,
        };
        for (const kind of ["json", "sse"] as const) {
          const rows = rowSpecs[kind] = rowsOf(origins, kind);
          measured[kind] = await measureRows(ctx, kind, rows, {
            saturate: ["gemini_gateway", "bedrock_gateway"],
            tailS: tailOf(kind),
          }, notes);
        }
        await settledHealth(gw.gateway.health);
        traceProblem = await checkTraces(gw.origin);
      } finally {
        await gw.stop();
      }
    } finally {
      await base.stop();
    }
    return report(measured, rowSpecs, traceProblem, notes);
  });
}

function report(
  measured: Partial<Record<NativeKind, RowsMeasured>>,
  rowSpecs: Partial<Record<NativeKind, RowSpec[]>>,
  traceProblem: string | null,
  notes: string[],
): ScenarioResult {
  const rows = rowsByKind(
    measured,
    rowSpecs,
    (kind) => kind === "json" ? "JSON" : `stream, ${nativeStream.chunks} events`,
    tailOf,
    notes,
  );
  rows.push({
    target: "usage of the newest 50 traces of each provider",
    answer: traceProblem ??
      `${nativeUsage.prompt} tokens in, ${nativeUsage.completion} out, status 200, every one`,
    errors: traceProblem === null ? 0 : 1,
  });
  const figures: ScenarioResult["figures"] = {
    rate: measured.json?.rate ?? null,
    stream_rate: measured.sse?.rate ?? null,
  };
  for (const p of providers) {
    figures[`${p}_saturation_rps`] = measured.json?.saturation[`${p}_gateway`]?.rps ?? null;
    figures[`${p}_stream_saturation_rps`] = measured.sse?.saturation[`${p}_gateway`]?.rps ?? null;
    for (const q of ["p50", "p99"] as const) {
      const d = (kind: NativeKind, field: "latency_ms" | "ttfb_ms") =>
        medianDiff(measured[kind], `${p}_gateway`, `${p}_passthrough`, field, q);
      figures[`${p}_added_${q}_ms`] = d("json", "latency_ms");
      figures[`${p}_stream_added_${q}_ms`] = d("sse", "latency_ms");
      figures[`${p}_stream_ttfb_added_${q}_ms`] = d("sse", "ttfb_ms");
    }
    figures[`${p}_passthrough_added_p50_ms`] = medianDiff(
      measured.json,
      `${p}_passthrough`,
      `${p}_direct`,
      "latency_ms",
      "p50",
    );
  }
  figures.errors = errorsOf(measured.json) + errorsOf(measured.sse);
  figures.usage_traced = traceProblem === null;
  notes.unshift(
    `open-loop Deno client, the six rows of a kind sent in turn in one run at the same rate each ` +
      `(TTFB = request sent to first body byte); added = gateway minus the pass-through of the ` +
      `same provider, the median of ${measured.json?.results.gemini_direct?.length ?? 0} rounds; ` +
      `streams: ${nativeStream.chunks} text events ${nativeStream.intervalMs} ms apart (Gemini ` +
      `SSE, Bedrock AWS event stream)`,
  );
  return {
    id: "native",
    title: `Native providers passed through (Gemini API, Bedrock Converse) at about ${
      measured.json?.rate ?? "?"
    } req/s a row`,
    status: "ok",
    rows,
    figures,
    notes,
    raw: measured,
  };
}
