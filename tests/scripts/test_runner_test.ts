import assert from "node:assert/strict";
import { join } from "node:path";
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
    // Other test files make temporary directories in parallel; count only the cluster's own.
    const clusterDirs = () =>
      [...Deno.readDirSync(Deno.env.get("TMPDIR") ?? "/tmp")]
        .filter((e) => e.name.startsWith("ongoingai-test-pg-")).length;
    const before = clusterDirs();
    const started = await startCluster(places);
    assert.ok("failed" in started);
    assert.equal(started.failed, found.missing);
    assert.equal(clusterDirs(), before);
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
