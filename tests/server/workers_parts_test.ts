/**
 * The pure and in-process parts of `server.workers`: the scrape merge over isolates, the call
 * protocol over a real `MessageChannel` (answers, errors with their class), and the forwarding
 * writer's batches, bound and figures.
 */
import assert from "node:assert/strict";
import { cumulativeOnly, mergeFamilies, type MetricFamily } from "../../src/telemetry/mod.ts";
import { createRpc, type RpcHandlers, RpcTimeoutError } from "../../src/server/worker_rpc.ts";
import {
  type ForwardedDrops,
  withDrops,
  WorkerFigures,
  writerFamily,
} from "../../src/server/worker_figures.ts";
import { coalesced } from "../../src/server/worker_supervision.ts";
import {
  ForwardingWriter,
  rebuildStoreError,
  relayedStore,
  storeMethodNames,
} from "../../src/server/worker_deps.ts";
import { InvalidCursorError, ResponseStateError } from "../../src/store/mod.ts";
import type { TraceRecord, TraceWriterSnapshot } from "../../src/traces/mod.ts";
import { MemoryRoutingState } from "../../src/routing/mod.ts";
import { MemoryStateMap } from "../../src/providers/mod.ts";
import { type GatewayConfig, validateConfig } from "../../src/config/mod.ts";
import {
  newProcessSealKey,
  relayedSeals,
  withProcessSealKey,
} from "../../src/server/worker_seals.ts";
import { broadcastingRoutingState, RelayedRoutingState } from "../../src/server/worker_routing.ts";

const counter = (name: string, points: [string[], number][]): MetricFamily => ({
  type: "counter",
  name,
  help: "h",
  labelNames: ["a"],
  points: points.map(([labelValues, value]) => ({ labelValues, value })),
});
const gauge = (name: string, value: number): MetricFamily => ({
  type: "gauge",
  name,
  help: "h",
  labelNames: [],
  points: [{ labelValues: [], value }],
});
const histogram = (counts: number[], sum: number): MetricFamily => ({
  type: "histogram",
  name: "h_seconds",
  help: "h",
  labelNames: ["a"],
  buckets: [1, 2],
  points: [{ labelValues: ["x"], counts, sum, count: counts.reduce((p, c) => p + c, 0) }],
});
const single = (name: string) => name.startsWith("ongoingai_trace_");
const additive = (value: number): MetricFamily => ({
  type: "gauge",
  name: "streams",
  help: "h",
  labelNames: [],
  points: [{ labelValues: [], value }],
  additive: true,
});
/** A counter whose first point has `first` and every other point `rest`. */
const labelled = (
  labelNames: string[],
  values: string[][],
  first: number,
  rest = first,
): MetricFamily => ({
  type: "counter",
  name: "c",
  help: "h",
  labelNames,
  points: values.map((labelValues, i) => ({ labelValues, value: i === 0 ? first : rest })),
});

Deno.test("mergeFamilies: what one scrape over several isolates shows", async (t) => {
  const cases: [string, MetricFamily[][], MetricFamily[]][] = [
    [
      "counters add by label set; a label set of one isolate only is kept",
      [[counter("c", [[["x"], 2], [["y"], 1]])], [counter("c", [[["x"], 3], [["z"], 4]])]],
      [counter("c", [[["x"], 5], [["y"], 1], [["z"], 4]])],
    ],
    [
      "histograms add bucket by bucket, with sum and count",
      [[histogram([1, 0, 2], 7)], [histogram([0, 1, 1], 4)]],
      [histogram([1, 1, 3], 11)],
    ],
    [
      "the writer's families come from the first isolate alone",
      [[counter("ongoingai_trace_written_total", [[[], 10]])], [
        counter("ongoingai_trace_written_total", [[[], 10]]),
      ]],
      [counter("ongoingai_trace_written_total", [[[], 10]])],
    ],
    ["gauges take the largest", [[gauge("g", 2)], [gauge("g", 5)], [gauge("g", 1)]], [
      gauge("g", 5),
    ]],
    [
      "an up-down counter's gauge adds up (open streams of every isolate)",
      [[additive(2)], [additive(5)], [additive(1)]],
      [additive(8)],
    ],
    [
      "series meet by label name, whatever order each isolate learned the labels in",
      [[labelled(["a", "b"], [["1", "2"]], 3)], [
        labelled(["b", "a"], [["2", "1"], ["9", "8"]], 4),
      ]],
      [labelled(["a", "b"], [["1", "2"], ["8", "9"]], 7, 4)],
    ],
    [
      "a label only another isolate has widens the family; the first's series have it empty",
      [[labelled(["a"], [["1"]], 3)], [labelled(["a", "b"], [["1", ""], ["1", "x"]], 2)]],
      [labelled(["a", "b"], [["1", ""], ["1", "x"]], 5, 2)],
    ],
    ["a family only another isolate has is added", [[], [gauge("g", 3)]], [gauge("g", 3)]],
    ["one isolate: unchanged", [[counter("c", [[["x"], 1]])]], [counter("c", [[["x"], 1]])]],
  ];
  for (const [name, input, expected] of cases) {
    await t.step(name, () => assert.deepEqual(mergeFamilies(input, single), expected));
  }
  await t.step("an isolate that ended leaves its counters and histograms, not its gauges", () => {
    const kept = cumulativeOnly([counter("c", [[["x"], 2]]), gauge("g", 4), histogram([1], 1)]);
    assert.deepEqual(kept, [counter("c", [[["x"], 2]]), histogram([1], 1)]);
  });
  await t.step("the inputs are not changed", () => {
    const first = [counter("c", [[["x"], 1]])];
    mergeFamilies([first, [counter("c", [[["x"], 2]])]], single);
    assert.deepEqual(first, [counter("c", [[["x"], 1]])]);
  });
});

