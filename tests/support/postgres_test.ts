import assert from "node:assert/strict";
import postgres from "postgres";
import { freshDatabase, postgresAvailable, withDatabase } from "./postgres.ts";

const available = postgresAvailable();

if ("skip" in available) {
  Deno.test({
    name: `PostgreSQL test cluster: round trip (skipped: ${available.skip})`,
    ignore: true,
    fn() {},
  });
} else {
  Deno.test("PostgreSQL test cluster: a fresh database takes a create/insert/select round trip", async () => {
    const db = await freshDatabase();
    const sql = postgres(db.dsn, { max: 1, onnotice: () => {} });
    try {
      const [row] = await sql<{ version: string }[]>`select version()`;
      assert.match(row!.version, /^PostgreSQL \d+/);
      await sql`create table notes (id int primary key, body text not null)`;
      await sql`insert into notes ${sql([{ id: 1, body: "one" }, { id: 2, body: "two" }])}`;
      const rows = await sql<
        { id: number; body: string }[]
      >`select id, body from notes order by id`;
      assert.deepEqual(rows.map((r) => ({ ...r })), [{ id: 1, body: "one" }, {
        id: 2,
        body: "two",
      }]);
    } finally {
      await sql.end();
      await db.drop();
    }
  });

  Deno.test("PostgreSQL test cluster: fresh databases are distinct and drop() removes them", async () => {
    const [a, b] = await Promise.all([freshDatabase(), freshDatabase()]);
    assert.notEqual(a.dsn, b.dsn);
    await a.drop();
    await b.drop();
    const sql = postgres(available.dsn, { max: 1, onnotice: () => {} });
    try {
      const names = [new URL(a.dsn).pathname.slice(1), new URL(b.dsn).pathname.slice(1)];
      const left = await sql`select datname from pg_database where datname in ${sql(names)}`;
      assert.equal(left.length, 0);
    } finally {
      await sql.end();
    }
  });
}

Deno.test("withDatabase swaps only the database name", () => {
  assert.equal(
    withDatabase("postgres://postgres@127.0.0.1:5433/postgres", "t1"),
    "postgres://postgres@127.0.0.1:5433/t1",
  );
});
