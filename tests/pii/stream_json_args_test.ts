/**
 * Streamed tool-call arguments stay JSON after redaction: for any cutting of the arguments into
 * deltas, what a client joins parses, and parses to the body redactor's result for the whole
 * arguments (`redactJsonText`), on OpenAI Chat Completions, Responses and Anthropic streams, and
 * in the stored copy (`redactSseText`).
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import fc from "fast-check";
import { validateConfig } from "../../src/config/mod.ts";
import { compilePolicies } from "../../src/pii/mod.ts";
import { redactJsonText as redactDocument } from "../../src/pii/redact_json.ts";

/**
 * Tool-call arguments are JSON embedded in a string (`"arguments": "{...}"`), and the body
 * redactor treats embedded JSON as data: its numbers and keys are scanned too. The oracle is the
 * arguments as they come out of a body that carries them.
 */
function redactJsonText(args: string, rules: RedactRules) {
  const r = redactDocument(JSON.stringify({ arguments: args }), rules);
  return { ...r, text: JSON.parse(r.text).arguments as string };
}
import { JsonHeldText } from "../../src/pii/stream/json_held_text.ts";
import { redactSseText } from "../../src/pii/stream/mod.ts";
import type { Counts, RedactRules } from "../../src/pii/types.ts";
import { cutString, enc, parseSse, run, wireFormats } from "./sse_replay.ts";
import { corpus, rules as fixtureRules, values } from "./stream_fixture.ts";

type Shape = "chat" | "responses" | "anthropic";
const shapes: Shape[] = ["chat", "responses", "anthropic"];

/** A stream of one tool call whose arguments arrive as `pieces`. */
function toolCallStream(shape: Shape, pieces: string[]): string {
  const data = (v: unknown, event?: string) =>
    `${event === undefined ? "" : `event: ${event}\n`}data: ${JSON.stringify(v)}\n\n`;
  const whole = pieces.join("");
  if (shape === "chat") {
    const chunk = (delta: unknown, finish: string | null = null) =>
      data({ id: "c", choices: [{ index: 0, delta, finish_reason: finish }] });
    return chunk({
      role: "assistant",
      tool_calls: [{
        index: 0,
        id: "call_1",
        type: "function",
        function: { name: "send", arguments: "" },
      }],
    }) +
      pieces.map((p) => chunk({ tool_calls: [{ index: 0, function: { arguments: p } }] })).join(
        "",
      ) +
      chunk({}, "tool_calls") + "data: [DONE]\n\n";
  }
  if (shape === "responses") {
    const item = { type: "function_call", id: "fc_1", call_id: "call_1", name: "send" };
    const ev = (type: string, v: Record<string, unknown>) => data({ type, ...v }, type);
    return ev("response.output_item.added", { output_index: 0, item: { ...item, arguments: "" } }) +
      pieces.map((delta) =>
        ev("response.function_call_arguments.delta", { item_id: "fc_1", output_index: 0, delta })
      ).join("") +
      ev("response.function_call_arguments.done", {
        item_id: "fc_1",
        output_index: 0,
        arguments: whole,
      }) +
      ev("response.output_item.done", { output_index: 0, item: { ...item, arguments: whole } }) +
      ev("response.completed", { response: { output: [{ ...item, arguments: whole }] } });
  }
  const ev = (type: string, v: Record<string, unknown>) => data({ type, ...v }, type);
  return ev("message_start", { message: { id: "msg_1", content: [] } }) +
    ev("content_block_start", {
      index: 0,
      content_block: { type: "tool_use", id: "toolu_1", name: "send", input: {} },
    }) +
    pieces.map((partial_json) =>
      ev("content_block_delta", {
        index: 0,
        delta: { type: "input_json_delta", partial_json },
      })
    ).join("") +
    ev("content_block_stop", { index: 0 }) +
    ev("message_delta", { delta: { stop_reason: "tool_use" } }) +
    ev("message_stop", {});
}

