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
    assert.match(
      other.stderr,
      /^no gateway keys in x\/y \(the config.s auth\.keys are not listed here\); create one with `ongoingai keys create --org x --workspace y --name NAME`\n$/,
    );

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
      ["keys", "confirm"],
      ["keys", "confirm", "a", "b"],
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

Deno.test("keys CLI: a key made while team mode is off is flagged, refused by a team-mode gateway, then confirmed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keys-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/off.yaml`, "storage:\n  path: ./data/traces.db\n");
    await Deno.writeTextFile(`${dir}/ongoingai.yaml`, yaml);
    const created = await cli(
      [
        "keys",
        "create",
        "--config",
        "off.yaml",
        "--role",
        "viewer",
        "--permission",
        "diagnostics:read",
        "--format",
        "json",
      ],
      dir,
    );
    assert.equal(created.code, 0, created.stderr);
    const key = JSON.parse(created.stdout) as {
      id: string;
      token: string;
      permissions: string[];
      created_without_auth: boolean;
      confirmed_at: string | null;
    };
    // The host may grant what the API never does.
    assert.deepEqual(key.permissions, ["diagnostics:read"]);
    assert.deepEqual([key.created_without_auth, key.confirmed_at], [true, null]);
    assert.match(created.stderr, new RegExp(`team mode is off.*ongoingai keys confirm ${key.id}`));
    assert.match(
      (await cli(["keys", "list"], dir)).stdout,
      /unconfirmed: created while team mode was off/,
    );

    const loaded = await loadConfig({ cwd: dir, env: {} });
    assert.ok(loaded.ok);
    const store = await openSqliteStore({ path: `${dir}/data/traces.db` });
    const warnings: string[] = [];
    const gateway = createGateway(loaded.config, {
      store,
      writer: { enqueue: () => true, snapshot: () => writerSnapshot() },
      keyHashSecret: await keyHashSecret(loaded.config, dir),
      log: {
        debug: () => {},
        info: () => {},
        error: () => {},
        warn: (msg, fields) => void warnings.push(`${msg} ${JSON.stringify(fields)}`),
      },
    });
    const diagnostics = () =>
      gateway.fetch(
        new Request("http://gw.test/api/diagnostics/trace-pipeline", {
          headers: { "X-OngoingAI-Gateway-Key": key.token },
        }),
      );
    try {
      await gateway.refreshKeys();
      await gateway.refreshKeys();
      assert.equal(warnings.length, 1, "warned once, not at every reload");
      assert.match(warnings[0]!, new RegExp(`created while team mode was off.*${key.id}`));
      const refused = await diagnostics();
      assert.equal(refused.status, 403);
      assert.equal((await refused.json()).error.code, "unconfirmed_gateway_key");

      const confirmed = await cli(["keys", "confirm", key.id], dir);
      assert.equal(confirmed.code, 0, confirmed.stderr);
      assert.equal(confirmed.stdout, `confirmed ${key.id}\n`);
      assert.equal(
        (await cli(["keys", "confirm", key.id], dir)).stdout,
        `already confirmed ${key.id}\n`,
      );
      await gateway.refreshKeys();
      const ok = await diagnostics();
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    } finally {
      gateway.close();
      await store.close();
    }
    // A key made in team mode needs nothing; an unknown one is an error.
    const teamKey = JSON.parse((await cli(["keys", "create", "--format", "json"], dir)).stdout);
    assert.equal(teamKey.created_without_auth, false);
    assert.match((await cli(["keys", "confirm", teamKey.id], dir)).stdout, /needs no confirmation/);
    const missing = await cli(["keys", "confirm", "gk_nope"], dir);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
    const events = await cli(["keys", "events"], dir);
    assert.match(events.stdout, new RegExp(`confirmed  ${key.id}  by cli`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// Issue 18: `keys` alone said "(got undefined)"; it names the actions, as does a wrong one.
Deno.test("keys CLI: no action or an unknown one names the actions and exits 2", async () => {
  const table: [string[], RegExp][] = [
    [
      ["keys"],
      /^keys needs an action: list, create, revoke ID, rotate ID, confirm ID, events, or pool \(provider pool keys\)\n/,
    ],
    [["keys", "--format", "json"], /^keys needs an action: list, create, revoke ID/],
    [["keys", "frob"], /^keys: unknown action "frob"; the actions are list, create, revoke ID/],
  ];
  for (const [args, want] of table) {
    const r = await cli(args, Deno.cwd());
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, want, args.join(" "));
    assert.doesNotMatch(r.stderr, /undefined/);
    assert.match(r.stderr, /Usage: ongoingai keys list\|create/);
    assert.equal(r.stdout, "");
  }
});

// Issue 18: `keys list` printed nothing at all on a database without keys.
Deno.test("keys CLI: list and events on a database without keys say so; JSON stays an empty list", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keys-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/ongoingai.yaml`, "storage:\n  path: ./data/traces.db\n");
    const list = await cli(["keys", "list"], dir);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, "", "stdout keeps one line per key: none");
    assert.equal(
      list.stderr,
      "no gateway keys in the database; create one with `ongoingai keys create --name NAME`\n",
    );
    const scoped = await cli(["keys", "list", "--org", "acme", "--workspace", "ml"], dir);
    assert.equal(scoped.code, 0);
    assert.match(
      scoped.stderr,
      /^no gateway keys in acme\/ml; create one with `ongoingai keys create --org acme --workspace ml --name NAME`\n$/,
    );
    const json = await cli(["keys", "list", "--format", "json"], dir);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), { items: [] });
    assert.equal(json.stderr, "");
    const events = await cli(["keys", "events"], dir);
    assert.equal(events.code, 0);
    assert.equal(events.stdout, "");
    assert.equal(events.stderr, "no gateway key events in the database\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("keys CLI: with keys only in the config, an empty list says the config's are not listed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ongoingai-keys-cli-" });
  try {
    await Deno.writeTextFile(`${dir}/ongoingai.yaml`, yaml);
    const list = await cli(["keys", "list"], dir);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, "");
    assert.match(
      list.stderr,
      /^no gateway keys in the database \(the config's auth\.keys are not listed here\); create one/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
