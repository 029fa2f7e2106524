import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { createSseRedactor, redactSseText } from "../../src/pii/stream/mod.ts";
import { redactText } from "../../src/pii/redact_text.ts";
import type { Counts } from "../../src/pii/types.ts";
import { fixture, lineEndingVariants, splittings } from "../providers/replay.ts";
import {
  clientView,
  dec,
  enc,
  parseSse,
  run,
  transcripts,
  wireFormats,
  withDeltas,
} from "./sse_replay.ts";
import { nothingRules, rules, values } from "./stream_fixture.ts";

Deno.test("a scan that finds nothing leaves every transcript's client view unchanged", async (t) => {
  for (const { file, format } of transcripts) {
    for (const variant of lineEndingVariants(fixture(file))) {
      await t.step(`${file} (${variant.name})`, async () => {
        const input = dec.decode(variant.bytes);
        const before = clientView(parseSse(input), format.locate);
        for (const { label, pieces } of splittings(variant.bytes)) {
          // Every split for the transcript with multi-byte characters; a sample for the rest.
          const sampled = !file.includes("server_tool") && Number(label.slice(9)) % 7 !== 0;
          if (label.startsWith("split at") && sampled) continue;
          const output = await run(pieces, { ...format, rules: nothingRules, mode: "redact" });
          const after = clientView(parseSse(output), format.locate);
          deepStrictEqual(after.text, before.text, label);
          deepStrictEqual(after.other, before.other, label);
        }
      });
    }
  }
});

Deno.test("an event that does not change passes through as its original bytes", async () => {
  const input = fixture("anthropic/messages_stream_cache.sse");
  const output = await run([input], {
    ...wireFormats.anthropic,
    rules: nothingRules,
    mode: "redact",
  });
  const unchanged = dec.decode(input).split("\n\n").filter((e) =>
    !e.includes("content_block_delta")
  );
  for (const e of unchanged) ok(output.includes(e), e);
});

const piiPieces = [
  "Sure. Write to john.do",
  "e@exam",
  "ple.com or call +1 555 ",
  "123 45",
  "67. Your key is sk-proj-AbCdEf",
  "GhIjKlMnOpQrStUvWx1234 bye",
];
const piiText = piiPieces.join("");
const rawValues = [values.email, values.phone, values.key];

/** Transcripts that carry a text channel, with the PII pieces as their deltas. */
const injected = transcripts.filter(({ file }) => !file.includes("incomplete"))
  .map(({ file, format }) => ({
    file,
    format,
    text: withDeltas(dec.decode(fixture(file)), format.locate, piiPieces),
  }));

/**
 * A cut stream ends inside an event that is no JSON any more; it is checked as plain text, where
 * the fixture's phone pattern also takes its `"created":1763771462` for a phone number.
 */
function expectedCounts(file: string): Counts {
  return {
    email: 1,
    phone: file.includes("_cut") && file.startsWith("openai") ? 2 : 1,
    api_key: 1,
  };
}

function channelOf(view: ReturnType<typeof clientView>): string {
  return Object.values(view.text).find((t) => t.includes("Sure.")) ?? "";
}

Deno.test("PII split across deltas and chunks never reaches the client", async (t) => {
  const expected = redactText(piiText, rules).text;
  for (const { file, format, text } of injected) {
    for (const variant of lineEndingVariants(enc.encode(text))) {
      await t.step(`${file} (${variant.name})`, async () => {
        for (const { label, pieces } of splittings(variant.bytes)) {
          let counts: Counts | null = null;
          const output = await run(pieces, {
            ...format,
            rules,
            mode: "redact",
            onCounts: (c) => counts = c,
          });
          for (const v of rawValues) ok(!output.includes(v), `${label}: ${v} leaked`);
          const view = clientView(parseSse(output), format.locate);
          strictEqual(channelOf(view), expected, label);
          deepStrictEqual(counts, expectedCounts(file), label);
        }
      });
    }
  }
});

