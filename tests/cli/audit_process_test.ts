/**
 * `ongoingai audit verify` as a user runs it: a real CLI subprocess reading a SQLite file the
 * store wrote, valid (exit 0, text and JSON) and tampered three ways behind the store's back
 * (exit 1 naming the entry), plus the usage errors (exit 2) and a missing database (exit 1, no
 * file created).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { openSqliteStore } from "../../src/store/mod.ts";
import { runCliProcess } from "../support/process.ts";
import { auditInput } from "../store/audit_conformance.ts";

async function fixture(entries = 4): Promise<{ dir: string; db: string }> {
  const dir = Deno.makeTempDirSync({ prefix: "ongoingai-audit-cli-" });
  Deno.writeTextFileSync(join(dir, "ongoingai.yaml"), "storage:\n  path: traces.db\n");
  const db = join(dir, "traces.db");
  const store = await openSqliteStore({ path: db });
  for (let i = 1; i <= entries; i++) await store.appendAudit(auditInput(i));
  await store.close();
  return { dir, db };
}

const verify = (dir: string, ...args: string[]) =>
  runCliProcess(["audit", "verify", ...args], { cwd: dir });

function tamper(db: string, sql: string): void {
  const d = new DatabaseSync(db);
  try {
    d.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete");
    d.exec(sql);
  } finally {
    d.close();
  }
}

Deno.test("audit verify: a valid chain exits 0 (text and JSON) and writes nothing", async () => {
  const { dir, db } = await fixture();
  const before = Deno.readFileSync(db);
  const text = await verify(dir);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^audit chain valid: 4 entries \(head seq 4, hash [0-9a-f]{16}…\)\n$/);
  const json = await verify(dir, "--format", "json");
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout);
  assert.equal(doc.schema, "audit-verify.v1");
  assert.deepStrictEqual([doc.ok, doc.checked, doc.head.seq, doc.problem], [true, 4, 4, null]);
  assert.deepStrictEqual(doc.storage, { driver: "sqlite", path: db });
  assert.deepStrictEqual(Deno.readFileSync(db), before);
});

Deno.test("audit verify: an empty log is valid", async () => {
  const { dir } = await fixture(0);
  const r = await verify(dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /audit chain valid: 0 entries/);
});

const tamperings: [string, string, string, number][] = [
  ["a field edited", "UPDATE audit_log SET target = 'other' WHERE seq = 2", "changed", 2],
  ["a row deleted", "DELETE FROM audit_log WHERE seq = 3", "gap", 3],
  [
    "two rows' seq swapped",
    "UPDATE audit_log SET seq = -seq WHERE seq IN (1, 2); " +
    "UPDATE audit_log SET seq = 3 + seq WHERE seq IN (-1, -2)",
    "reordered",
    1,
  ],
];
for (const [what, sql, kind, seq] of tamperings) {
  Deno.test(`audit verify: ${what} exits 1 naming entry ${seq}`, async () => {
    const { dir, db } = await fixture();
    tamper(db, sql);
    const text = await verify(dir);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, new RegExp(`^audit chain INVALID at entry ${seq} \\(${kind}\\): `));
    const json = await verify(dir, "--format", "json");
    assert.equal(json.code, 1);
    const doc = JSON.parse(json.stdout);
    assert.deepStrictEqual([doc.ok, doc.problem.kind, doc.problem.seq], [false, kind, seq]);
  });
}

Deno.test("audit verify: usage errors exit 2; a missing database exits 1 and creates none", async () => {
  const { dir } = await fixture(0);
  for (
    const [args, re] of [
      [["audit"], /audit needs a subcommand: verify/],
      [["audit", "check"], /unknown audit subcommand "check": expected verify/],
      [["audit", "verify", "--format", "xml"], /invalid audit verify format "xml"/],
      [["audit", "verify", "extra"], /does not accept positional arguments/],
    ] as const
  ) {
    const r = await runCliProcess([...args], { cwd: dir });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
  const empty = Deno.makeTempDirSync({ prefix: "ongoingai-audit-cli-" });
  Deno.writeTextFileSync(join(empty, "ongoingai.yaml"), "storage:\n  path: none.db\n");
  const r = await verify(empty);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /failed to read the audit log: trace database .* does not exist/);
  assert.deepStrictEqual([...Deno.readDirSync(empty)].map((e) => e.name), ["ongoingai.yaml"]);
});
