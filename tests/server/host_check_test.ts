/**
 * The `Host` check (DNS rebinding, issue 16 item 3) as a table: which names each configuration
 * answers to. The same check runs in the real `serve` in tests/e2e/browser_attack_test.ts.
 */
import assert from "node:assert/strict";
import { createHostCheck } from "../../src/server/host_check.ts";
import { validateConfig } from "../../src/config/mod.ts";

/** `server` as the schema resolves it (allowed_hosts canonical), and team mode on or off. */
function check(server: Record<string, unknown>, team = false) {
  const loaded = validateConfig({ server }, { env: {} });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return createHostCheck(loaded.config.server, team);
}

const loopbackBind = check({ host: "127.0.0.1" });
const cases: { host: string | null; ok: boolean; why: string }[] = [
  { host: null, ok: true, why: "no Host: not a browser" },
  { host: "", ok: true, why: "empty Host: not a browser" },
  { host: "127.0.0.1:8080", ok: true, why: "loopback address" },
  { host: "127.0.0.1", ok: true, why: "loopback address without port" },
  { host: "127.9.9.9:1", ok: true, why: "anywhere in 127/8" },
  { host: "[::1]:8080", ok: true, why: "IPv6 loopback" },
  { host: "[::ffff:127.0.0.1]:8080", ok: true, why: "IPv4-mapped IPv6" },
  { host: "localhost:8080", ok: true, why: "localhost" },
  { host: "LocalHost:8080", ok: true, why: "names ignore case" },
  { host: "localhost.:8080", ok: true, why: "the fully qualified spelling" },
  { host: "localhost:1", ok: true, why: "any port (port mappings, reverse proxies)" },
  { host: "10.0.0.5:8080", ok: true, why: "an IP literal is no name to rebind" },
  { host: "2130706433:8080", ok: true, why: "a numeric IPv4 spelling" },
  { host: "attacker.example:8080", ok: false, why: "a rebound name" },
  { host: "attacker.example", ok: false, why: "a rebound name without port" },
  { host: "localhost.attacker.example:8080", ok: false, why: "localhost as a label" },
  { host: "127.0.0.1.nip.io:8080", ok: false, why: "an address as a prefix" },
  { host: "x.localhost:8080", ok: false, why: "*.localhost is not implied" },
  { host: "localhost..:8080", ok: false, why: "an empty label" },
  { host: "1.2.3.999", ok: false, why: "neither an address nor a name" },
  { host: "user@localhost", ok: false, why: "userinfo" },
  { host: "localhost:8080:9", ok: false, why: "two ports" },
  { host: "localhost/x", ok: false, why: "a path" },
  { host: "[::1", ok: false, why: "an open bracket" },
  { host: "local host", ok: false, why: "a space" },
];

Deno.test("host check: loopback bind answers loopback names and IP literals, refuses other names", () => {
  for (const c of cases) {
    const err = loopbackBind(c.host);
    assert.equal(err === null, c.ok, `${c.why}: ${c.host}`);
    if (err !== null) {
      assert.equal(err.status, 421, c.why);
      assert.equal(err.code, "misdirected_request", c.why);
    }
  }
});

Deno.test("host check: server.host and server.allowed_hosts add names, patterns match subdomains only", () => {
  const named = check({
    host: "Gateway.Local",
    allowed_hosts: ["api.example.com", "*.corp.example", "GW.Example.", "[::2]"],
  });
  const table: [string, boolean][] = [
    ["gateway.local:8080", true],
    ["GATEWAY.LOCAL", true],
    ["api.example.com:443", true],
    ["gw.example", true],
    ["a.corp.example", true],
    ["a.b.corp.example:1", true],
    ["corp.example", false],
    ["xcorp.example", false],
    ["example.com", false],
    ["api.example.com.evil", false],
    ["localhost", true],
    ["evil.example", false],
  ];
  for (const [host, ok] of table) assert.equal(named(host) === null, ok, host);
});

Deno.test("host check: a wildcard bind is checked in default mode, open in team mode without a list", () => {
  for (const host of ["0.0.0.0", "::"]) {
    const open = check({ host }, true);
    assert.equal(open("ongoingai:8080"), null, `${host} team: compose service name`);
    assert.equal(open("attacker.example"), null, `${host} team: keys guard every route`);
    const defaultMode = check({ host });
    assert.equal(defaultMode("ongoingai:8080")?.status, 421, `${host} default: a name`);
    assert.equal(defaultMode("172.17.0.2:8080"), null, `${host} default: container address`);
    assert.equal(defaultMode("localhost:8080"), null, `${host} default: published on loopback`);
    const listed = check({ host, allowed_hosts: ["ongoingai"] }, true);
    assert.equal(listed("ongoingai:8080"), null, `${host} team + list: listed`);
    assert.equal(listed("attacker.example")?.status, 421, `${host} team + list: enforced`);
  }
  // A specific address is checked in team mode too.
  assert.equal(check({ host: "127.0.0.1" }, true)("attacker.example")?.status, 421);
});

Deno.test("host check: the refusal names the Host and says to add it to server.allowed_hosts", () => {
  const err = loopbackBind("rebind.attacker.example:8080")!;
  assert.match(err.message, /"rebind\.attacker\.example:8080"/);
  assert.match(err.message, /add "rebind\.attacker\.example" to server\.allowed_hosts/);
  assert.match(err.message, /ONGOINGAI_SERVER_ALLOWED_HOSTS/);
  assert.deepEqual(err.details, { host: "rebind.attacker.example:8080" });
  const long = loopbackBind(`${"a".repeat(5000)}.example`)!;
  assert.ok(long.message.length < 1200, "an attacker's Host is cut in the message");
  const odd = loopbackBind('x"y\n')!;
  assert.match(odd.message, /not a host name or IP address/);
});

Deno.test("host check: the cache of accepted values never turns a refusal into an answer", () => {
  const c = check({ host: "127.0.0.1" });
  for (let i = 0; i < 300; i++) assert.equal(c(`10.0.${i >> 8}.${i & 255}:8080`), null);
  for (let i = 0; i < 3; i++) {
    assert.equal(c("localhost:8080"), null);
    assert.equal(c("attacker.example:8080")?.status, 421, `call ${i}`);
  }
});
