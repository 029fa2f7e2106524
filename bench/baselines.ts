/**
 * The systems the gateway is compared with, started per scenario: (a) direct to the stub,
 * (b) the minimal Deno pass-through, (c) nginx when installed. Also the gateway as a `Target`.
 */
import { join } from "node:path";
import type { BenchContext } from "./context.ts";
import { type Gateway, type GatewayOptions, startGateway } from "./gateway.ts";
import { startNginx } from "./nginx.ts";
import { benchDir, type Child, freePort, spawnDeno, waitReady } from "./proc.ts";
import { GcTrace, gcTraceFlags } from "./gc_trace.ts";
import type { RequestOptions, Target } from "./targets.ts";

export interface Baselines {
  direct: Target;
  passthrough: Target;
  nginx: Target | null;
  stop(): Promise<void>;
}

export async function startBaselines(
  ctx: BenchContext,
  opts: { nginx: boolean; gcTrace?: boolean },
): Promise<Baselines> {
  const children: Child[] = [];
  const stop = async () => {
    await Promise.all(children.map((c) => c.stop()));
  };
  try {
    const port = freePort();
    const gc = opts.gcTrace ? new GcTrace() : null;
    const pt = spawnDeno(
      "passthrough",
      join(benchDir, "passthrough.ts"),
      ["--port", String(port), "--upstream", ctx.stubOrigin],
      gc === null ? {} : { v8Flags: gcTraceFlags, onStdoutLine: (line) => gc.feed(line) },
    );
    children.push(pt);
    const ptOrigin = `http://127.0.0.1:${port}`;
    await waitReady(pt, `${ptOrigin}/health`);
    let nginx: Target | null = null;
    if (opts.nginx && ctx.nginx !== null) {
      const n = await startNginx(ctx.nginx.bin, ctx.stubOrigin, ctx.tmpDir);
      children.push(n.child);
      nginx = { name: "nginx proxy_pass", kind: "nginx", origin: n.origin, pid: n.child.pid };
    }
    return {
      direct: { name: "direct", kind: "direct", origin: ctx.stubOrigin, pid: ctx.stubPid },
      passthrough: {
        name: "deno pass-through",
        kind: "passthrough",
        origin: ptOrigin,
        pid: pt.pid,
        gc,
      },
      nginx,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export interface GatewayTarget extends Target {
  gateway: Gateway;
}

/** Starts a gateway; its trace accounting is added to the run when it is stopped. */
export async function startGatewayTarget(
  ctx: BenchContext,
  name: string,
  opts: GatewayOptions = {},
): Promise<GatewayTarget & { stop(): Promise<void> }> {
  const gateway = await startGateway(name, ctx.stubOrigin, ctx.tmpDir, opts);
  return {
    name,
    kind: "gateway",
    origin: gateway.origin,
    pid: gateway.pid,
    gc: gateway.gc,
    gateway,
    async stop() {
      ctx.accounts.push(await gateway.stop());
    },
  };
}

export function nginxNote(ctx: BenchContext): string | null {
  return ctx.nginxSkipped;
}

/** The baselines in report order, keyed as their figures are named. */
export function baselineTargets(base: Baselines): [string, Target][] {
  const list: [string, Target][] = [["direct", base.direct], ["passthrough", base.passthrough]];
  if (base.nginx) list.push(["nginx", base.nginx]);
  return list;
}

export type Case = [key: string, label: string, target: Target, opts: RequestOptions];

/** Every baseline, then the gateway on its OpenAI route and on its Anthropic route. */
export function proxyCases(base: Baselines, gw: Target): Case[] {
  return [
    ...baselineTargets(base).map(([k, t]): Case => [k, t.name, t, {}]),
    ["gateway", gw.name, gw, {}],
    ["gateway_anthropic", "gateway (anthropic)", gw, { api: "anthropic" }],
  ];
}