function pair(handlers: RpcHandlers) {
  const channel = new MessageChannel();
  const server = createRpc(channel.port1, handlers);
  const client = createRpc(channel.port2, {}, { rebuild: rebuildStoreError });
  return {
    client,
    close() {
      server.close();
      client.close();
    },
  };
}

Deno.test("worker calls: answers, and errors rebuilt with their class", async () => {
  const { client, close } = pair({
    add: (a: number, b: number) => a + b,
    later: async (v: string) => await Promise.resolve(v.toUpperCase()),
    cursor: () => {
      throw new InvalidCursorError("bad base64");
    },
    state: () => {
      throw new ResponseStateError("state_too_large", "too large");
    },
    plain: () => {
      throw Object.assign(new Error("busy"), { name: "SqliteError", code: "SQLITE_BUSY" });
    },
  });
  try {
    assert.equal(await client.call("add", 2, 3), 5);
    assert.equal(await client.call("later", "ok"), "OK");
    await assert.rejects(
      client.call("cursor"),
      (e) => e instanceof InvalidCursorError && /cursor is invalid \(bad base64\)/.test(e.message),
    );
    await assert.rejects(
      client.call("state"),
      (e) => e instanceof ResponseStateError && e.code === "state_too_large",
    );
    await assert.rejects(
      client.call("plain"),
      (e: Error & { code?: string }) =>
        e.name === "SqliteError" && e.code === "SQLITE_BUSY" && e.message === "busy",
    );
    await assert.rejects(client.call("nope"), /unknown call between isolates: nope/);
    client.fail(new Error("worker gone"));
    await assert.rejects(client.call("add", 1, 1), /worker gone/);
  } finally {
    close();
  }
});

