/** Trace write throughput of the SQLite store alone, outside the gateway (bench/store_write.ts). */
import { join } from "node:path";
import type { BenchContext, ScenarioResult } from "../context.ts";
import { benchDir, spawnDeno } from "../proc.ts";
import type { StoreWriteResult } from "../store_write.ts";

export async function storeScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const st = ctx.settings.store;
  const dir = await Deno.makeTempDir({ dir: ctx.tmpDir, prefix: "store_" });
  const child = spawnDeno("store_write", join(benchDir, "store_write.ts"), [
    "--dir",
    dir,
    "--traces",
    String(st.traces),
    "--batch",
    String(st.batch),
  ], { captureStdout: true });
  const code = await child.status;
  const out = await child.stdout;
  if (code !== 0) throw new Error(`store_write exited with ${code}:\n${child.logs().slice(-2000)}`);
  const results = JSON.parse(out) as StoreWriteResult[];
  return {
    id: "store_write",
    title: `SQLite store alone: writeBatch of ${st.batch} traces`,
    status: "ok",
    rows: results.map((r) => ({
      case: r.case,
      traces: r.traces,
      "traces/s": r.traces_per_s,
      "batch p50 ms": r.batch_ms.p50,
      "batch p99 ms": r.batch_ms.p99,
      "batch max ms": r.batch_ms.max,
    })),
    figures: {
      traces_per_s: results[0]?.traces_per_s ?? null,
      traces_per_s_with_bodies: results[1]?.traces_per_s ?? null,
      batch_p99_ms: results[0]?.batch_ms.p99 ?? null,
    },
    notes: [
      "batch time is time the gateway's event loop is blocked per batch (node:sqlite is synchronous)",
    ],
  };
}
