import assert from "node:assert/strict";
import { BodyCapture, type BodySource, type TapOutcome, tapStream } from "../../src/proxy/tap.ts";

const enc = new TextEncoder();

function source(chunks: string[], failAfter?: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (failAfter !== undefined && i >= failAfter) {
        return c.error(new TypeError("connection reset"));
      }
      const next = chunks[i++];
      if (next === undefined) c.close();
      else c.enqueue(enc.encode(next));
    },
  });
}

/** A ReadableStream as a body source, the shape of the upstream client's response. */
function fromStream(stream: ReadableStream<Uint8Array>): BodySource {
  const reader = stream.getReader();
  return {
    read: async () => {
      const r = await reader.read();
      return r.done ? null : r.value;
    },
    cancel: () => void reader.cancel().catch(() => {}),
  };
}

function recorder() {
  const seen: string[] = [];
  const outcomes: TapOutcome[] = [];
  return {
    seen,
    outcomes,
    sink: {
      reading: () => {},
      chunk: (c: Uint8Array) => void seen.push(new TextDecoder().decode(c)),
      end: (o: TapOutcome) => void outcomes.push(o),
    },
  };
}

Deno.test("tap passes every chunk through unchanged and reports completion once", async () => {
  const r = recorder();
  const out = await new Response(
    tapStream(fromStream(source(["data: a\n\n", "data: b\n\n"])), r.sink),
  ).text();
  assert.equal(out, "data: a\n\ndata: b\n\n");
  assert.deepEqual(r.seen, ["data: a\n\n", "data: b\n\n"]);
  assert.deepEqual(r.outcomes, [{ kind: "complete" }]);
});

Deno.test("tap turns an upstream break into a client error, never a clean end", async () => {
  const r = recorder();
  const reader = tapStream(fromStream(source(["one", "two", "three"], 2)), r.sink).getReader();
  assert.equal((await reader.read()).done, false);
  assert.equal((await reader.read()).done, false);
  await assert.rejects(reader.read(), TypeError);
  assert.equal(r.outcomes.length, 1);
  assert.equal(r.outcomes[0]!.kind, "upstream_error");
});

Deno.test("tap reports a client cancel and cancels the upstream", async () => {
  let upstreamCancelled = false;
  const upstream = new ReadableStream<Uint8Array>({
    pull(c) {
      c.enqueue(enc.encode("x"));
    },
    cancel() {
      upstreamCancelled = true;
    },
  });
  const r = recorder();
  const reader = tapStream(fromStream(upstream), r.sink).getReader();
  await reader.read();
  await reader.cancel("client went away");
  assert.deepEqual(r.outcomes, [{ kind: "client_aborted" }]);
  assert.equal(upstreamCancelled, true);
});

Deno.test("tap does not read ahead of the client (backpressure)", async () => {
  let pulls = 0;
  const upstream = new ReadableStream<Uint8Array>({
    pull(c) {
      pulls++;
      c.enqueue(enc.encode("x"));
    },
  }, { highWaterMark: 0 });
  const reader = tapStream(fromStream(upstream), recorder().sink).getReader();
  await reader.read();
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(pulls <= 2, `pulled ${pulls} chunks for one read`);
  await reader.cancel();
});

Deno.test("BodyCapture keeps the first max bytes and marks truncation", () => {
  const table: [string[], number, string, boolean][] = [
    [["abcdef"], 4, "abcd", true],
    [["ab", "cd"], 4, "abcd", false],
    [["ab", "cd", "e"], 4, "abcd", true],
    [["data: hello\n\n", "data: world\n\n"], 16, "data: hello\n\ndat", true],
    [[], 4, "", false],
  ];
  for (const [chunks, max, want, truncated] of table) {
    const c = new BodyCapture(max);
    for (const s of chunks) c.add(enc.encode(s));
    assert.equal(new TextDecoder().decode(c.bytes()), want);
    assert.equal(c.truncated, truncated);
  }
});

Deno.test("BodyCapture keeps a UTF-8 character split across chunks, and cuts none at the cap", () => {
  const bytes = enc.encode("héllo");
  const c = new BodyCapture(100);
  c.add(bytes.subarray(0, 2));
  c.add(bytes.subarray(2));
  assert.equal(new TextDecoder().decode(c.bytes()), "héllo");
  const capped = new BodyCapture(2); // "h" and the first byte of "é"
  capped.add(bytes);
  assert.deepStrictEqual(capped.bytes(), enc.encode("h"));
  assert.equal(capped.truncated, true);
});

Deno.test("tap waits for the side path before the next upstream read (backpressure)", async () => {
  const reads: number[] = [];
  let n = 0;
  const src: BodySource = {
    read: () => {
      reads.push(n);
      return Promise.resolve(n < 3 ? enc.encode(`chunk ${n++}`) : null);
    },
    cancel: () => {},
  };
  const pending: (() => void)[] = [];
  const stream = tapStream(src, {
    reading: () => {},
    // A slow decoder: each chunk is "decoded" when the test says so.
    chunk: () => new Promise<void>((resolve) => pending.push(resolve)),
    end: () => {},
  });
  const reader = stream.getReader();
  // The client gets the chunk at once, before the side path is done with it...
  assert.equal(new TextDecoder().decode((await reader.read()).value), "chunk 0");
  const next = reader.read();
  await new Promise((r) => setTimeout(r, 10));
  // ...but the upstream is not read again until it is.
  assert.equal(reads.length, 1);
  pending.shift()!();
  assert.equal(new TextDecoder().decode((await next).value), "chunk 1");
  assert.equal(reads.length, 2);
  for (const resolve of pending.splice(0)) resolve();
  await reader.cancel();
});

Deno.test("BodyCapture.cut marks a capture the rest of the body will not reach", () => {
  const capture = new BodyCapture(100);
  capture.add(enc.encode("partial"));
  assert.equal(capture.truncated, false);
  capture.cut();
  assert.equal(capture.truncated, true);
  assert.equal(new TextDecoder().decode(capture.bytes()), "partial");
});
