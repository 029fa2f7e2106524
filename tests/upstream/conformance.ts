/**
 * The UpstreamClient contract as tests, run against every implementation:
 * `runUpstreamConformance({ name: "native", make: () => createNativeClient() })`.
 * Cases where the implementations differ on purpose are not here but in each client's own
 * tests (wire-order headers, accept-encoding, decoded, error wording).
 */
import assert from "node:assert/strict";
import type { UpstreamClient, UpstreamResponse } from "../../src/upstream/mod.ts";
import { answerEach, get, httpServer, ok, rawServer, signal } from "./servers.ts";
import { bodyCases } from "./conformance_body.ts";
import type { TlsMaterial } from "./tls.ts";

export interface ConformanceTarget {
  name: string;
  /** A fresh client; with `caCerts` it must trust them for https. */
  make(caCerts?: string[]): UpstreamClient;
}

export type Case = (client: UpstreamClient, tls: TlsMaterial | null) => Promise<void>;

export const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
export const header = (res: UpstreamResponse, name: string) =>
  res.headers.find(([n]) => n === name)?.[1] ?? null;

const basicCases: Record<string, Case> = {
  "a GET answers status, lower-case headers and the body": async (client) => {
    const server = httpServer(() =>
      new Response("hello", {
        status: 201,
        headers: { "X-Custom": "v", "content-type": "text/plain" },
      })
    );
    try {
      const res = await get(client, server.url + "/a?b=1");
      assert.equal(res.status, 201);
      assert.equal(header(res, "x-custom"), "v");
      assert.equal(header(res, "content-type"), "text/plain");
      assert.ok(res.headers.every(([n]) => n === n.toLowerCase()));
      assert.equal(text(await res.bytes()), "hello");
    } finally {
      await server.close();
    }
  },

  "a POST sends its body, its content-length and the caller's headers": async (client) => {
    const server = httpServer(async (req) =>
      Response.json({
        method: req.method,
        path: new URL(req.url).pathname + new URL(req.url).search,
        length: req.headers.get("content-length"),
        auth: req.headers.get("authorization"),
        latin1: req.headers.get("x-latin1"),
        body: await req.text(),
      })
    );
    try {
      const body = new TextEncoder().encode('{"model":"gpt-4o-mini","x":"héllo"}');
      const res = await client.send({
        method: "POST",
        url: server.url + "/v1/chat/completions?api-version=2",
        headers: {
          "content-type": "application/json",
          authorization: "Bearer sk-test",
          "x-latin1": "caf\u00e9",
        },
        body,
        signal: signal(),
      });
      assert.deepEqual(JSON.parse(text(await res.bytes())), {
        method: "POST",
        path: "/v1/chat/completions?api-version=2",
        length: String(body.length),
        auth: "Bearer sk-test",
        latin1: "caf\u00e9",
        body: '{"model":"gpt-4o-mini","x":"héllo"}',
      });
    } finally {
      await server.close();
    }
  },

  "POST, PUT and PATCH without a body send content-length 0": async (client) => {
    const server = httpServer((req) => new Response(req.headers.get("content-length") ?? "none"));
    try {
      for (const method of ["POST", "PUT", "PATCH"]) {
        const res = await get(client, server.url + "/", { method });
        assert.equal(text(await res.bytes()), "0", method);
      }
    } finally {
      await server.close();
    }
  },

  "repeated set-cookie headers stay separate pairs": async (client) => {
    const server = rawServer((c, s) =>
      answerEach(c, s, () => ok("", "set-cookie: a=1\r\nset-cookie: b=2\r\n"))
    );
    try {
      const res = await get(client, server.url);
      await res.bytes();
      assert.deepEqual(res.headers.filter(([n]) => n === "set-cookie"), [
        ["set-cookie", "a=1"],
        ["set-cookie", "b=2"],
      ]);
    } finally {
      await server.close();
    }
  },

  "a redirect is returned, not followed": async (client) => {
    const server = rawServer((c, s) =>
      answerEach(
        c,
        s,
        () => "HTTP/1.1 302 Found\r\nlocation: /elsewhere\r\ncontent-length: 0\r\n\r\n",
      )
    );
    try {
      const res = await get(client, server.url + "/");
      assert.equal(res.status, 302);
      assert.equal(header(res, "location"), "/elsewhere");
      assert.equal((await res.bytes()).length, 0);
      assert.equal(server.requests.length, 1);
    } finally {
      await server.close();
    }
  },

  "header values with CR, LF or NUL are refused with a TypeError": async (client) => {
    const server = httpServer(() => new Response("never"));
    try {
      for (const value of ["a\r\nx-injected: 1", "a\nb", "a\rb", "a\0b"]) {
        await assert.rejects(
          get(client, server.url, { headers: { "x-h": value } }),
          TypeError,
          JSON.stringify(value),
        );
      }
      assert.equal(server.connections.size, 0, "nothing reached the server");
    } finally {
      await server.close();
    }
  },

  "an unreachable upstream rejects with an Error": async (client) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    await assert.rejects(
      get(client, `http://127.0.0.1:${port}/`),
      Error,
    );
  },

  "https with the caller's CA works": async (client, tls) => {
    const server = httpServer(() => new Response("secure"), tls!);
    try {
      for (let i = 0; i < 2; i++) {
        const res = await get(client, server.url + "/");
        assert.equal(text(await res.bytes()), "secure");
      }
    } finally {
      await server.close();
    }
  },
};

export function runUpstreamConformance(target: ConformanceTarget, tls: TlsMaterial | string) {
  const cases = { ...basicCases, ...bodyCases };
  for (const [name, fn] of Object.entries(cases)) {
    const needsTls = name.startsWith("https");
    if (needsTls && typeof tls === "string") console.warn(`skipping "${name}": ${tls}`);
    Deno.test({
      name: `${target.name}: ${name}`,
      ignore: needsTls && typeof tls === "string",
      async fn() {
        const material = typeof tls === "string" ? null : tls;
        const client = target.make(needsTls ? [material!.caCert] : undefined);
        try {
          await fn(client, material);
        } finally {
          client.close();
        }
      },
    });
  }
}
