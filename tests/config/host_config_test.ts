/**
 * `server.host` is a host name or IP literal and nothing more (it reaches shells through
 * `shell-init` and URLs through `wrap`: issue 16 item 6); `server.allowed_hosts` and
 * `ONGOINGAI_SERVER_ALLOWED_HOSTS` (item 3) resolve to canonical names.
 */
import assert from "node:assert/strict";
import { formatIssues, validateConfig } from "../../src/config/mod.ts";

function load(server: Record<string, unknown>, env: Record<string, string> = {}) {
  return validateConfig({ server }, { env });
}

Deno.test("config: server.host accepts host names and IP literals", () => {
  for (
    const host of [
      "127.0.0.1",
      "0.0.0.0",
      "::",
      "[::]",
      "::1",
      "[::1]",
      "localhost",
      "gateway.internal",
      "GATEWAY.Local",
      "my_service",
      "host-1.example.com",
      "xn--bcher-kva.example",
    ]
  ) {
    const r = load({ host });
    assert.ok(r.ok, `${host}: ${r.ok ? "" : JSON.stringify(r.errors)}`);
    assert.equal(r.config.server.host, host, "the bind address is kept as written");
  }
});

Deno.test("config: server.host refuses shell syntax, URLs, ports and junk, naming server.host", () => {
  for (
    const host of [
      "a$(touch /tmp/pwned)b",
      "`id`",
      "a;b",
      "a b",
      "a\nb",
      "'x'",
      'x"y',
      "a|b",
      "$HOME",
      "http://127.0.0.1",
      "127.0.0.1:8080",
      "localhost/x",
      "user@host",
      "",
      " ",
      "-bad",
      "bad-",
      "a..b",
      "1.2.3.999",
      "fe80::1%eth0",
      "[::1",
      "x".repeat(64),
      "bücher.example",
    ]
  ) {
    const r = load({ host });
    assert.ok(!r.ok, `${JSON.stringify(host)} was accepted`);
    const text = formatIssues(r.errors, { cwd: "/" });
    assert.match(text, /server\.host/, text);
    assert.match(text, /host name or IP address/, text);
  }
});

Deno.test("config: ONGOINGAI_HOST goes through the same check", () => {
  const r = load({}, { ONGOINGAI_HOST: "x$(id)" });
  assert.ok(!r.ok);
  const text = formatIssues(r.errors, { cwd: "/" });
  assert.match(text, /server\.host/);
  assert.match(text, /ONGOINGAI_HOST/);
});

Deno.test("config: server.allowed_hosts resolves to canonical names and patterns", () => {
  const r = load({
    allowed_hosts: [
      "Gateway.Internal",
      "api.example.com.",
      "*.Corp.Example",
      "10.0.0.1",
      "::1",
      "[::2]",
    ],
  });
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.errors));
  assert.deepEqual(r.config.server.allowed_hosts, [
    "gateway.internal",
    "api.example.com",
    "*.corp.example",
    "10.0.0.1",
    "[::1]",
    "[::2]",
  ]);
  const none = load({});
  assert.deepEqual(none.ok && none.config.server.allowed_hosts, []);
});

Deno.test("config: server.allowed_hosts refuses ports, URLs, bare wildcards and junk", () => {
  const cases: [string, RegExp][] = [
    ["gateway.internal:8080", /without a port/],
    ["[::1]:8080", /without a port/],
    ["http://gateway.internal", /host name such as/],
    ["*", /host name such as/],
    ["*.", /host name such as/],
    ["a.*.example", /host name such as/],
    ["*.10.0.0.1", /host name such as/],
    ["a$(id)", /host name such as/],
    ["", /host name such as/],
  ];
  for (const [entry, message] of cases) {
    const r = load({ allowed_hosts: [entry] });
    assert.ok(!r.ok, `${entry} was accepted`);
    const text = formatIssues(r.errors, { cwd: "/" });
    assert.match(text, /server\.allowed_hosts/, text);
    assert.match(text, message, text);
  }
});

Deno.test("config: ONGOINGAI_SERVER_ALLOWED_HOSTS replaces the file's list, comma-separated", () => {
  const r = load({ allowed_hosts: ["from.file"] }, {
    ONGOINGAI_SERVER_ALLOWED_HOSTS: " a.example ,, *.b.example,GW ",
  });
  assert.ok(r.ok, r.ok ? "" : JSON.stringify(r.errors));
  assert.deepEqual(r.config.server.allowed_hosts, ["a.example", "*.b.example", "gw"]);
  const bad = load({}, { ONGOINGAI_SERVER_ALLOWED_HOSTS: "ok.example,bad:1" });
  assert.ok(!bad.ok);
  assert.match(formatIssues(bad.errors, { cwd: "/" }), /ONGOINGAI_SERVER_ALLOWED_HOSTS/);
});

Deno.test("config: allowed_hosts from YAML, JSON and TypeScript files; a bad host located in the file", async () => {
  const { loadConfig } = await import("../../src/config/mod.ts");
  const { withFiles } = await import("./temp_files.ts");
  const files: [string, string][] = [
    ["ongoingai.yaml", "server:\n  allowed_hosts: [gw.example, '*.corp.example']\n"],
    ["c.json", '{"server": {"allowed_hosts": ["gw.example", "*.corp.example"]}}'],
    [
      "c.ts",
      'export default { server: { allowed_hosts: ["gw.example", "*.corp.example"] } };\n',
    ],
  ];
  for (const [name, text] of files) {
    await withFiles({ [name]: text }, async (dir) => {
      const r = await loadConfig({ path: name, env: {}, cwd: dir });
      assert.ok(r.ok, `${name}: ${r.ok ? "" : JSON.stringify(r.errors)}`);
      assert.deepEqual(r.config.server.allowed_hosts, ["gw.example", "*.corp.example"], name);
    });
  }
  await withFiles({ "ongoingai.yaml": 'server:\n  port: 1\n  host: "a$(id)"\n' }, async (dir) => {
    const r = await loadConfig({ env: {}, cwd: dir });
    assert.ok(!r.ok);
    assert.equal(r.errors[0]!.path, "server.host");
    assert.equal(r.errors[0]!.line, 3);
  });
});
