/**
 * `ongoingai keys`: the key lifecycle from the command line, on the store the config names, with
 * the gateway's own secret, so a key created here is accepted by a gateway on the same store.
 */
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/mod.ts";
import { loadConfig } from "../../src/config/mod.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { keyHashSecret } from "../../src/server/serve.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";
import type { CliIo } from "../../src/cli/io.ts";

async function cli(args: string[], cwd: string) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    env: {},
    cwd,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

const yaml = `storage:
  path: ./data/traces.db
auth:
  enabled: true
  keys:
    - id: admin
      token_hash: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      role: admin
`;

Deno.test("keys CLI: create, list, rotate, revoke, events; a gateway accepts the created key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keys-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/ongoingai.yaml`, yaml);
    const created = await cli(
      [
        "keys",
        "create",
        "--org",
        "acme",
        "--workspace",
        "ml",
        "--name",
        "CI",
        "--role",
        "viewer",
        "--format",
        "json",
      ],
      dir,
    );
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as { id: string; token: string; org_id: string };
    assert.match(key.token, /^ogk_/);
    assert.equal(key.org_id, "acme");
    assert.match(created.stderr, /shown this once/);

    const list = await cli(["keys", "list"], dir);
    assert.equal(list.code, 0);
    assert.ok(list.stdout.includes(key.id) && list.stdout.includes("acme/ml  viewer"));
    assert.ok(!list.stdout.includes(key.token));
    const other = await cli(["keys", "list", "--org", "x", "--workspace", "y"], dir);
    assert.equal(other.stdout, "");

    // The gateway on the same store and secret accepts the CLI's key.
    const loaded = await loadConfig({ cwd: dir, env: {} });
    assert.ok(loaded.ok);
    const store = await openSqliteStore({ path: `${dir}/data/traces.db` });
    const gateway = createGateway(loaded.config, {
      store,
      writer: { enqueue: () => true, snapshot: () => writerSnapshot() },
      keyHashSecret: await keyHashSecret(loaded.config, dir),
    });
    const traces = (token: string) =>
      gateway.fetch(
        new Request("http://gw.test/api/traces", { headers: { "X-OngoingAI-Gateway-Key": token } }),
      ).then((r) => r.status);
    try {
      await gateway.refreshKeys();
      assert.equal(await traces(key.token), 200);

      const rotated = await cli(["keys", "rotate", key.id, "--format", "json"], dir);
      assert.equal(rotated.code, 0, rotated.stderr);
      const newToken = (JSON.parse(rotated.stdout) as { token: string }).token;
      await gateway.refreshKeys();
      assert.equal(await traces(key.token), 401);
      assert.equal(await traces(newToken), 200);

      assert.equal((await cli(["keys", "revoke", key.id], dir)).code, 0);
      const again = await cli(["keys", "revoke", key.id], dir);
      assert.equal(again.code, 1);
      await gateway.refreshKeys();
      assert.equal(await traces(newToken), 401);
    } finally {
      gateway.close();
      await store.close();
    }

    const events = await cli(["keys", "events"], dir);
    assert.deepEqual(
      events.stdout.trim().split("\n").map((l) => l.split("  ").slice(1, 4)),
      [["revoked", key.id, "by cli"], ["rotated", key.id, "by cli"], ["created", key.id, "by cli"]],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("keys CLI: usage errors exit 2", async () => {
  for (
    const args of [
      ["keys"],
      ["keys", "frob"],
      ["keys", "revoke"],
      ["keys", "list", "extra"],
      ["keys", "create", "--role", "root"],
      ["keys", "create", "--permission", "everything"],
      ["keys", "list", "--org", "only"],
    ]
  ) {
    const r = await cli(args, Deno.cwd());
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
  }
});
