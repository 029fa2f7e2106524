/**
 * `ongoingai report --by session|developer` as a user runs it: a real CLI subprocess over a
 * SQLite file holding two agent sessions, a probe and unattributed traffic; text and JSON, the
 * narrowing flags, and usage errors. Plus the full report's model table without the probe.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openSqliteStore } from "../../src/store/mod.ts";
import { runCliProcess } from "../support/process.ts";
import { attributionHistory } from "../store/conformance_attribution.ts";

const s1 = "01a24c4c-221f-7292-8afe-3e9679c05007";
const s2 = "9e8e37f1-452f-433c-80ff-6a412fa20ab6";

async function fixture(): Promise<string> {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-report-by-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const store = await openSqliteStore({ path: join(dir, "traces.db") });
  await store.writeBatch(attributionHistory());
  await store.close();
  return dir;
}

const report = (dir: string, ...args: string[]) => runCliProcess(["report", ...args], { cwd: dir });

Deno.test("report --by session --format json: what each agent session cost", async () => {
  const dir = await fixture();
  const r = await report(dir, "--by", "session", "--format", "json");
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.schema_version, "report.by.v1");
  assert.equal(doc.by, "session");
  // The whole store (every tenant), and a session is (org, workspace, id): org-b's traffic on
  // s1's id is its own session, not merged into default's s1 (review L6).
  assert.deepStrictEqual(
    doc.sessions.map((s: Record<string, unknown>) => [
      s.org_id,
      s.workspace_id,
      s.session_id,
      s.agent,
      s.developer,
      s.request_count,
      s.total_cost_usd,
      s.unpriced_count,
    ]),
    [
      ["default", "default", s1, "codex", "alice", 3, 0.003, 1],
      ["org-b", "default", s1, "codex", "mallory", 1, 7, 0],
      ["default", "default", s2, "claude-code", "bob", 2, 0.5, 0],
    ],
  );
  const one = JSON.parse(
    (await report(dir, "--by", "session", "--session", s2, "--format", "json")).stdout,
  );
  assert.deepStrictEqual(one.filters, { session: s2, limit: 10 });
  assert.deepStrictEqual(one.sessions[0].models, [{ model: "claude-opus-5-5", request_count: 1 }]);
  assert.equal(one.sessions[0].non_generation_count, 1);
  const bob = JSON.parse(
    (await report(dir, "--by", "session", "--developer", "alice", "--format", "json")).stdout,
  );
  assert.deepStrictEqual(bob.sessions.map((s: { session_id: string }) => s.session_id), [s1]);
});

Deno.test("report --by session (text) and --by developer", async () => {
  const dir = await fixture();
  const r = await report(dir, "--by", "session", "--limit", "1");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "OngoingAI Report by session");
  assert.match(lines[3]!, /^Filters: \(none\); limit 1$/);
  // Only the single-user tenant listed: no tenant columns.
  assert.match(lines[5]!, /^SESSION\s+AGENT\s+DEVELOPER\s+FIRST_SEEN\s+LAST_SEEN\s+REQUESTS/);
  assert.match(
    lines[6]!,
    new RegExp(`^${s1}\\s+codex\\s+alice\\s.*\\s3\\s+126\\s+>=0\\.003000\\s`),
  );
  assert.match(lines[6]!, /gpt-6\.2-sol \(2\), gpt-5\.5 \(1\)$/);
  assert.equal(lines.length, 8);
  // Another tenant listed: each row says whose session it is.
  const two = (await report(dir, "--by", "session", "--limit", "2")).stdout.split("\n");
  assert.match(two[5]!, /^ORG\s+WORKSPACE\s+SESSION\s+AGENT\s+DEVELOPER\s/);
  assert.match(two[6]!, new RegExp(`^default\\s+default\\s+${s1}\\s+codex\\s+alice\\s`));
  assert.match(
    two[7]!,
    new RegExp(`^org-b\\s+default\\s+${s1}\\s+codex\\s+mallory\\s.*\\s1\\s+42\\s+7\\.000000\\s`),
  );

  const d = await report(dir, "--by", "developer", "--format", "json");
  const doc = JSON.parse(d.stdout);
  assert.deepStrictEqual(
    doc.developers.map((
      x: Record<string, unknown>,
    ) => [x.developer, x.request_count, x.total_cost_usd]),
    [["alice", 3, 0.003], ["bob", 2, 0.5], [null, 1, 0.25], ["mallory", 1, 7]],
  );
  const text = (await report(dir, "--by", "developer")).stdout;
  assert.match(text, /\n\(none\)\s+1\s/);

  const empty = await report(dir, "--by", "session", "--agent", "aider");
  assert.match(empty.stdout, /\(no sessions: traces carry one when the client sends a session id/);
});

Deno.test("report: the model table ranks generations only; probes are counted apart", async () => {
  const dir = await fixture();
  const doc = JSON.parse((await report(dir, "--format", "json")).stdout);
  assert.ok(!doc.models.some((m: { model: string }) => m.model === "unknown"));
  assert.equal(doc.non_generation.request_count, 1);
  assert.equal(doc.summary.total_requests, 7);
  const text = (await report(dir)).stdout;
  assert.match(text, /Not ranked: 1 request\(s\) named no model \(probes, model lists\)/);
  assert.doesNotMatch(text.split("Models")[1]!.split("API Keys")[0]!, /^unknown /m);
});

Deno.test("report --by usage errors exit 2", async () => {
  const dir = await fixture();
  const cases: [string[], RegExp][] = [
    [["--by", "user"], /invalid --by "user": expected session or developer/],
    [["--developer", "alice"], /--developer needs --by session/],
    [["--by", "developer", "--session", s1], /--session needs --by session/],
  ];
  for (const [args, want] of cases) {
    const r = await report(dir, ...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, want);
    assert.equal(r.stdout, "");
  }
});