Deno.test("held text is sent before the event that closes its channel", async (t) => {
  const closers: Record<string, (e: { event: string | null; data: string }) => boolean> = {
    openai: (e) => /"finish_reason":"[a-z]/.test(e.data) || e.data === "[DONE]",
    anthropic: (e) => e.event === "content_block_stop" || e.event === "message_stop",
  };
  for (const { file, format, text } of injected) {
    await t.step(file, async () => {
      const output = await run([enc.encode(text)], { ...format, rules, mode: "redact" });
      const events = parseSse(output);
      const last = events.findLastIndex((e) => e.data.includes("bye"));
      ok(last >= 0, "the last piece arrives");
      const isCloser = file.startsWith("openai") ? closers.openai! : closers.anthropic!;
      const firstClose = events.findIndex(isCloser);
      // A cut transcript may have no close event at all: the end of the stream flushes.
      if (firstClose >= 0 && !file.includes("responses")) {
        ok(last < firstClose, `${last} < ${firstClose}`);
      }
      if (file.includes("responses")) {
        const done = events.findIndex((e) => e.event === "response.output_text.done");
        ok(last < done, `${last} < ${done}`);
      }
      // The copy carries the held text only: no second role, no repeated tool call identity.
      strictEqual(events[last]!.data.includes('"role"'), false);
    });
  }
});

Deno.test("a cut stream (no close event) still flushes its held text at the end", async () => {
  const { format, text } = injected.find((i) => i.file === "openai/chat_stream_cut.sse")!;
  const output = await run([enc.encode(text)], { ...format, rules, mode: "redact" });
  ok(output.trimEnd().endsWith('"finish_reason":'), "the unterminated tail stays last");
  strictEqual(
    channelOf(clientView(parseSse(output), format.locate)),
    redactText(piiText, rules).text,
  );
});

Deno.test("block mode sends the wire format's error event and no byte of the value", async (t) => {
  for (const { file, format, text } of injected) {
    await t.step(file, async () => {
      for (const { label, pieces } of splittings(enc.encode(text))) {
        let blocked: Counts | null = null;
        const output = await run(pieces, {
          ...format,
          rules,
          mode: "block",
          onBlocked: (c) => blocked = c,
        });
        for (const fragment of ["john", "exam", "555", "AbCd"]) {
          ok(!output.includes(fragment), `${label}: ${fragment} leaked`);
        }
        deepStrictEqual(blocked, { email: 1 }, label);
        const events = parseSse(output);
        const last = events.at(-1)!;
        if (file.startsWith("anthropic")) {
          strictEqual(last.event, "error");
          strictEqual(JSON.parse(last.data).error.type, "permission_error");
        } else {
          strictEqual(JSON.parse(last.data).error.code, "pii_blocked");
        }
        ok(last.data.includes("email") && !last.data.includes("@"), last.data);
      }
    });
  }
});

Deno.test("complete strings are redacted whole, denied members replaced", async () => {
  const input = [
    `event: response.output_text.done`,
    `data: {"type":"response.output_text.done","item_id":"m","content_index":0,"text":"mail ${values.email}","password":"hunter2","n":{"ssn":123}}`,
    ``,
    `data: plain text with ${values.phone} in it`,
    ``,
    ``,
  ].join("\n");
  let counts: Counts | null = null;
  const output = await run([enc.encode(input)], {
    ...wireFormats.openai,
    rules,
    mode: "redact",
    onCounts: (c) => counts = c,
  });
  const events = parseSse(output);
  deepStrictEqual(JSON.parse(events[0]!.data), {
    type: "response.output_text.done",
    item_id: "m",
    content_index: 0,
    text: "mail [EMAIL_REDACTED:20]",
    password: "[FIELD_REDACTED:7]",
    n: { ssn: "[FIELD_REDACTED:3]" },
  });
  strictEqual(events[1]!.data, "plain text with [PHONE_REDACTED:15] in it");
  deepStrictEqual(counts, { email: 1, field_name: 2, phone: 1 });
});

Deno.test("redactSseText gives the streamed result for a captured body", async () => {
  for (const { file, format, text } of injected) {
    const streamed = await run([enc.encode(text)], { ...format, rules, mode: "redact" });
    const stored = redactSseText(text, { ...format, rules, mode: "redact" });
    strictEqual(stored.text, streamed);
    strictEqual(stored.changed, true);
    deepStrictEqual(stored.counts, expectedCounts(file));
  }
  const clean = dec.decode(fixture("anthropic/messages_stream_error.sse"));
  const same = redactSseText(clean, { ...wireFormats.anthropic, rules, mode: "redact" });
  strictEqual(same.changed, false);
});

