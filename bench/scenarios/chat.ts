/**
 * Non-streaming chat at saturation: requests/s of each system with the same connections, and
 * the ratios that the throughput goal is stated in.
 */
import { nginxNote, proxyCases, startBaselines, startGatewayTarget } from "../baselines.ts";
import type { BenchContext, Cell, ScenarioResult } from "../context.ts";
import { saturate } from "../load.ts";
import type { LoadResult } from "../stats.ts";
import { requestFor } from "../targets.ts";

export function loadRow(target: string, r: LoadResult): Record<string, Cell> {
  return {
    target,
    "req/s": r.rps,
    "MB/s": r.mb_per_s,
    "p50 ms": r.latency_ms.p50,
    "p99 ms": r.latency_ms.p99,
    requests: r.requests,
    errors: r.errors,
    timeouts: r.timeouts,
    "CPU µs/req": r.cpu_us_per_request ?? "-",
    tool: r.tool,
  };
}

export const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || b === 0 ? null : Math.round((a / b) * 1000) / 1000;

/**
 * CPU per request at saturation, every thread of each process counted (the gateway's store
 * worker too): what the trace costs, as a figure the load generator sharing the cores cannot
 * fake the way it fakes throughput.
 */
function cpuAdded(cpu: Record<string, number | null>): Record<string, Cell> {
  const gateway = cpu.gateway ?? null, passthrough = cpu.passthrough ?? null;
  return {
    gateway_cpu_us_per_request: gateway,
    passthrough_cpu_us_per_request: passthrough,
    gateway_cpu_us_added_per_request: gateway === null || passthrough === null
      ? null
      : Math.round((gateway - passthrough) * 10) / 10,
  };
}

export async function chatScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const s = ctx.settings;
  const base = await startBaselines(ctx, { nginx: true });
  const rows: Record<string, Cell>[] = [];
  const rps: Record<string, number> = {};
  const cpu: Record<string, number | null> = {};
  let gatewayErrors = 0;
  const notes: string[] = [];
  try {
    const gw = await startGatewayTarget(ctx, "gateway (chat)");
    try {
      for (const [key, label, target, opts] of proxyCases(base, gw)) {
        const r = await saturate(ctx, requestFor(target, opts), {
          connections: s.connections,
          duration_s: s.duration_s,
          warmup_s: s.warmup_s,
          cpuPid: target.pid,
        });
        rps[key] = r.rps;
        cpu[key] = r.cpu_us_per_request ?? null;
        if (key === "gateway") gatewayErrors = r.errors;
        if (r.first_error) notes.push(`${target.name}: ${r.errors} errors; ${r.first_error}`);
        rows.push(loadRow(label, r));
      }
    } finally {
      await gw.stop();
    }
  } finally {
    await base.stop();
  }
  // A rate made of fast failures would set the moderate load of `latency` far too high.
  ctx.gatewayRps = gatewayErrors === 0 ? rps.gateway ?? null : null;
  // The Deno proxies are what the stub must outrun by far; nginx may come close to it.
  const headroom = ratio(rps.direct, Math.max(rps.passthrough ?? 0, rps.gateway ?? 0));
  if (headroom !== null && headroom < 3) {
    notes.push(
      `direct is only ${headroom}x the fastest Deno proxy: the stub or the load generator may be limiting`,
    );
  }
  const nginxShare = ratio(rps.nginx, rps.direct);
  if (nginxShare !== null && nginxShare > 0.5) {
    notes.push(
      `nginx reaches ${nginxShare} of direct: its figure is bounded by the stub and the load generator sharing the cores, not by nginx`,
    );
  }
  const nn = nginxNote(ctx);
  if (nn) notes.push(nn);
  return {
    id: "chat",
    title: "Non-streaming chat at saturation",
    status: "ok",
    rows,
    figures: {
      direct_rps: rps.direct ?? null,
      passthrough_rps: rps.passthrough ?? null,
      nginx_rps: rps.nginx ?? null,
      gateway_rps: rps.gateway ?? null,
      gateway_anthropic_rps: rps.gateway_anthropic ?? null,
      ratio_gateway_passthrough: ratio(rps.gateway, rps.passthrough),
      ratio_gateway_anthropic_passthrough: ratio(rps.gateway_anthropic, rps.passthrough),
      ratio_gateway_nginx: ratio(rps.gateway, rps.nginx),
      ratio_passthrough_direct: ratio(rps.passthrough, rps.direct),
      direct_over_deno_proxies: headroom,
      ...cpuAdded(cpu),
    },
    notes,
  };
}
