/**
 * A routed stream before its commit point: what each upstream script comes to (commit with the
 * held bytes verbatim, or the failure the loop may fail over from), in both commit modes.
 */
import assert from "node:assert/strict";
import type { Exchange } from "../../src/proxy/exchange.ts";
import type { ProxyRoute } from "../../src/proxy/mod.ts";
import { providerAdapters } from "../../src/providers/mod.ts";
import type { AttemptOutcome, ResolvedRoute } from "../../src/routing/mod.ts";
import type { UpstreamResponse } from "../../src/upstream/mod.ts";
import { AttemptSignal } from "../../src/proxy/route_attempt.ts";
import { commitScanner, holdUntilCommit } from "../../src/proxy/route_stream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  `data: ${
    JSON.stringify({
      id: "c",
      object: "chat.completion.chunk",
      model: "m",
      choices: [{ index: 0, delta, finish_reason: finish }],
    })
  }\n\n`;
const role = chunk({ role: "assistant", content: "" });
const content = chunk({ content: "hi" });
const stop = chunk({}, "stop");
const done = "data: [DONE]\n\n";
const inBand = `data: ${
  JSON.stringify({ error: { message: "overloaded", type: "server_error" } })
}\n\n`;

/** An upstream answering `parts` in order; "CUT" throws as a broken body does. */
function upstream(parts: string[]): UpstreamResponse {
  return {
    status: 200,
    statusText: "OK",
    headers: [["content-type", "text/event-stream"]],
    decoded: true,
    read() {
      const p = parts.shift();
      if (p === undefined) return Promise.resolve(null);
      if (p === "CUT") return Promise.reject(new Error("connection reset"));
      return Promise.resolve(enc.encode(p));
    },
    bytes: () => Promise.reject(new Error("not used")),
    cancel() {},
  };
}

const ex = { upstreamPath: "/v1/chat/completions", req: { method: "POST" } } as Exchange;
const route = { adapter: providerAdapters.openai } as ProxyRoute;
const policy = (mode: "first_content" | "complete") =>
  ({ streamCommit: mode, maxBufferBytes: 1 << 20 }) as ResolvedRoute;
const limits = {
  connectMs: null,
  firstByteMs: null,
  firstTokenMs: null,
  idleMs: null,
  totalMs: null,
};

type Want = { commit: string } | AttemptOutcome;

Deno.test("holdUntilCommit: each script's outcome in both modes", async () => {
  const cut = (reason: string) => ({ kind: "failed_before_commit", reason });
  const rows: [string, "first_content" | "complete", string[], Want][] = [
    ["content commits", "first_content", [role, content, stop, done], { commit: role + content }],
    ["cut before content", "first_content", [role, "CUT"], cut("cut") as Want],
    ["end before content", "first_content", [role], cut("unclean_end") as Want],
    ["in-band error", "first_content", [role, inBand], cut("in_band_error") as Want],
    ["complete: cut after content", "complete", [role, content, "CUT"], cut("cut") as Want],
    ["complete: whole", "complete", [role, content, stop, done], {
      commit: role + content + stop + done,
    }],
  ];
  for (const [name, mode, parts, want] of rows) {
    const up = upstream([...parts]);
    const held = commitScanner(ex, route, policy(mode), up, "m", true)!;
    const signal = new AttemptSignal(new AbortController().signal, null);
    const got = await holdUntilCommit(held, { upstream: up, signal }, limits);
    signal.close();
    if ("commit" in want) {
      assert.equal(got, null, name);
      assert.equal(dec.decode(held.released!), want.commit, name);
    } else {
      assert.equal(got?.kind, want.kind, name);
      assert.equal((got as { reason?: string }).reason, (want as { reason?: string }).reason, name);
    }
  }
});

Deno.test("holdUntilCommit: a silent preamble is a first-token timeout", async () => {
  const signal = new AttemptSignal(new AbortController().signal, null);
  const up = upstream([]);
  let sent = false;
  // Like the real clients: a read waiting on a silent upstream rejects when the signal aborts.
  up.read = () => {
    if (!sent) return (sent = true, Promise.resolve(enc.encode(role)));
    return new Promise((_, reject) =>
      signal.signal.addEventListener("abort", () => reject(signal.signal.reason))
    );
  };
  const held = commitScanner(ex, route, policy("first_content"), up, "m", true)!;
  const got = await holdUntilCommit(held, { upstream: up, signal }, {
    ...limits,
    firstTokenMs: 20,
  });
  signal.close();
  assert.deepEqual(got, { kind: "timeout", phase: "first_token" });
  assert.equal(held.released, null, "nothing reached the client");
});
