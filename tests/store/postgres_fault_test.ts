/**
 * PostgreSQL going away under load: a TCP proxy in front of the test server stands in for the
 * server stopping (listener closed, every connection cut) and starting again on the same port.
 * Traces wait in the writer's queue and are written after reconnection; none is dropped.
 */
import assert from "node:assert/strict";
import { openPostgresStore } from "../../src/store/pg_store.ts";
import { createTraceWriter, type WriteFailure } from "../../src/traces/writer.ts";
import { makeTrace } from "../testdata/trace_fixture.ts";
import { createTestDatabase, skipReason } from "./pg_database.ts";

class OutageProxy {
  readonly port: number;
  #listener: Deno.Listener | null;
  readonly #conns = new Set<Deno.Conn>();
  readonly #target: { hostname: string; port: number };

  constructor(target: { hostname: string; port: number }) {
    this.#target = target;
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accept(this.#listener);
  }

  async #accept(listener: Deno.Listener) {
    try {
      for await (const client of listener) {
        this.#conns.add(client);
        Deno.connect(this.#target).then((server) => {
          this.#conns.add(server);
          const cut = () => {
            for (const c of [client, server]) {
              this.#conns.delete(c);
              try {
                c.close();
              } catch { /* already closed */ }
            }
          };
          client.readable.pipeTo(server.writable).catch(() => {}).finally(cut);
          server.readable.pipeTo(client.writable).catch(() => {}).finally(cut);
        }, () => client.close());
      }
    } catch {
      // Listener closed.
    }
  }

  stop() {
    this.#listener?.close();
    this.#listener = null;
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* already closed */ }
    }
    this.#conns.clear();
  }

  start() {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: this.port });
    this.#accept(this.#listener);
  }
}

Deno.test({
  name: "postgres store: stopped and restarted under load, queued traces are written after",
  ignore: skipReason !== undefined,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const db = await createTestDatabase("ongoingai_pgfault");
    const url = new URL(db.dsn);
    const proxy = new OutageProxy({
      hostname: url.hostname,
      port: Number(url.port || 5432),
    });
    const viaProxy = new URL(db.dsn);
    viaProxy.hostname = "127.0.0.1";
    viaProxy.port = String(proxy.port);
    const store = await openPostgresStore({
      dsn: viaProxy.toString(),
      maxConnections: 3,
      connectTimeoutSeconds: 2,
    });
    const failures: WriteFailure[] = [];
    const writer = createTraceWriter({
      store,
      queueSize: 10_000,
      batchSize: 25,
      flushIntervalMs: 5,
      retry: { initialMs: 20, maxMs: 200 },
      onError: (f) => failures.push(f),
    });
    try {
      for (let i = 0; i < 100; i++) writer.enqueue(makeTrace());
      await writer.flush();
      proxy.stop();
      for (let i = 0; i < 200; i++) writer.enqueue(makeTrace());
      await new Promise((r) => setTimeout(r, 600));
      assert.ok(failures.length > 0, "writes failed while the server was away");
      for (const f of failures) {
        assert.ok(f.transient, `${f.error_class}: ${String(f.error)}`);
        assert.equal(f.dropped, 0);
      }
      assert.equal(writer.snapshot().store_state, "degraded");
      proxy.start();
      await writer.flush();
      const snap = writer.snapshot();
      assert.equal(snap.dropped, 0);
      assert.equal(snap.written, 300);
      assert.equal(await store.countTraces(), 300);
      const [all] = await store.aggregate({});
      assert.equal(all?.request_count, 300);
    } finally {
      await writer.shutdown(5_000);
      proxy.stop();
      await store.close();
      await db.drop();
    }
  },
});