Deno.test("relayed store: the main store's methods, close kept local", async () => {
  class Base {
    driver = "sqlite" as const;
    countTraces() {
      return Promise.resolve(3);
    }
    close() {
      return Promise.resolve();
    }
  }
  class Store extends Base {
    listAudit() {
      return Promise.resolve([]);
    }
  }
  const main = new Store();
  const methods = storeMethodNames(main);
  assert.deepEqual(methods.sort(), ["close", "countTraces", "listAudit"]);
  let closed = 0;
  const { client, close } = pair({
    store: (m: string, args: unknown[]) => {
      if (m === "close") closed++;
      return (main as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!(...args);
    },
  });
  try {
    const store = relayedStore(client, methods, "postgres");
    assert.equal(store.driver, "postgres");
    assert.equal(await store.countTraces(), 3);
    await store.close();
    assert.equal(closed, 0);
  } finally {
    close();
  }
});

const snapshot = (over: Partial<TraceWriterSnapshot> = {}) =>
  ({
    queue_depth: 0,
    accepted: 0,
    rejected: 0,
    dropped_after_accept: 0,
    dropped: 0,
    dropped_by_reason: { queue_full: 0, shutdown: 0, write_failed: 0, shutdown_timeout: 0 },
    bodies_dropped: 0,
    ...over,
  }) as TraceWriterSnapshot;
const trace = (i: number, body: string | null = null) =>
  ({
    id: `t${i}`,
    request_body: body,
    response_body: null,
    metadata: {},
  }) as unknown as TraceRecord;
const limits = (batchSize: number, capacity: number, maxBodyBytes = 1 << 20) => ({
  batchSize,
  capacity,
  maxBodyBytes,
});

Deno.test("forwarding writer: batches, one message each; everything arrives by flush", async () => {
  const batches: string[][] = [];
  let accepted = 0;
  const { client, close } = pair({
    traces: (batch: TraceRecord[]) => {
      batches.push(batch.map((t) => t.id));
      accepted += batch.length;
      return snapshot({ accepted });
    },
    writer: () => snapshot({ accepted }),
  });
  const writer = new ForwardingWriter(client, limits(4, 100), snapshot());
  try {
    for (let i = 0; i < 10; i++) assert.equal(writer.enqueue(trace(i)), true);
    await writer.flush();
    assert.deepEqual(batches, [["t0", "t1", "t2", "t3"], ["t4", "t5", "t6", "t7"], ["t8", "t9"]]);
    assert.equal(writer.snapshot().accepted, 10);
    assert.equal(writer.snapshot().queue_depth, 0);
  } finally {
    writer.stop();
    close();
  }
});

Deno.test("forwarding writer: at most its capacity waits; more is dropped and counted", async () => {
  const answer = Promise.withResolvers<void>();
  const { client, close } = pair({
    // As the main isolate answers: its figures with the drops the worker reported.
    traces: async (_batch: TraceRecord[], drops: ForwardedDrops) => {
      await answer.promise;
      return withDrops(snapshot(), drops);
    },
    writer: (drops: ForwardedDrops) => withDrops(snapshot(), drops),
  });
  const writer = new ForwardingWriter(client, limits(2, 5), snapshot());
  try {
    const taken = Array.from({ length: 8 }, (_, i) => writer.enqueue(trace(i)));
    assert.deepEqual(taken, [true, true, true, true, true, false, false, false]);
    const s = writer.snapshot();
    assert.equal(s.queue_depth, 5);
    assert.equal(s.dropped, 3);
    assert.equal(s.rejected, 3);
    assert.equal(s.dropped_by_reason.queue_full, 3);
    answer.resolve();
    await writer.flush();
    assert.equal(writer.snapshot().queue_depth, 0);
    assert.equal(writer.snapshot().dropped, 3);
  } finally {
    writer.stop();
    close();
  }
});

Deno.test("routing state over isolates: one truth, mirrors told of every write, one probe", async () => {
  const mirrors: RelayedRoutingState[] = [];
  const main = broadcastingRoutingState(new MemoryRoutingState(), (s) => {
    for (const m of mirrors) m.apply(s);
  });
  const links = [0, 1].map(() =>
    pair({
      routing: (method: string, args: unknown[]) =>
        (main as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args),
    })
  );
  const [a, b] = links.map((l) => new RelayedRoutingState(l.client, false));
  mirrors.push(a!, b!);
  const settled = async () => {
    // The broadcast follows the write's answer: one snapshot later every mirror has it.
    for (let i = 0; i < 20 && b!.breaker("p/m") === null; i++) {
      await new Promise((r) => setTimeout(r, 0));
    }
  };
  try {
    await a!.openBreaker("p/m", 1_000, 5_000);
    assert.equal(a!.breaker("p/m")?.openUntil, 5_000, "the writer's mirror at once");
    assert.equal(main.breaker("p/m", 1_000)?.openUntil, 5_000, "the main state");
    await settled();
    assert.equal(b!.breaker("p/m")?.openUntil, 5_000, "the other isolate's mirror");
    const claims = await Promise.all([
      a!.claimProbe("p/m", 6_000, 1_000),
      b!.claimProbe("p/m", 6_000, 1_000),
    ]);
    assert.deepEqual(claims.sort(), ["busy", "probe"]);
    const key = { kind: "key" as const, provider: "p", id: "k1" };
    await b!.disableKey(key, 7_000, "status_401");
    assert.equal(main.blocked(key, 7_000)?.state, "disabled");
    assert.equal(await a!.enableKey(key, 8_000), true);
    assert.equal(main.blocked(key, 8_000), null);
    assert.deepEqual((await b!.snapshot(8_000)).blocks, []);
  } finally {
    for (const l of links) l.close();
  }
});

Deno.test("seals over isolates: one key when the config has none, the main isolate's map", async () => {
  const key = newProcessSealKey();
  assert.ok(key.length >= 32 && /^[A-Za-z0-9_-]+$/.test(key), key);
  assert.notEqual(newProcessSealKey(), key);
  const bare = { translation: { state_key: undefined } } as unknown as GatewayConfig;
  assert.equal(withProcessSealKey(bare, key).translation.state_key, key);
  const own = { translation: { state_key: "x".repeat(40) } } as unknown as GatewayConfig;
  assert.equal(withProcessSealKey(own, key), own, "the config's own key wins");

  const main = new MemoryStateMap();
  const { client, close } = pair({
    stateMap: (op: "put" | "get", args: [Parameters<typeof main.put>[0], string]) =>
      op === "put" ? main.put(...args) : main.get(args[0]),
  });
  try {
    const seals = relayedSeals(client);
    const at = { tenant: "o|w", route: "r", id: "call_og1_x" };
    await seals.map.put(at, "og1.sealed");
    assert.equal(await main.get(at), "og1.sealed");
    assert.equal(await seals.map.get(at), "og1.sealed");
    assert.equal(await seals.map.get({ ...at, id: "other" }), null);
  } finally {
    close();
  }
});

Deno.test("server.workers in the config: default 1, a clear refusal out of 1..64", async (t) => {
  const load = (workers: unknown) =>
    validateConfig(workers === undefined ? {} : { server: { workers } }, { env: {} });
  await t.step("default: one isolate", () => {
    const r = load(undefined);
    assert.ok(r.ok);
    assert.equal(r.config.server.workers, 1);
  });
  const cases: [unknown, RegExp | null][] = [
    [1, null],
    [2, null],
    [64, null],
    [0, /at least 1/],
    [-3, /at least 1/],
    [65, /at most 64/],
    [1.5, /integer/],
    ["2", /number/],
  ];
  for (const [workers, refusal] of cases) {
    await t.step(JSON.stringify(workers), () => {
      const r = load(workers);
      if (refusal === null) {
        assert.ok(r.ok);
        assert.equal(r.config.server.workers, workers);
      } else {
        assert.ok(!r.ok);
        const issue = r.errors.find((e) => e.path === "server.workers");
        assert.match(issue?.message ?? "", refusal);
      }
    });
  }
});

Deno.test("forwarding writer: a batch the main isolate never took is counted lost", async () => {
  const { client, close } = pair({ writer: () => snapshot() });
  const writer = new ForwardingWriter(client, limits(2, 10), snapshot());
  try {
    client.fail(new Error("main isolate gone"));
    writer.enqueue(trace(1));
    writer.enqueue(trace(2));
    await writer.flush();
    const s = writer.snapshot();
    assert.equal(s.queue_depth, 0);
    assert.equal(s.dropped_after_accept, 2);
    assert.equal(s.dropped_by_reason.write_failed, 2);
    assert.equal(s.dropped, 2);
  } finally {
    writer.stop();
    close();
  }
});

Deno.test("forwarding writer: over its body budget a trace goes without bodies, counted", async () => {
  const got: TraceRecord[] = [];
  const { client, close } = pair({
    traces: (batch: TraceRecord[]) => (got.push(...batch), snapshot()),
    writer: () => snapshot(),
  });
  const writer = new ForwardingWriter(client, limits(10, 10, 100), snapshot());
  try {
    for (let i = 0; i < 3; i++) writer.enqueue(trace(i, "x".repeat(40)));
    assert.equal(writer.snapshot().bodies_dropped, 1);
    await writer.flush();
    assert.deepEqual(got.map((t) => [t.request_body?.length ?? null, t.metadata]), [
      [40, {}],
      [40, {}],
      [null, { bodies_dropped: "queue_memory" }],
    ]);
    // Sent and answered: the budget is free again.
    writer.enqueue(trace(3, "x".repeat(40)));
    await writer.flush();
    assert.equal(got.at(-1)?.request_body?.length, 40);
  } finally {
    writer.stop();
    close();
  }
});

Deno.test("forwarding writer: its drops reach the main isolate once, and are not counted twice", async () => {
  const figures = new WorkerFigures(writerFamily);
  const { client, close } = pair({
    traces: (_batch: TraceRecord[], drops: ForwardedDrops) => {
      figures.reportDrops(1, drops);
      return withDrops(snapshot(), figures.drops());
    },
    writer: (drops: ForwardedDrops) => {
      figures.reportDrops(1, drops);
      return withDrops(snapshot(), figures.drops());
    },
  });
  const writer = new ForwardingWriter(client, limits(1, 1), snapshot());
  try {
    const hold = writer.enqueue(trace(0)); // sent at once; waits for its answer
    assert.equal(hold, true);
    assert.equal(writer.enqueue(trace(1)), false, "over capacity: refused");
    assert.equal(writer.snapshot().rejected, 1, "counted here before the main isolate knows");
    await writer.flush();
    writer.enqueue(trace(2));
    await writer.flush();
    assert.deepEqual(figures.drops(), { queue_full: 1, write_failed: 0, bodies_dropped: 0 });
    const s = writer.snapshot();
    assert.equal(s.rejected, 1, "the main isolate's figure, not that plus this worker's");
    assert.equal(s.dropped_by_reason.queue_full, 1);
  } finally {
    writer.stop();
    close();
  }
});

Deno.test("worker figures: an ended worker's drops and counters stay; its gauges go", () => {
  const figures = new WorkerFigures(writerFamily);
  figures.reportDrops(1, { queue_full: 3, write_failed: 0, bodies_dropped: 1 });
  figures.reportDrops(1, { queue_full: 2, write_failed: 1, bodies_dropped: 1 }); // out of order
  figures.reportDrops(2, { queue_full: 1, write_failed: 0, bodies_dropped: 0 });
  assert.deepEqual(figures.drops(), { queue_full: 4, write_failed: 1, bodies_dropped: 1 });
  figures.remember(1, [
    counter("c", [[["x"], 2]]),
    gauge("g", 7),
    counter("ongoingai_trace_written_total", [[[], 9]]),
  ]);
  figures.retire(1);
  figures.reportDrops(1, { queue_full: 1, write_failed: 0, bodies_dropped: 0 }); // started again
  assert.deepEqual(figures.drops(), { queue_full: 5, write_failed: 1, bodies_dropped: 1 });
  assert.deepEqual(figures.retiredFamilies(), [counter("c", [[["x"], 2]])]);
  assert.equal(figures.lastFamilies(1), null);
});

Deno.test("worker calls: time limits, calls before the handlers, own operations only", async (t) => {
  await t.step("an answer that does not come in time is an RpcTimeoutError", async () => {
    const { client, close } = pair({ never: () => new Promise(() => {}) });
    try {
      await assert.rejects(client.callWithin(30, "never"), RpcTimeoutError);
    } finally {
      close();
    }
  });
  await t.step("a call sent before the handlers exist is answered once they do", async () => {
    const channel = new MessageChannel();
    const handlers: RpcHandlers = {};
    const ready = Promise.withResolvers<void>();
    const server = createRpc(channel.port1, handlers, { handlersReady: ready.promise });
    const client = createRpc(channel.port2, {});
    try {
      const answer = client.call<string>("reload");
      await new Promise((r) => setTimeout(r, 10));
      Object.assign(handlers, { reload: () => "reloaded" });
      ready.resolve();
      assert.equal(await answer, "reloaded");
    } finally {
      server.close();
      client.close();
    }
  });
  await t.step("a name inherited from Object is not an operation", async () => {
    const { client, close } = pair({});
    try {
      await assert.rejects(client.call("toString"), /unknown call between isolates: toString/);
      await assert.rejects(client.call("constructor"), /unknown call/);
    } finally {
      close();
    }
  });
  await t.step("an argument that cannot be copied fails the call at once", async () => {
    const { client, close } = pair({ echo: (v: unknown) => v });
    try {
      await assert.rejects(client.call("echo", () => {}), /could not be cloned/);
      assert.equal(await client.call("echo", 1), 1, "the port still works");
    } finally {
      close();
    }
  });
  await t.step("an answer that cannot be copied arrives as an error", async () => {
    const { client, close } = pair({ fn: () => () => {} });
    try {
      await assert.rejects(client.call("fn"), /could not be cloned/);
    } finally {
      close();
    }
  });
});

Deno.test("coalesced: one send at a time, and only the latest value after it", async () => {
  const sent: number[] = [];
  let release = Promise.withResolvers<void>();
  const send = coalesced(async (v: number) => {
    sent.push(v);
    await release.promise;
  });
  send(1);
  send(2);
  send(3);
  send(4);
  assert.deepEqual(sent, [1]);
  release.resolve();
  release = Promise.withResolvers<void>();
  await new Promise((r) => setTimeout(r, 0));
  assert.deepEqual(sent, [1, 4]);
  release.resolve();
});
