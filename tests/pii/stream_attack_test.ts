/**
 * The streamed-response redactor under attack: an upstream (hostile, or a compromised provider)
 * shapes its stream to make the redactor hold without bound, rescan quadratically, or let a value
 * out. Each test is a reproduction that failed before the fix named in it; the costs are counted
 * (characters scanned, text held), never timed.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { builtinDetectorNames, builtinDetectors, createScan } from "../../src/pii/detectors/mod.ts";
import { redactJsonText } from "../../src/pii/redact_json.ts";
import { HeldText } from "../../src/pii/stream/held_text.ts";
import { JsonHeldText } from "../../src/pii/stream/json_held_text.ts";
import { SseRedactorEngine, type SseRedactorOptions } from "../../src/pii/stream/mod.ts";
import { anthropicAdapter, openAiAdapter } from "../../src/providers/mod.ts";
import type { RedactRules, Scan } from "../../src/pii/types.ts";

const scan = createScan(builtinDetectorNames.map((n) => builtinDetectors[n]));
const placeholder = (type: string) => `[${type}]`;
const rules: RedactRules = { scan, isDeniedField: (n) => n === "password", placeholder };
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A scan that counts the characters it was given. */
function counting(): { scan: Scan; chars: () => number } {
  let chars = 0;
  return {
    scan: (t) => {
      chars += t.length;
      return scan(t);
    },
    chars: () => chars,
  };
}

Deno.test("attack: digit groups in 2-character pieces are scanned a bounded number of times each", () => {
  // Before: the held groups were kept at exactly `maxHold`, so every piece crossed the bound
  // again and forced a scan of 4 KiB: 20,000 pieces cost 76 M characters scanned (30 s).
  for (const piece of ["1 ", "1-", "12 ", "a ", "x", "@", "a@", "1.", "\u00A01"]) {
    const c = counting();
    const held = new HeldText({ scan: c.scan, placeholder });
    let input = 0;
    for (let i = 0; i < 20_000; i++) {
      held.push(piece);
      input += piece.length;
      ok(held.held <= 4096, `${JSON.stringify(piece)}: held ${held.held}`);
    }
    held.flush();
    ok(c.chars() <= 80 * input, `${JSON.stringify(piece)}: ${c.chars()} scanned for ${input}`);
  }
});

Deno.test("attack: a tool-call string of endless blanks is streamed, not held whole", () => {
  // Before: a string value whose first non-blank character had not come was held whole and
  // re-trimmed on every piece (quadratic, unbounded).
  const held = new JsonHeldText(rules);
  let out = held.push('{"a":"');
  for (let i = 0; i < 1000; i++) out += held.push(" ".repeat(100));
  ok(held.held <= 4096 + 100, `held ${held.held}`);
  out += held.push('jane@example.com"}') + held.flush();
  deepStrictEqual(JSON.parse(out), { a: " ".repeat(100_000) + "[EMAIL]" });
});

Deno.test("attack: a member name in streamed tool-call arguments is redacted like the .done event", () => {
  // Before: names passed as they came, so `{"jane@example.com": …}` reached the client in the
  // deltas while the `.done` event (redacted whole) had a placeholder.
  const args = '{"jane.doe@example.com": {"card 4111 1111 1111 1111": "ok"}, "n": 1}';
  const whole = JSON.parse(redactJsonText(JSON.stringify(args), rules).text) as string;
  for (const size of [1, 2, 3, 7, args.length]) {
    const held = new JsonHeldText(rules);
    let out = "";
    for (let i = 0; i < args.length; i += size) out += held.push(args.slice(i, i + size));
    out += held.flush();
    strictEqual(out, whole, `pieces of ${size}`);
    ok(!out.includes("jane") && !out.includes("4111"), out);
  }
});

Deno.test("attack: an endless member name is bounded and still redacted", () => {
  const held = new JsonHeldText(rules);
  let out = held.push('{"');
  for (let i = 0; i < 1000; i++) out += held.push("k".repeat(100));
  ok(held.held <= 4096 + 100, `held ${held.held}`);
  out += held.push(' jane@example.com": 1}') + held.flush();
  ok(!out.includes("jane@example.com"), "the value in the name is redacted");
  deepStrictEqual(Object.values(JSON.parse(out)), [1]);
});

Deno.test("attack: nesting deeper than 512 is scanned as text, values still redacted", () => {
  const held = new JsonHeldText(rules);
  let out = "";
  for (let i = 0; i < 2000; i++) out += held.push("[[[[[");
  out += held.push('"jane@example.com"') + held.flush();
  ok(!out.includes("jane@example.com"));
  ok(out.startsWith("[".repeat(10_000)));
});

function engine(
  adapter: typeof openAiAdapter,
  extra: Partial<SseRedactorOptions> = {},
): { e: SseRedactorEngine; stops: string[] } {
  const stops: string[] = [];
  const e = new SseRedactorEngine({
    locate: adapter.locateStreamText!,
    ...(adapter.streamError && { streamError: adapter.streamError }),
    rules,
    mode: "redact",
    onStopped: (code) => stops.push(code),
    ...extra,
  });
  return { e, stops };
}

const anthropicDelta = (index: number, text: string) =>
  `event: content_block_delta\ndata: ${
    JSON.stringify({ type: "content_block_delta", index, delta: { type: "text_delta", text } })
  }\n\n`;

