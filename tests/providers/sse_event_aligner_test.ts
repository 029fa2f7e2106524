/**
 * The aligner releases exactly the input, in order, and only ever stops between two events, at
 * every split of recorded transcripts and with LF, CRLF and CR line ends.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { lastEventEnd, SseEventAligner } from "../../src/providers/sse_event_aligner.ts";
import { fixture, lineEndingVariants, splittings } from "./replay.ts";

const dec = new TextDecoder();
const files = [
  "openai/chat_stream_include_usage.sse",
  "openai/responses_stream_incomplete.sse",
  "anthropic/messages_stream_cache.sse",
  "openai/chat_stream_malformed.sse",
];

/**
 * Offsets just after a blank line, for a transcript with one kind of line end. With CRLF, also
 * just before the last LF: a reader takes the CR as the line end and the LF that follows as part
 * of it, so the event is complete there.
 */
function boundaries(text: string, end: string): Set<number> {
  const out = new Set<number>();
  for (let at = text.indexOf(end + end); at !== -1; at = text.indexOf(end + end, at + 1)) {
    out.add(at + 2 * end.length);
    if (end === "\r\n") out.add(at + 3);
  }
  return out;
}

Deno.test("aligner: the same bytes, released only at event boundaries", () => {
  for (const file of files) {
    for (const v of lineEndingVariants(fixture(file))) {
      const end = v.name === "LF" ? "\n" : v.name === "CRLF" ? "\r\n" : "\r";
      const allowed = boundaries(dec.decode(v.bytes), end);
      for (const s of splittings(v.bytes)) {
        const aligner = new SseEventAligner();
        const out: number[] = [];
        for (const p of s.pieces) {
          const released = aligner.push(p);
          if (released === null) continue;
          out.push(...released);
          ok(allowed.has(out.length), `${file} ${v.name} ${s.label}: stopped at ${out.length}`);
        }
        out.push(...(aligner.drain() ?? []));
        deepStrictEqual(new Uint8Array(out), v.bytes, `${file} ${v.name} ${s.label}`);
      }
    }
  }
});

Deno.test("aligner: an event past the bound streams as it comes, then alignment resumes", () => {
  const event = `data: {"x":"${"a".repeat(300)}"}\n\n`;
  const text = new TextEncoder().encode(event + "data: {}\n\n");
  const aligner = new SseEventAligner(100);
  const out: number[] = [];
  const releases: number[] = [];
  for (let at = 0; at < text.length; at += 50) {
    const r = aligner.push(text.subarray(at, at + 50));
    if (r !== null) {
      out.push(...r);
      releases.push(out.length);
    }
  }
  out.push(...(aligner.drain() ?? []));
  deepStrictEqual(new Uint8Array(out), text);
  strictEqual(releases[0], 150, "released once the hold passed 100 bytes");
  strictEqual(releases.at(-1), text.length, "aligned again after the long event");
  strictEqual(releases.includes(event.length + 4), false, "not inside the next event");
});

Deno.test("aligner: boundaries split across reads, with CR, LF and CRLF", () => {
  const b = (s: string) => Array.from(new TextEncoder().encode(s));
  const cases: [string, string, number][] = [
    ["x\n", "\ny", 1],
    ["x\r", "\n\r\ny", 3],
    ["x\r\n\r", "\ny", 1],
    ["x\r", "\ry", 1],
    ["x\n\r", "y", -1],
    ["x", "\n\ndata", 2],
    ["x\r\n", "y", -1],
  ];
  for (const [prev, chunk, expected] of cases) {
    strictEqual(
      lastEventEnd(b(prev).slice(-3), new Uint8Array(b(chunk))),
      expected,
      JSON.stringify([prev, chunk]),
    );
  }
});
