/**
 * Replay over the PostgreSQL store: the same byte-identical replay, its facts (`replay_of`,
 * `request_body_altered`, the lineage parent) read back from jsonb, the chain of both through the
 * API, and the audit entry in PostgreSQL's chain.
 */
import assert from "node:assert/strict";
import { configFor, testSecret } from "../support/gateway_harness.ts";
import { startUpstreamStub } from "../support/upstream_stub.ts";
import { freshDatabase, postgresAvailable } from "../support/postgres.ts";
import { createGateway } from "../../src/server/gateway.ts";
import { openPostgresStore } from "../../src/store/mod.ts";
import type { TraceRecord } from "../../src/traces/mod.ts";
import { writerSnapshot } from "../testdata/writer_snapshot.ts";

const pg = postgresAvailable();
const key = "sk-proj-REPLAYPG00000000000000000wxyz";
const body = '{"model":"gpt-4o-mini",  "seed": 12345678901234567890,"messages":[]}';

Deno.test({
  name: "replay over PostgreSQL: byte for byte, its facts read back, its chain and audit entry",
  ignore: "skip" in pg,
  async fn() {
    const stub = await startUpstreamStub();
    const db = await freshDatabase();
    const store = await openPostgresStore({ dsn: db.dsn });
    const written: TraceRecord[] = [];
    const gateway = createGateway(configFor(stub.url, { tracing: { capture_bodies: true } }), {
      store,
      writer: {
        enqueue: (t) => {
          written.push(t);
          return true;
        },
        snapshot: () => writerSnapshot(),
      },
      keyHashSecret: testSecret,
    });
    const call = (path: string, init?: RequestInit) =>
      gateway.fetch(new Request(`http://gw.test${path}`, init));
    const settle = async (n: number) => {
      while (written.length < n) await new Promise((r) => setTimeout(r, 5));
      await store.writeBatch(written.slice(n - 1, n));
      return written[n - 1]!;
    };
    try {
      const sent = await call("/openai/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body,
      });
      await sent.arrayBuffer();
      const source = await settle(1);
      const res = await call(`/api/traces/${source.id}/replay`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}` },
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      assert.equal(stub.requests.at(-1)!.body, body);
      const copy = await settle(2);
      const stored = (await store.getTrace(copy.id))!;
      assert.equal(stored.metadata.replay_of, source.id);
      assert.equal(stored.metadata.request_body_altered, false);
      assert.equal(stored.metadata.lineage_parent_checkpoint_id, source.id);
      assert.equal(stored.request_body, body);
      for (const id of [source.id, copy.id]) {
        const chain = await (await call(`/api/traces/${id}/lineage`)).json();
        const ids = chain.chain.checkpoints.map((c: { id: string }) => c.id);
        assert.deepEqual(ids, [source.id, copy.id], id);
      }
      const audit = await store.auditChain(1, 10);
      assert.deepEqual(audit.map((e) => [e.action, e.target]), [["trace.replayed", source.id]]);
    } finally {
      gateway.close();
      await gateway.shutdownTelemetry();
      await store.close();
      await db.drop();
      await stub.close();
    }
  },
});