/** The arguments texts a client reads from a stream: joined deltas, then any complete copies. */
function argumentsSeen(shape: Shape, sse: string): { joined: string; complete: string[] } {
  let joined = "";
  const complete: string[] = [];
  for (const { data } of parseSse(sse)) {
    if (data === "[DONE]") continue;
    const v = JSON.parse(data);
    if (shape === "chat") {
      joined += v.choices?.[0]?.delta?.tool_calls?.[0]?.function?.arguments ?? "";
    } else if (shape === "anthropic") {
      joined += v.delta?.partial_json ?? "";
    } else if (v.type === "response.function_call_arguments.delta") joined += v.delta;
    else if (v.type === "response.function_call_arguments.done") complete.push(v.arguments);
    else if (v.type === "response.output_item.done") complete.push(v.item.arguments);
    else if (v.type === "response.completed") complete.push(v.response.output[0].arguments);
  }
  return { joined, complete };
}

function format(shape: Shape) {
  return wireFormats[shape === "anthropic" ? "anthropic" : "openai"];
}

/** Checks a redacted stream's arguments against the whole-body redaction of `args`. */
function checkArguments(shape: Shape, sse: string, args: string, rules: RedactRules): void {
  const want = JSON.parse(redactJsonText(args, rules).text);
  const { joined, complete } = argumentsSeen(shape, sse);
  let parsed: unknown;
  try {
    parsed = JSON.parse(joined);
  } catch (e) {
    throw new Error(`${shape}: joined arguments are not JSON: ${joined}\n${e}`);
  }
  deepStrictEqual(parsed, want, `${shape}: ${joined}`);
  for (const c of complete) deepStrictEqual(JSON.parse(c), want, `${shape} complete: ${c}`);
}

async function redactStream(shape: Shape, pieces: string[], rules: RedactRules) {
  let counts: Counts = {};
  const input = toolCallStream(shape, pieces);
  const out = await run([enc.encode(input)], {
    ...format(shape),
    rules,
    mode: "redact",
    onCounts: (c) => counts = c,
  });
  const stored = redactSseText(input, { locate: format(shape).locate, rules, mode: "redact" });
  return { out, counts, stored: stored.text };
}

/** In pieces of `size` characters, the way the reported failures were seen. */
function fixedPieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function realRules(): RedactRules {
  const result = validateConfig({
    pii: { mode: "redact_upstream", replacement: { hash_salt: "s" } },
  }, { env: {} });
  ok(result.ok);
  const policies = compilePolicies(result.config.pii, result.config.pii_mode);
  return policies.rulesFor(policies.base, "default");
}

const reported = [
  {
    name: "a phone in a string and a card number as a JSON number",
    args: '{"note":"Call +1 415 555 2671","card":4111111111111111}',
    absent: ["415 555 2671"],
  },
  {
    name: "an address right after a \\n escape",
    args: '{"body":"Regards,\\njane.doe@example.com"}',
    absent: ["jane.doe", "example.com"],
  },
];

for (const shape of shapes) {
  for (const c of reported) {
    Deno.test(`tool-call arguments (${shape}): ${c.name}, in 5-character pieces`, async () => {
      const rules = realRules();
      const { out, stored } = await redactStream(shape, fixedPieces(c.args, 5), rules);
      for (const sse of [out, stored]) {
        checkArguments(shape, sse, c.args, rules);
        for (const value of c.absent) ok(!sse.includes(value), `${value} in ${sse}`);
      }
      const { joined } = argumentsSeen(shape, out);
      ok(!joined.includes("\\["), `no escape is cut: ${joined}`);
    });
  }
}

Deno.test("tool-call arguments: the two reported cases come out as the expected JSON", async () => {
  const rules = realRules();
  const { out } = await redactStream("chat", fixedPieces(reported[1]!.args, 5), rules);
  const body = JSON.parse(argumentsSeen("chat", out).joined).body as string;
  ok(/^Regards,\n\[EMAIL_REDACTED:[0-9a-f]{16}\]$/.test(body), body);
  const first = await redactStream("anthropic", fixedPieces(reported[0]!.args, 5), rules);
  const args = JSON.parse(argumentsSeen("anthropic", first.out).joined);
  ok(/^Call \[PHONE_REDACTED:[0-9a-f]{16}\]$/.test(args.note), args.note);
  // Arguments are data: a card number written as a JSON number goes out as a quoted placeholder.
  ok(/^\[CREDIT_CARD_REDACTED:[0-9a-f]{16}\]$/.test(args.card), String(args.card));
});