Deno.test("the copy that carries held text leaves out role and tool call identity", async () => {
  const first = {
    choices: [{
      index: 0,
      delta: {
        role: "assistant",
        tool_calls: [{
          index: 0,
          id: "call_1",
          type: "function",
          function: { name: "f", arguments: '{"a":"x y' },
        }],
      },
      finish_reason: null,
    }],
  };
  const input = `data: ${
    JSON.stringify(first)
  }\n\ndata: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n`;
  const out = await run([enc.encode(input)], { ...wireFormats.openai, rules, mode: "redact" });
  const events = parseSse(out).map((e) => JSON.parse(e.data));
  deepStrictEqual(events[1], {
    choices: [{
      index: 0,
      delta: { tool_calls: [{ index: 0, function: { arguments: "y" } }] },
      finish_reason: null,
    }],
  });
  strictEqual(events[2].choices[0].finish_reason, "stop");
});

Deno.test("counts are reported once when the client goes away mid-stream", async () => {
  const reports: Counts[] = [];
  const redactor = createSseRedactor({
    ...wireFormats.openai,
    rules,
    mode: "redact",
    onCounts: (c) => reports.push(c),
  });
  const writer = redactor.writable.getWriter();
  const reader = redactor.readable.getReader();
  const event = { choices: [{ index: 0, delta: { content: `mail ${values.email} and more` } }] };
  // Not awaited first: the write completes only once the output is read (backpressure).
  const written = writer.write(enc.encode(`data: ${JSON.stringify(event)}\n\n`));
  const first = dec.decode((await reader.read()).value);
  await written;
  ok(first.includes("[EMAIL_REDACTED:20]") && !first.includes(values.email), first);
  await reader.cancel();
  await writer.abort().catch(() => {});
  deepStrictEqual(reports, [{ email: 1 }]);
});

Deno.test("audio transcripts are joined before scanning (Chat Completions and Responses)", async () => {
  const pieces = ["Mail john.do", "e@exam", "ple.com now"];
  const whole = redactText(pieces.join(""), rules).text;
  const chat = pieces.map((transcript, i) =>
    `data: ${
      JSON.stringify({
        choices: [{
          index: 0,
          delta: { audio: { ...(i === 0 && { id: "audio_1" }), transcript, data: `AUD${i}` } },
          finish_reason: null,
        }],
      })
    }\n\n`
  ).join("") +
    `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n` +
    "data: [DONE]\n\n";
  const chatOut = await run([enc.encode(chat)], { ...wireFormats.openai, rules, mode: "redact" });
  let transcript = "";
  let audio = "";
  for (const { data } of parseSse(chatOut)) {
    if (data === "[DONE]") continue;
    const a = JSON.parse(data).choices[0].delta.audio;
    transcript += a?.transcript ?? "";
    audio += a?.data ?? "";
  }
  strictEqual(transcript, whole);
  strictEqual(audio, "AUD0AUD1AUD2", "held text is sent without repeating the audio");

  const ev = (type: string, v: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...v })}\n\n`;
  const responses =
    pieces.map((delta, i) => ev("response.audio.transcript.delta", { delta, sequence_number: i }))
      .join("") +
    ev("response.audio.transcript.done", { sequence_number: 9 }) +
    ev("response.completed", { response: {} });
  const out = await run([enc.encode(responses)], { ...wireFormats.openai, rules, mode: "redact" });
  const events = parseSse(out).map((e) => JSON.parse(e.data));
  strictEqual(
    events.filter((e) => e.type === "response.audio.transcript.delta").map((e) => e.delta).join(
      "",
    ),
    whole,
  );
  ok(events.findIndex((e) => e.type === "response.audio.transcript.done") > 0);
});

Deno.test("onFound reports new findings as they go out; their sum is what onCounts gets", async () => {
  const found: Counts[] = [];
  let once: Counts = {};
  const redactor = createSseRedactor({
    ...wireFormats.openai,
    rules,
    mode: "redact",
    onFound: (c) => found.push(c),
    onCounts: (c) => once = c,
  });
  const writer = redactor.writable.getWriter();
  const reader = redactor.readable.getReader();
  const event = (content: string) =>
    enc.encode(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content } }] })}\n\n`);
  const w1 = writer.write(event(`mail ${values.email} and `));
  await reader.read();
  await w1;
  deepStrictEqual(found, [{ email: 1 }], "reported before the stream ends");
  const w2 = writer.write(event(`${values.email2} and ${values.key} `));
  await reader.read();
  await w2;
  const w3 = writer.close();
  while (!(await reader.read()).done) { /* drain */ }
  await w3;
  // The key ends the text, so it is held (and counted) until the end.
  deepStrictEqual(found, [{ email: 1 }, { email: 1 }, { api_key: 1 }]);
  deepStrictEqual(once, { email: 2, api_key: 1 });
});
