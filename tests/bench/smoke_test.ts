/**
 * The benchmark harness in smoke mode, as CI runs it: it must finish, cover every scenario of
 * issue 3 (or say why one is skipped) and lose no trace. No figure is asserted: CI machines are
 * slow and the figures mean nothing in smoke mode.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { scenarioIds } from "../../bench/args.ts";
import type { BenchReport } from "../../bench/report.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
const runModule = join(repoRoot, "bench/run.ts");

Deno.test("bench --smoke runs every scenario or says why not, and drops no trace", async () => {
  const out = await Deno.makeTempDir({ prefix: "bench_smoke_" });
  try {
    const res = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", runModule, "--smoke", "--out", out],
      cwd: repoRoot,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const dec = new TextDecoder();
    const stdout = dec.decode(res.stdout);
    assert.equal(res.code, 0, `bench --smoke failed:\n${dec.decode(res.stderr)}\n${stdout}`);
    assert.match(stdout, /## Goals\n/, "the markdown report is printed");

    const report = JSON.parse(await Deno.readTextFile(join(out, "latest.json"))) as BenchReport;
    assert.equal(report.settings.mode, "smoke");
    assert.ok(report.ok);
    for (const id of scenarioIds) {
      const s = report.scenarios.find((r) => r.id === id);
      assert.ok(s, `scenario ${id} is in the report`);
      if (s.status === "skipped") {
        assert.match(s.reason ?? "", /\S/, `${id} says why it was skipped`);
      } else assert.equal(s.status, "ok", `${id}: ${s.reason ?? ""}`);
    }
    assert.ok(report.trace_accounts.length > 0, "at least one gateway ran");
    for (const a of report.trace_accounts) {
      assert.equal(a.dropped, 0, `${a.instance} dropped traces`);
      assert.equal(a.written, a.accepted, `${a.instance}: written = accepted`);
      assert.equal(a.rows, a.accepted, `${a.instance}: rows in the database = accepted`);
      assert.equal(a.exit_code, 0, `${a.instance} stopped cleanly`);
    }
    const traces = report.scenarios.find((r) => r.id === "traces_sqlite");
    assert.equal(traces?.figures.dropped, 0);
    assert.ok(Number(traces?.figures.accepted) > 0, "the saturation run produced traces");
    // Runs when a PostgreSQL cluster can be started here, else says why it was skipped (above).
    const pg = report.scenarios.find((r) => r.id === "traces_postgres");
    if (pg?.status === "ok") {
      assert.equal(pg.figures.dropped, 0);
      assert.ok(Number(pg.figures.accepted) > 0, "the PostgreSQL saturation run produced traces");
    }
    // At sampling ratio 1 every request reaches the collector as a server span (or is counted lost).
    const otel = report.scenarios.find((r) => r.id === "telemetry");
    assert.equal(otel?.figures.spans_accounted, true);
    assert.ok(Number(otel?.figures.server_spans_received) > 0, "the collector received spans");
    assert.ok(Number(otel?.figures.scrapes) > 0, "the Prometheus endpoint was scraped");
    const files = [...Deno.readDirSync(out)].map((e) => e.name);
    assert.ok(files.includes("latest.md"));
    assert.ok(files.some((f) => /^\d{8}T\d{4}Z_\w+_smoke\.json$/.test(f)), files.join(", "));
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
