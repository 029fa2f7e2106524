import assert from "node:assert/strict";
import { createLogger } from "../../src/log/mod.ts";
import { GatewayError } from "../../src/errors/mod.ts";
import { serveErrorHandler } from "../../src/server/serve_errors.ts";

class IncompleteBody extends Error {
  override name = "IncompleteBody";
}

Deno.test("a response body's error becomes one log line, never a stack trace", async () => {
  const cases: [unknown, Record<string, unknown>][] = [
    [
      new IncompleteBody("h:1 closed the connection before the last chunk of the body"),
      { level: "warn", error: "h:1 closed the connection before the last chunk of the body" },
    ],
    [
      new GatewayError("upstream_idle_timeout", "provider openai stopped sending"),
      { level: "warn", error: "provider openai stopped sending", code: "upstream_idle_timeout" },
    ],
    [
      new Error("error sending request for url (http://h/v1?key=sk-secret)", {
        cause: new Error("reset"),
      }),
      { level: "warn", error: "error sending request for url (http://h/v1): reset" },
    ],
    ["a string", { level: "warn", error: "a string" }],
  ];
  for (const [err, want] of cases) {
    const lines: string[] = [];
    const onError = serveErrorHandler(
      createLogger({ format: "json", write: (l) => lines.push(l), now: () => 0 }),
    );
    const res = onError(err);
    assert.equal(res.status, 500);
    assert.equal((await res.json()).error.code, "internal_error");
    assert.equal(lines.length, 1, String(err));
    assert.ok(lines[0]!.endsWith("\n") && !lines[0]!.slice(0, -1).includes("\n"), lines[0]);
    const { time: _, msg, ...fields } = JSON.parse(lines[0]!);
    assert.equal(msg, "a response broke off after its headers were sent; its trace records why");
    assert.deepStrictEqual(fields, want);
  }
});
