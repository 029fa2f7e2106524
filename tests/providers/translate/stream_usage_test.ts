/**
 * Streamed and non-streamed answers agree (plan section 4, "Usage equal streamed and not"): for
 * each stream golden with a non-stream twin (`<case>.response.json`, the same answer as one
 * body), the IR answer folded from the stream equals the non-stream codec's decode of the twin,
 * usage included; and toward each client protocol, what a client reads from the encoded stream
 * equals what it reads from the encoded non-stream answer.
 */
import assert from "node:assert/strict";
import { collectResponse, Notes, type Response } from "../../../src/providers/translate/mod.ts";
import { codecs, readJson, testedProtocols } from "./codecs.ts";
import { decodeText, encodeEvents, streamCases, streamsRoot } from "./streams.ts";

/** Anthropic carries arguments as an object: its answers have no argument text to compare. */
function withoutArgumentText(res: Response | null): Response | null {
  if (res === null) return null;
  return {
    ...res,
    content: res.content.map((b) => b.type === "tool_call" ? { ...b, argumentsText: null } : b),
  };
}

for (const upstream of testedProtocols) {
  const dir = `${streamsRoot}${upstream}`;
  for (const name of streamCases(upstream)) {
    let twin: unknown;
    try {
      twin = readJson(`${dir}/${name}.response.json`);
    } catch {
      continue;
    }
    Deno.test(`stream ${upstream} ${name}: same answer and usage as the non-stream twin`, () => {
      const events = decodeText(upstream, Deno.readTextFileSync(`${dir}/${name}.sse`));
      const streamed = collectResponse(events);
      const whole = codecs[upstream].decodeResponse(twin, new Notes());
      assert.deepEqual(withoutArgumentText(streamed), withoutArgumentText(whole));
      for (const client of testedProtocols) {
        const read = collectResponse(decodeText(client, encodeEvents(client, events)));
        const body = codecs[client].encodeResponse(whole, new Notes());
        const readWhole = codecs[client].decodeResponse(body, new Notes());
        assert.deepEqual(read?.usage, readWhole.usage, `usage seen by a ${client} client`);
        assert.deepEqual(withoutArgumentText(read), withoutArgumentText(readWhole));
      }
    });
  }
}
