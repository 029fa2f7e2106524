import { ok, strictEqual } from "node:assert/strict";
import fc from "fast-check";
import { redactText } from "../../src/pii/redact_text.ts";
import { cut } from "../providers/replay.ts";
import { clientView, cutString, enc, parseSse, run, wireFormats } from "./sse_replay.ts";
import { corpus, rules, values } from "./stream_fixture.ts";

type Ev =
  | { kind: "delta"; choice: number; text: string }
  | { kind: "finish"; choice: number }
  | { kind: "comment" }
  | { kind: "text"; text: string }
  | { kind: "done" };

/** Deltas that are pieces of corpus sentences, so values are split at random places. */
const deltas: fc.Arbitrary<Ev[]> = fc.tuple(
  fc.constantFrom(...corpus),
  fc.array(fc.nat(), { maxLength: 8 }),
  fc.nat(1),
).map(([text, offsets, choice]) =>
  cutString(text + " ", offsets).map((piece) => ({ kind: "delta" as const, choice, text: piece }))
);

const other = fc.oneof<fc.Arbitrary<Ev[]>[]>(
  fc.nat(1).map((choice) => [{ kind: "finish" as const, choice }]),
  fc.constant<Ev[]>([{ kind: "comment" }]),
  fc.constantFrom(...corpus).map((
    text,
  ) => [{ kind: "text" as const, text: text.replace(/\n/g, " ") }]),
  fc.constant<Ev[]>([{ kind: "done" }]),
);

const stream = fc.array(fc.oneof(deltas, deltas, other), { maxLength: 8 }).map((groups) =>
  groups.flat()
);

function render(e: Ev, nl: string): string {
  const chunk = (choice: unknown) => `data: ${JSON.stringify({ id: "c", choices: [choice] })}`;
  switch (e.kind) {
    case "delta":
      return chunk({ index: e.choice, delta: { content: e.text }, finish_reason: null }) + nl + nl;
    case "finish":
      return chunk({ index: e.choice, delta: {}, finish_reason: "stop" }) + nl + nl;
    case "comment":
      return `: keep-alive${nl}${nl}`;
    case "text":
      return `data: ${e.text}${nl}${nl}`;
    default:
      return `data: [DONE]${nl}${nl}`;
  }
}

/** Per choice, the one-shot redaction of each stretch of text between closes. */
function expectedText(events: Ev[]): Record<string, string> {
  const open: Record<number, string> = {};
  const out: Record<string, string> = {};
  const close = (choice: number) => {
    if (open[choice] === undefined) return;
    const key = `choices/${choice}/content`;
    out[key] = (out[key] ?? "") + redactText(open[choice], rules).text;
    delete open[choice];
  };
  for (const e of events) {
    if (e.kind === "delta") open[e.choice] = (open[e.choice] ?? "") + e.text;
    if (e.kind === "finish") close(e.choice);
    if (e.kind === "done") [0, 1].forEach(close);
  }
  [0, 1].forEach(close);
  return out;
}

Deno.test("property: the output is the same however the input bytes are chunked", async () => {
  const opts = { ...wireFormats.openai, rules, mode: "redact" as const };
  await fc.assert(
    fc.asyncProperty(
      stream,
      fc.constantFrom("\n", "\r\n", "\r"),
      fc.array(fc.nat(), { maxLength: 30 }),
      async (events, nl, offsets) => {
        const input = enc.encode(events.map((e) => render(e, nl)).join(""));
        const whole = await run([input], opts);
        const chunked = await run(cut(input, offsets), opts);
        strictEqual(chunked, whole);
        const view = clientView(parseSse(whole), opts.locate);
        const want = expectedText(events);
        for (const [channel, text] of Object.entries(want)) {
          strictEqual(view.text[channel] ?? "", text, channel);
        }
        for (const v of Object.values(values)) ok(!whole.includes(v), `${v} leaked`);
      },
    ),
    { numRuns: 300 },
  );
});
