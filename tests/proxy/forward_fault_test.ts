/**
 * A fault inside the forward path that nothing classifies (a bug, here an upstream answer whose
 * headers cannot be read) still ends the exchange: the client gets the 500 `internal_error`, the
 * exchange leaves the in-flight set (which shutdown and `GET /api/live` count), and its trace is
 * recorded, instead of an exchange open for ever.
 */
import assert from "node:assert/strict";
import { createGateway } from "../../src/server/gateway.ts";
import { openSqliteStore } from "../../src/store/mod.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";
import type { UpstreamClient, UpstreamResponse } from "../../src/upstream/mod.ts";
import { configFor, testSecret } from "../support/gateway_harness.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

/** Answers with a response whose headers throw when read: a fault no stage expects. */
const faulty: UpstreamClient = {
  send: () =>
    Promise.resolve({
      status: 200,
      statusText: "OK",
      get headers(): [string, string][] {
        throw new TypeError("a bug reading the answer's headers");
      },
      decoded: false,
      read: () => Promise.resolve(null),
      bytes: () => Promise.resolve(new Uint8Array()),
      cancel: () => {},
    } as UpstreamResponse),
  close: () => {},
};

Deno.test("a fault the forward path does not classify ends the exchange and traces it", async () => {
  const store = await openSqliteStore({ path: ":memory:" });
  const traces: TraceRecord[] = [];
  const gateway = createGateway(configFor("http://127.0.0.1:9"), {
    store,
    writer: { enqueue: (t) => traces.push(t) > 0, snapshot: () => writerSnapshot() },
    keyHashSecret: testSecret,
    client: faulty,
  });
  try {
    const res = await gateway.fetch(
      new Request("http://gw.test/openai/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-proj-x" },
        body: JSON.stringify({ model: "gpt-4o-mini" }),
      }),
    );
    const body = await res.json();
    assert.equal(res.status, 500, JSON.stringify(body));
    assert.equal(body.error.code, "internal_error");
    assert.equal(gateway.inflight.size, 0);
    assert.equal(traces.length, 1);
    assert.equal(traces[0]!.error_code, "internal_error");
    const live = await (await gateway.fetch(new Request("http://gw.test/api/live"))).json();
    assert.equal(live.open_requests, 0);
    assert.equal(live.last_minute.errors, 1);
  } finally {
    gateway.close();
    await store.close();
  }
});