Deno.test("attack: a channel per event is stopped at 1024 open channels, nothing held goes out", () => {
  // Before: every new `index` opened a channel holding its text and last event (unbounded), and
  // every event walked all channels (quadratic: 20,000 indices took 23 s).
  const { e, stops } = engine(anthropicAdapter);
  let out = "";
  for (let i = 0; i < 3000 && !e.stopped; i++) {
    for (const b of e.push(enc.encode(anthropicDelta(i, `secret${i}jane@example.com`)))) {
      out += dec.decode(b);
    }
  }
  ok(e.stopped, "stopped");
  deepStrictEqual(stops, ["pii_stream_too_many_channels"]);
  ok(out.includes("event: error"), "the client sees Anthropic's error event");
  ok(!out.includes("jane@example.com") && !out.includes("secret1"), "held text never sent");
});

Deno.test("attack: held text over the stream's budget stops it with an error", () => {
  // Open PEM blocks are held whole (up to 64 KiB each): 200 of them hold 12 MiB.
  const { e, stops } = engine(anthropicAdapter, { maxHeldTotal: 256 * 1024 });
  const pem = "-----BEGIN PRIVATE KEY-----\n" + "A".repeat(8000);
  let out = "";
  for (let i = 0; i < 200 && !e.stopped; i++) {
    for (const b of e.push(enc.encode(anthropicDelta(i, pem)))) out += dec.decode(b);
  }
  deepStrictEqual(stops, ["pii_stream_too_large"]);
  ok(!out.includes("AAAAAAAA"), "no key material sent");
});

Deno.test("attack: an event over maxEventBytes is stopped and reported for the trace", () => {
  const { e, stops } = engine(openAiAdapter, { maxEventBytes: 64 * 1024 });
  let out = "";
  const line = enc.encode("data: " + "x".repeat(16 * 1024));
  for (let i = 0; i < 10 && !e.stopped; i++) for (const b of e.push(line)) out += dec.decode(b);
  deepStrictEqual(stops, ["pii_event_too_large"]);
  ok(out.includes("pii_event_too_large") && !out.includes("xxxx"));
});

Deno.test("attack: a value cut at every byte of its events gives one redacted stream", () => {
  const value = "jane\u200B.doe\uFF20example.com 4111\u00A01111\u00A01111\u00A01111";
  const events =
    [...value].map((ch, i) =>
      `data: ${
        JSON.stringify({ id: "c", choices: [{ index: 0, delta: { content: ch } }] })
      }\r\n\r\n` +
      (i === 0 ? ": keep-alive\r\n\r\n" : "")
    ).join("") + "data: [DONE]\r\n\r\n";
  const bytes = enc.encode(events);
  const run = (cuts: number[]) => {
    const { e } = engine(openAiAdapter);
    let out = "";
    let from = 0;
    for (const c of [...cuts, bytes.length]) {
      for (const b of e.push(bytes.subarray(from, c))) out += dec.decode(b);
      from = c;
    }
    for (const b of e.end()) out += dec.decode(b);
    return out;
  };
  const text = (sse: string) =>
    sse.split(/\r\n\r\n/).flatMap((ev) => {
      const m = /^data: (\{.*\})$/m.exec(ev);
      return m ? [JSON.parse(m[1]!).choices[0].delta.content as string] : [];
    }).join("");
  const whole = text(run([]));
  strictEqual(whole, "[EMAIL] [CREDIT_CARD]");
  for (let cut = 1; cut < bytes.length; cut++) strictEqual(text(run([cut])), whole, `cut ${cut}`);
});

Deno.test("attack: a stored stream the engine stops on is redacted as text, not kept as it came", async () => {
  // Before: a stop by a bound before anything was emitted left no counts, and the stored copy
  // was the original text, the held values in it unredacted.
  const { redactSseText } = await import("../../src/pii/stream/mod.ts");
  let sse = "";
  for (let i = 0; i < 1100; i++) sse += anthropicDelta(i, `mail jane${i}@example.com`);
  const r = redactSseText(sse, {
    locate: anthropicAdapter.locateStreamText!,
    rules,
    mode: "redact",
  });
  ok(r.changed);
  ok(!/jane\d+@example\.com/.test(r.text), "no address stored");
  strictEqual((r.counts.email ?? 0) >= 1100, true);
});

Deno.test("attack: a value split between content_block_start's text and the next delta is redacted", () => {
  // Anthropic's `content_block_start` carries the block with an empty `text` (or `thinking`);
  // an upstream that puts the first half of a value there must not get it past the redactor.
  const { e } = engine(anthropicAdapter);
  const start = (block: Record<string, unknown>) =>
    `event: content_block_start\ndata: ${
      JSON.stringify({ type: "content_block_start", index: 0, content_block: block })
    }\n\n`;
  let out = "";
  const events = [
    start({ type: "text", text: "mail jane.doe@exa" }),
    anthropicDelta(0, "mple.com now"),
    `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
  ];
  for (const ev of events) for (const b of e.push(enc.encode(ev))) out += dec.decode(b);
  for (const b of e.end()) out += dec.decode(b);
  ok(!out.includes("jane.doe@exa") && !out.includes("jane.doe"), out);
  ok(out.includes("content_block_start") && out.includes("mple.com") === false, out);
});
