/**
 * `deno task soak` in a few seconds, as CI runs it: it must finish, write its result files,
 * see no error and account for every request with exactly one trace. Drift is not asserted: a
 * few seconds on a slow shared machine say nothing about memory or descriptors (the soak's
 * exit code is 1 when they move, so only that reason for a 1 is accepted here).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { SoakReport } from "../../bench/soak_report.ts";
import { cleanEnv, repoRoot } from "../support/process.ts";

/** The soak as `deno task soak` runs it, with the project's config (the bench uses its imports). */
function runSoak(args: string[]): Promise<Deno.CommandOutput> {
  const module = join(repoRoot, "bench/soak.ts");
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", module, ...args],
    cwd: repoRoot,
    env: cleanEnv(),
    clearEnv: true,
    stdin: "null",
  }).output();
}

Deno.test("soak --duration 6 finishes, writes its results, and every request left one trace", async () => {
  const out = await Deno.makeTempDir({ prefix: "soak_smoke_" });
  try {
    const res = await runSoak(["--duration", "6", "--out", out]);
    const dec = new TextDecoder();
    const logs = `${dec.decode(res.stderr)}\n${dec.decode(res.stdout)}`;
    assert.ok(res.code === 0 || res.code === 1, `soak crashed (exit ${res.code}):\n${logs}`);

    const files = [...Deno.readDirSync(out)].map((e) => e.name);
    for (const f of ["latest.json", "latest.md"]) assert.ok(files.includes(f), files.join(", "));
    assert.ok(files.some((f) => /^\d{8}T\d{4}Z_\w+\.json$/.test(f)), files.join(", "));
    const report = JSON.parse(await Deno.readTextFile(join(out, "latest.json"))) as SoakReport;
    assert.match(await Deno.readTextFile(join(out, "latest.md")), /^# Soak: (PASS|FAIL)/);

    const criterion = (id: string) => report.criteria.find((c) => c.id === id);
    assert.equal(criterion("errors")?.ok, true, criterion("errors")?.figure);
    assert.equal(
      criterion("traces_equal_requests")?.ok,
      true,
      criterion("traces_equal_requests")?.figure,
    );
    const failed = report.criteria.filter((c) => !c.ok).map((c) => c.id);
    assert.equal(res.code, failed.length === 0 ? 0 : 1, `exit code agrees with ${failed}`);
    for (const id of failed) assert.ok(id === "rss_flat" || id === "fds_flat", `${id} failed`);

    const a = report.trace_account;
    assert.ok(report.requests_total > report.load.sent && report.load.sent > 0);
    assert.equal(a.accepted, report.requests_total);
    assert.equal(a.written, report.requests_total);
    assert.equal(a.rows, report.requests_total);
    assert.equal(a.dropped, 0);
    assert.ok(report.samples.length >= 3, `${report.samples.length} samples`);
    console.log(
      `soak smoke: ${report.requests_total} requests, saturation ${report.saturation.rps} req/s, ` +
        `RSS ${report.rss_mb.change_pct}%, fds ${report.fds.change}`,
    );
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});
