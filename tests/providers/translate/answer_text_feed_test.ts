/**
 * `AnswerTextFeed`: every recorded SSE answer of the translation cells fed in small pieces gives,
 * piece by piece, the same text `summarizeAnswer` reads from the whole; no SSE stream, no feed;
 * an unreadable event stops the feed without throwing.
 */
import assert from "node:assert/strict";
import {
  AnswerTextFeed,
  type Protocol,
  summarizeAnswer,
} from "../../../src/providers/translate/mod.ts";

const cellsRoot = new URL("../../testdata/translate/cells/", import.meta.url).pathname;
const sse = "text/event-stream; charset=utf-8";

function* recordedStreams(): Generator<{ label: string; protocol: Protocol; bytes: Uint8Array }> {
  for (const cell of Deno.readDirSync(cellsRoot)) {
    if (!cell.isDirectory) continue;
    const [client, column] = cell.name.split("__") as [Protocol, string];
    const upstream = column.replace("openai-compatible", "openai") as Protocol;
    for (const c of Deno.readDirSync(`${cellsRoot}${cell.name}`)) {
      if (!c.isDirectory) continue;
      for (
        const [file, protocol] of [
          ["upstream_response.sse", upstream],
          ["client_response.sse", client],
        ] as const
      ) {
        const path = `${cellsRoot}${cell.name}/${c.name}/${file}`;
        let bytes: Uint8Array;
        try {
          bytes = Deno.readFileSync(path);
        } catch {
          continue;
        }
        yield { label: `${cell.name}/${c.name}/${file}`, protocol, bytes };
      }
    }
  }
}

Deno.test("AnswerTextFeed: pieces of every recorded SSE answer add up to its summary's text", () => {
  let checked = 0;
  for (const r of recordedStreams()) {
    if (r.protocol === "bedrock.converse") continue;
    const feed = AnswerTextFeed.of(r.protocol, sse);
    assert.ok(feed, r.label);
    let text = "";
    for (let at = 0; at < r.bytes.length; at += 7) text += feed.push(r.bytes.subarray(at, at + 7));
    const whole = summarizeAnswer({
      protocol: r.protocol,
      contentType: sse,
      bytes: r.bytes,
      truncated: false,
    });
    if (!whole.text_truncated && whole.error === null) assert.equal(text, whole.text, r.label);
    checked++;
  }
  assert.ok(checked > 50, `only ${checked} recorded streams`);
});

Deno.test("AnswerTextFeed: only SSE streams get one; a broken event stops it quietly", () => {
  assert.equal(AnswerTextFeed.of("bedrock.converse", "application/vnd.amazon.eventstream"), null);
  assert.equal(AnswerTextFeed.of("openai.chat", "application/json"), null);
  assert.equal(AnswerTextFeed.of(null, sse), null);
  const feed = AnswerTextFeed.of("openai.chat", sse)!;
  const enc = new TextEncoder();
  const chunk = (text: string) =>
    `data: ${
      JSON.stringify({
        id: "c",
        object: "chat.completion.chunk",
        created: 1,
        model: "m",
        choices: [{ index: 0, delta: { content: text } }],
      })
    }\n\n`;
  assert.equal(feed.push(enc.encode(chunk("Hel"))), "Hel");
  assert.equal(feed.push(enc.encode(chunk("lo").slice(0, 10))), "");
  assert.equal(feed.push(enc.encode(chunk("lo").slice(10))), "lo");
  assert.equal(feed.push(enc.encode("data: {not json\n\n")), "");
  assert.equal(feed.push(enc.encode(chunk("after"))), "", "stopped after the unreadable event");
});