// ---- property: arbitrary arguments, arbitrary cuts ------------------------------------------

const texts = fc.oneof(
  fc.constantFrom(...corpus),
  fc.constantFrom(...Object.values(values)),
  fc.constantFrom(
    `Regards,\n${values.email}`,
    `tab\t${values.phone}\ttab`,
    `"quoted" \\ ${values.key}`,
  ),
  fc.string({ maxLength: 12 }),
  // JSON in a string (redacted as JSON by the body redactor).
  fc.constantFrom(values.email, values.phone).map((v) => JSON.stringify({ to: v, password: "x" })),
);

const keys = fc.constantFrom("note", "body", "to", "card", "password", "ssn", "items", "meta");

const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    texts,
    texts,
    fc.constantFrom(4111111111111111, 15551234567, -1.5e3, 0, true, false, null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(keys, tie("value"), { maxKeys: 4 }),
  ),
})).value;

const argumentsText = fc.tuple(
  fc.dictionary(keys, jsonValue, { minKeys: 1, maxKeys: 5 }),
  fc.constantFrom<undefined | number>(undefined, 2),
  fc.boolean(),
).map(([value, indent, escapeAll]) => {
  const text = JSON.stringify(value, null, indent);
  // Escapes the encoder does not write, so that `\uXXXX` and `\/` get cut between pieces too.
  return escapeAll
    ? text.replace(/[\x7f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
      .replace(/\//g, "\\/")
    : text;
});

Deno.test("property: joined tool-call arguments parse to the whole-body redaction, any cuts", async () => {
  await fc.assert(
    fc.asyncProperty(
      argumentsText,
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.constantFrom(...shapes),
      async (args, offsets, shape) => {
        const pieces = cutString(args, offsets);
        const { out, counts, stored } = await redactStream(shape, pieces, fixtureRules);
        checkArguments(shape, out, args, fixtureRules);
        checkArguments(shape, stored, args, fixtureRules);
        if (shape !== "responses") {
          // Responses repeats the arguments whole in three more events.
          deepStrictEqual(counts, redactJsonText(args, fixtureRules).counts);
        }
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("property: JsonHeldText alone, including text cut mid-value", () => {
  fc.assert(
    fc.property(
      argumentsText,
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.nat(),
      (args, offsets, cut) => {
        const text = args.slice(0, cut % (args.length + 1));
        const held = new JsonHeldText(fixtureRules);
        let out = "";
        for (const p of cutString(text, offsets)) out += held.push(p);
        out += held.flush();
        const want = redactJsonText(text, fixtureRules).text;
        if (text === args) deepStrictEqual(JSON.parse(out), JSON.parse(want));
        // Whatever the cut, no raw value goes out.
        for (const v of Object.values(values)) {
          if (!want.includes(v)) ok(!out.includes(v), `${v} in ${out}`);
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("JsonHeldText: text that is not JSON is scanned as text from the first bare word", () => {
  const held = new JsonHeldText(fixtureRules);
  const out = held.push(`{"a": "x", oops ${values.email.slice(0, 6)}`) +
    held.push(`${values.email.slice(6)} }`) + held.flush();
  ok(!out.includes(values.email), out);
  ok(out.includes("[EMAIL_REDACTED:"), out);
});

Deno.test("JsonHeldText: a value under a denied name is one placeholder, never split", () => {
  const held = new JsonHeldText(fixtureRules);
  let out = "";
  for (const p of fixedPieces('{"password":"hunter2 and more","n":{"ssn":123456789}}', 3)) {
    out += held.push(p);
  }
  out += held.flush();
  deepStrictEqual(JSON.parse(out), {
    password: "[FIELD_REDACTED:16]",
    n: { ssn: "[FIELD_REDACTED:9]" },
  });
  deepStrictEqual(held.counts, { field_name: 2 });
});
