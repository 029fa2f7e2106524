import assert from "node:assert/strict";
import { join } from "node:path";
import postgres from "postgres";
import { denoTestArgs, skipBanner } from "../../scripts/test.ts";
import {
  clusterSettings,
  findPostgresBin,
  pickHighestVersion,
  startCluster,
} from "../../scripts/test/cluster.ts";

Deno.test("deno task test: tests/ unless the arguments name a path", async () => {
  assert.deepEqual(await denoTestArgs([]), ["test", "-A", "--parallel", "tests/"]);
  assert.deepEqual(await denoTestArgs(["--filter", "sqlite"]), [
    "test",
    "-A",
    "--parallel",
    "--filter",
    "sqlite",
    "tests/",
  ]);
  assert.deepEqual(await denoTestArgs(["tests/store"]), [
    "test",
    "-A",
    "--parallel",
    "tests/store",
  ]);
});

Deno.test("deno task test: the skip banner names the reason and the package", () => {
  const banner = skipBanner("initdb failed: boom");
  assert.match(banner, /PostgreSQL tests SKIPPED: initdb failed: boom/);
  assert.match(banner, /apt-get install postgresql/);
  assert.doesNotMatch(banner, /^(ok|FAILED) \| \d+ passed/m);
});

Deno.test("test cluster: Debian's highest installed version wins", () => {
  assert.equal(pickHighestVersion(["9.6", "15", "13", "README"]), "15");
  assert.equal(pickHighestVersion(["16", "9.6"]), "16");
  assert.equal(pickHighestVersion([]), null);
});

Deno.test("test cluster: loopback only, no unix socket, no fsync", () => {
  const conf = clusterSettings(54321);
  for (
    const line of [
      "listen_addresses = '127.0.0.1'",
      "port = 54321",
      "unix_socket_directories = ''",
      "fsync = off",
      "synchronous_commit = off",
    ]
  ) assert.ok(conf.includes(line), line);
});

Deno.test("test cluster: without PostgreSQL it says where it looked and leaves nothing", async () => {
  const empty = await Deno.makeTempDir();
  try {
    const places = {
      debianRoot: join(empty, "lib"),
      pgConfig: join(empty, "pg_config"),
      path: empty,
    };
    const found = await findPostgresBin(places);
    assert.ok("missing" in found);
    assert.match(found.missing, /initdb and pg_ctl not found/);
    // A root of its own: other test files start clusters of their own in parallel.
    const started = await startCluster(places, { tempRoot: empty });
    assert.ok("failed" in started);
    assert.equal(started.failed, found.missing);
    assert.deepEqual([...Deno.readDirSync(empty)], []);
  } finally {
    await Deno.remove(empty, { recursive: true });
  }
});

Deno.test("test cluster: a Debian layout is found through its version folder", async () => {
  const root = await Deno.makeTempDir();
  try {
    for (const v of ["13", "15"]) {
      await Deno.mkdir(join(root, v, "bin"), { recursive: true });
      for (const tool of ["initdb", "pg_ctl"]) {
        await Deno.writeTextFile(join(root, v, "bin", tool), "");
      }
    }
    const found = await findPostgresBin({
      debianRoot: root,
      pgConfig: join(root, "none"),
      path: "",
    });
    assert.deepEqual(found, { bin: join(root, "15", "bin") });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const serverTools = await findPostgresBin();

Deno.test({
  name:
    "test cluster: pause stops the server, resume brings it back on the same port with its data",
  ignore: "missing" in serverTools,
  sanitizeResources: false,
  async fn() {
    const cluster = await startCluster();
    if ("failed" in cluster) throw new Error(cluster.failed);
    const query = async (text: string) => {
      const sql = postgres(cluster.dsn, { max: 1, connect_timeout: 2, onnotice: () => {} });
      try {
        return await sql.unsafe(text);
      } finally {
        await sql.end({ timeout: 1 });
      }
    };
    try {
      await query("create table kept (n int); insert into kept values (7)");
      await cluster.pause();
      await assert.rejects(query("select 1"), (err: { code?: string }) => {
        assert.equal(err.code, "ECONNREFUSED");
        return true;
      });
      await cluster.resume();
      assert.deepEqual([...await query("select n from kept")], [{ n: 7 }]);
    } finally {
      await cluster.stop();
    }
  },
});
