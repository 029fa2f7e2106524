/**
 * `ongoingai debug` as a user runs it: a real CLI subprocess reading a SQLite file the store
 * wrote (reference section 11.1's debug cases, and ours: agent sessions), the store left as it
 * was (read-only), the bundle's files and their SHA-256; and once against PostgreSQL.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { openPostgresStore, openSqliteStore } from "../../src/store/mod.ts";
import { runCliProcess } from "../support/process.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";
import { debugHistory } from "./debug_fixture.ts";

async function fixture(withTraces = true): Promise<{ dir: string; db: string }> {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-debug-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const db = join(dir, "traces.db");
  const store = await openSqliteStore({ path: db });
  if (withTraces) await store.writeBatch(debugHistory());
  await store.close();
  return { dir, db };
}

const debug = (dir: string, ...args: string[]) => runCliProcess(["debug", ...args], { cwd: dir });

// deno-lint-ignore no-explicit-any
type Json = any;
const ids = (doc: Json) => doc.chain.checkpoints.map((c: Json) => c.id);

Deno.test("debug (subprocess, SQLite): the reference's cases", async (t) => {
  const { dir, db } = await fixture();
  const before = Deno.readFileSync(db);
  try {
    await t.step("last --limit 10 on the newest trace: a single-trace chain, text", async () => {
      const r = await debug(dir, "last", "--limit", "10");
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^OngoingAI Debug Chain\n/);
      assert.match(r.stdout, /Chain identifier\s+\(single trace\)/);
      assert.match(r.stdout, /Step 1: lonely/);
    });
    await t.step("--trace-id trace-step-2, text: both ids and the lineage row", async () => {
      const r = await debug(dir, "--trace-id", "trace-step-2", "--limit", "10");
      assert.equal(r.code, 0, r.stderr);
      for (const s of ["OngoingAI Debug Chain", "Chain checkpoints", "trace-step-1"]) {
        assert.ok(r.stdout.includes(s), s);
      }
      assert.ok(r.stdout.includes("checkpoint=trace-step-2 parent=trace-step-1 seq=2"), r.stdout);
    });
    await t.step("--trace-id trace-step-1 --format json", async () => {
      const r = await debug(dir, "--trace-id", "trace-step-1", "--format", "json", "--limit", "10");
      assert.equal(r.code, 0, r.stderr);
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.schema_version, "debug-chain.v1");
      assert.equal(doc.source_trace_id, "trace-step-1");
      assert.deepEqual(doc.selection, { trace_id: "trace-step-1" });
      assert.deepEqual(doc.options, {
        limit: 10,
        include_diff: false,
        include_headers: false,
        include_bodies: false,
      });
      assert.equal(doc.chain.checkpoint_count, 2);
      assert.deepEqual(ids(doc), ["trace-step-1", "trace-step-2"]);
      assert.equal(doc.chain.lineage_identifier, "trace_group_id");
      assert.equal(doc.source.step, 0);
      assert.equal(doc.chain.checkpoints[0].request_body, undefined, "bodies only when asked");
    });
    await t.step("--trace-group-id: the newest of the group is the source", async () => {
      const r = await debug(dir, "--trace-group-id", "group-demo", "--format", "json");
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.source_trace_id, "trace-step-2");
      assert.equal(doc.chain.lineage_identifier, "trace_group_id");
      assert.equal(doc.chain.group_id, "group-demo");
      assert.equal(doc.chain.checkpoint_count, 2);
    });
    await t.step("--thread-id, --run-id, and several filters", async () => {
      const th = JSON.parse(
        (await debug(dir, "--thread-id", "thread-demo", "--format", "json")).stdout,
      );
      assert.equal(th.chain.lineage_identifier, "lineage_thread_id");
      assert.equal(th.chain.thread_id, "thread-demo");
      const run = JSON.parse((await debug(dir, "--run-id", "run-demo", "--format", "json")).stdout);
      assert.equal(run.chain.lineage_identifier, "lineage_run_id");
      const both = JSON.parse(
        (await debug(dir, "--run-id", "run-demo", "--thread-id", "thread-demo", "--format=json"))
          .stdout,
      );
      assert.equal(both.chain.lineage_identifier, "composite_filter");
      assert.deepEqual(ids(both), ["trace-step-1", "trace-step-2"]);
    });
    await t.step("out-of-order lineage: ordered by sequence and parent links", async () => {
      const r = await debug(dir, "--trace-id", "step3", "--format", "json");
      assert.deepEqual(ids(JSON.parse(r.stdout)), ["step1", "step2", "step3"]);
    });
    await t.step("--diff: one diff with the reference's figures", async () => {
      const r = await debug(dir, "--trace-group-id", "group-demo", "--format", "json", "--diff");
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.diffs.length, 1);
      const d = doc.diffs[0];
      assert.equal(d.from_checkpoint_id, "trace-step-1");
      assert.equal(d.to_checkpoint_id, "trace-step-2");
      assert.equal(d.request_path_changed, true);
      assert.equal(d.model_changed, true);
      assert.equal(d.total_tokens_delta, 5);
      assert.equal(d.request_body_changed, true);
      assert.equal(d.response_body_changed, false);
      assert.deepEqual(d.metadata_keys_changed, [
        "correlation_id",
        "lineage_checkpoint_id",
        "lineage_checkpoint_seq",
      ]);
      assert.deepEqual(d.metadata_keys_added, ["lineage_parent_checkpoint_id"]);
      const text = await debug(dir, "--trace-group-id", "group-demo", "--diff");
      assert.match(text.stdout, /\nDiffs\nFROM +TO +TOTAL_TOKENS_DELTA/);
      assert.match(text.stdout, /Diff trace-step-1 -> trace-step-2 metadata keys/);
    });
    await t.step("agent session: a trace without lineage is debugged as its session", async () => {
      const r = await debug(dir, "--trace-id", "s-1", "--format", "json");
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.chain.lineage_identifier, "session_id");
      assert.equal(doc.chain.session_id, "sess-codex-1");
      assert.deepEqual(ids(doc), ["s-1", "s-2"]);
      const by = JSON.parse(
        (await debug(dir, "--session-id", "sess-codex-1", "--format=json")).stdout,
      );
      assert.equal(by.source_trace_id, "s-2");
      assert.deepEqual(ids(by), ["s-1", "s-2"]);
    });
    await t.step("--bundle-out: both files, the manifest's sha256 of the chain", async () => {
      const out = join(dir, "bundle");
      const r = await debug(
        dir,
        "--trace-group-id",
        "group-demo",
        "--bundle-out",
        "bundle",
        "--include-bodies",
        "--include-headers",
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /wrote debug bundle: .*bundle\/manifest\.json/);
      const chainBytes = Deno.readFileSync(join(out, "debug-chain.json"));
      const chain = JSON.parse(new TextDecoder().decode(chainBytes));
      assert.equal(chain.source_trace_id, "trace-step-2");
      assert.equal(chain.chain.checkpoints.length, 2);
      assert.equal(
        chain.chain.checkpoints[0].request_body,
        '{"model":"gpt-4o-mini","messages":[]}',
      );
      assert.equal(
        JSON.parse(chain.chain.checkpoints[0].request_headers)["Content-Type"][0],
        "application/json",
      );
      const manifest = JSON.parse(Deno.readTextFileSync(join(out, "manifest.json")));
      assert.equal(manifest.schema_version, "debug-bundle.v1");
      assert.equal(manifest.selection_mode, "filter");
      assert.equal(manifest.selection.trace_group_id, "group-demo");
      assert.equal(manifest.include_bodies, true);
      assert.deepEqual(manifest.chain, {
        source_trace_id: "trace-step-2",
        checkpoint_count: 2,
        truncated: false,
        diff_count: 0,
        target_checkpoint_id: "trace-step-2",
      });
      assert.deepEqual(manifest.files, [{
        name: "debug-chain.json",
        bytes: chainBytes.byteLength,
        sha256: createHash("sha256").update(chainBytes).digest("hex"),
      }]);
      // Bodies and headers inside: the bundle is the user's alone (the original wrote 0755/0644).
      assert.equal(Deno.statSync(out).mode! & 0o777, 0o700);
      assert.equal(Deno.statSync(join(out, "debug-chain.json")).mode! & 0o777, 0o600);
    });
    await t.step("--bundle-out naming a file: exit 1 after the output", async () => {
      Deno.writeTextFileSync(join(dir, "a-file"), "x");
      const r = await debug(dir, "last", "--bundle-out", "a-file");
      assert.equal(r.code, 1);
      assert.match(r.stderr, /failed to write debug bundle/);
      assert.match(r.stdout, /OngoingAI Debug Chain/);
    });
    await t.step("--limit 1 truncates the chain; the source is always in", async () => {
      const r = await debug(dir, "--trace-id", "trace-step-1", "--limit", "1", "--format", "json");
      const doc = JSON.parse(r.stdout);
      assert.equal(doc.chain.truncated, true);
      assert.deepEqual(ids(doc), ["trace-step-1", "trace-step-2"]);
    });
    await t.step("a missing trace: exit 1, trace not found", async () => {
      const r = await debug(dir, "--trace-id", "nope");
      assert.equal(r.code, 1);
      assert.equal(r.stderr, "trace not found\n");
    });
    await t.step("usage errors: exit 2", async () => {
      const banana = await debug(dir, "banana");
      assert.equal(banana.code, 2);
      assert.match(banana.stderr, /must be "last"/);
      for (
        const args of [["--trace-id", "a", "--trace-group-id", "b"], [
          "last",
          "--trace-group-id",
          "g",
        ]]
      ) {
        const r = await debug(dir, ...args);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /cannot be combined/);
      }
    });
    assert.deepEqual(Deno.readFileSync(db), before, "the store file is unchanged");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("debug (subprocess): an empty store is exit 1, no traces found", async () => {
  const { dir } = await fixture(false);
  try {
    const r = await debug(dir);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "no traces found in storage\n");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

const pg = postgresAvailable();
Deno.test({
  name: "debug (subprocess, PostgreSQL): the group chain and the out-of-order chain",
  ignore: "skip" in pg,
  async fn() {
    const db = await freshDatabase();
    const dir = Deno.makeTempDirSync({ prefix: "ongoingai-debug-pg-" });
    try {
      const store = await openPostgresStore({ dsn: db.dsn });
      await store.writeBatch(debugHistory());
      await store.close();
      Deno.writeTextFileSync(
        join(dir, "ongoingai.yaml"),
        `storage:\n  driver: postgres\n  dsn: ${JSON.stringify(db.dsn)}\n`,
      );
      const group = await debug(
        dir,
        "--trace-group-id",
        "group-demo",
        "--format",
        "json",
        "--diff",
      );
      assert.equal(group.code, 0, group.stderr);
      const doc = JSON.parse(group.stdout);
      assert.equal(doc.source_trace_id, "trace-step-2");
      assert.deepEqual(ids(doc), ["trace-step-1", "trace-step-2"]);
      assert.equal(doc.diffs[0].total_tokens_delta, 5);
      const scrambled = await debug(dir, "--trace-id", "step3", "--format", "json");
      assert.deepEqual(ids(JSON.parse(scrambled.stdout)), ["step1", "step2", "step3"]);
      const session = await debug(dir, "--session-id", "sess-codex-1", "--format", "json");
      assert.deepEqual(ids(JSON.parse(session.stdout)), ["s-1", "s-2"]);
    } finally {
      Deno.removeSync(dir, { recursive: true });
      await db.drop();
    }
  },
});
