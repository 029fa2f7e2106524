/**
 * Property tests for the headers that cross the gateway: for any header set a client or an
 * upstream sends, nothing throws, hop-by-hop headers and the headers a `Connection` field names
 * stop at the gateway, the gateway key never reaches the upstream, and the correlation id on
 * both sides is the gateway's own.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { clientResponseHeaders, upstreamRequestHeaders } from "../../src/proxy/headers.ts";

/** RFC 9110 7.6.1 plus the de-facto `proxy-connection`; stated here, not imported, on purpose. */
const hopByHop = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];
const correlationHeader = "x-ongoingai-correlation-id";
const gatewayKeyHeaders = ["x-ongoingai-gateway-key", "authorization", "x-gw"];
const knownNames = [
  ...hopByHop,
  ...gatewayKeyHeaders,
  correlationHeader,
  "host",
  "content-length",
  "content-encoding",
  "content-type",
  "accept-encoding",
  "x-api-key",
  "set-cookie",
  "x-drop-me",
];

const tchar = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const randomName = fc.string({ unit: fc.constantFrom(...tchar), minLength: 1, maxLength: 10 });
/** Known names in any letter case, or any valid token. */
const headerName = fc.oneof(
  fc.tuple(fc.constantFrom(...knownNames), fc.array(fc.boolean(), { maxLength: 30 })).map((
    [name, upper],
  ) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("")),
  randomName,
);
/** Field values `Headers` accepts: no NUL, CR or LF. */
const fieldValue = fc.string({ unit: "binary", maxLength: 20 })
  // deno-lint-ignore no-control-regex
  .map((s) => s.replace(/[\x00\r\n]/g, ""))
  .filter((s) => {
    try {
      new Headers([["x", s]]);
      return true;
    } catch {
      return false; // outside ByteString (code points above 0xff)
    }
  });
/** A `Connection` value listing names, with the list syntax's odd corners (spaces, empties). */
const connectionValue = fc
  .array(fc.tuple(headerName, fc.constantFrom(",", ", ", " ,", ",,", " , ")), { maxLength: 5 })
  .map((items) => items.map(([n, sep]) => n + sep).join(""));
const field = fc.oneof(
  fc.tuple(headerName, fieldValue),
  fc.tuple(fc.constantFrom("connection", "Connection"), connectionValue),
);
const fields = fc.array(field, { maxLength: 12 });

/** The lower-case names every `Connection` field in `pairs` lists. */
function listedNames(pairs: readonly (readonly [string, string])[]): Set<string> {
  const listed = new Set<string>();
  for (const [name, value] of pairs) {
    if (name.toLowerCase() !== "connection") continue;
    for (const item of value.split(",")) {
      const n = item.trim().toLowerCase();
      if (n !== "") listed.add(n);
    }
  }
  return listed;
}

Deno.test("property: upstream request headers drop hop-by-hop, Connection-listed and gateway key headers", () => {
  fc.assert(
    fc.property(
      fields,
      fc.constantFrom(...gatewayKeyHeaders),
      fc.string({ maxLength: 20 }),
      (sent, gatewayKeyHeader, correlationId) => {
        const incoming = new Headers();
        for (const [name, value] of sent) incoming.append(name, value);
        const out = upstreamRequestHeaders(incoming, { gatewayKeyHeader, correlationId });
        const listed = listedNames(sent);
        for (const name of Object.keys(out)) {
          assert.equal(name, name.toLowerCase());
          assert.ok(!hopByHop.includes(name), `hop-by-hop ${name} forwarded`);
          assert.notEqual(name, gatewayKeyHeader, "the gateway key header was forwarded");
          if (name !== correlationHeader) assert.ok(!listed.has(name), `${name} is in Connection`);
          assert.ok(name !== "host" && name !== "content-length", `${name} must be recomputed`);
        }
        assert.equal(out[correlationHeader], correlationId);
        // Everything else is end to end and passes unchanged (Accept-Encoding is narrowed).
        // `set-cookie` is left out: `Headers` never combines it, and a request has no use for it.
        incoming.forEach((value, name) => {
          const dropped = hopByHop.includes(name) || listed.has(name) ||
            ["host", "content-length", "accept-encoding", "set-cookie"].includes(name) ||
            name === gatewayKeyHeader || name === correlationHeader;
          if (!dropped) assert.equal(out[name], value, `${name} changed on the way`);
        });
      },
    ),
    { numRuns: 1500 },
  );
});

Deno.test("property: client response headers drop hop-by-hop and Connection-listed headers and carry our correlation id", () => {
  // Upstream pairs arrive lower-cased and possibly repeated, as the native client reads them.
  const upstreamPairs = fields.map((pairs) =>
    pairs.map(([n, v]) => [n.toLowerCase(), v] as [string, string])
  );
  fc.assert(
    fc.property(
      upstreamPairs,
      fc.string({ maxLength: 20 }),
      fc.boolean(),
      fc.boolean(),
      (upstream, correlationId, decoded, bodyRewritten) => {
        const out = clientResponseHeaders(upstream, correlationId, { decoded, bodyRewritten });
        const listed = listedNames(upstream);
        const ours = out.filter(([n]) => n === correlationHeader);
        assert.deepEqual(ours, [[correlationHeader, correlationId]]);
        for (const [name] of out) {
          assert.ok(!hopByHop.includes(name), `hop-by-hop ${name} reached the client`);
          if (name !== correlationHeader) assert.ok(!listed.has(name), `${name} is in Connection`);
          if (decoded || bodyRewritten) assert.notEqual(name, "content-length");
          if (decoded) assert.notEqual(name, "content-encoding");
        }
      },
    ),
    { numRuns: 1500 },
  );
});

// Found by the property above: with two Connection fields, as the native upstream client passes
// them on, only the first was read, so a header named in the second reached the client.
Deno.test({
  name: "client response headers honour every Connection field, not only the first",
  fn() {
    const out = clientResponseHeaders(
      [["x-api-key", "k"], ["connection", "keep-alive"], ["connection", "x-api-key"]],
      "corr",
      { decoded: false, bodyRewritten: false },
    );
    assert.deepEqual(out, [[correlationHeader, "corr"]]);
  },
});
