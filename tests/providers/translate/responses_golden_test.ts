/**
 * Golden fixtures of the Responses codec (tests/testdata/translate/codecs/openai.responses/), as
 * golden_test.ts does for the other codecs: decode to `<case>.ir.json`, encode back to
 * `<case>.encoded.json` (or the wire itself), notes in `<case>.notes.json`.
 */
import assert from "node:assert/strict";
import { Notes, type Request, type Response } from "../../../src/providers/translate/mod.ts";
import { readJson, readJsonOr } from "./codecs.ts";
import { responsesCodec } from "./responses_codec.ts";

const dir = new URL("../../testdata/translate/codecs/openai.responses", import.meta.url).pathname;

for (const file of [...Deno.readDirSync(dir)].map((e) => e.name).sort()) {
  if (!file.endsWith(".wire.json")) continue;
  const name = file.replace(".wire.json", "");
  Deno.test(`codec openai.responses ${name}: wire → IR → wire`, () => {
    const wire = readJson(`${dir}/${file}`);
    const decodeNotes = new Notes();
    const encodeNotes = new Notes();
    const isRequest = name.startsWith("request");
    const ir = isRequest
      ? responsesCodec.decodeRequest(wire, decodeNotes)
      : responsesCodec.decodeResponse(wire, decodeNotes);
    assert.deepEqual(ir, readJson(`${dir}/${name}.ir.json`));
    const back = isRequest
      ? responsesCodec.encodeRequest(ir as Request, encodeNotes)
      : responsesCodec.encodeResponse(ir as Response, encodeNotes);
    assert.deepEqual(back, readJsonOr(`${dir}/${name}.encoded.json`, wire));
    assert.deepEqual(
      [...decodeNotes.list, ...encodeNotes.list],
      readJsonOr(`${dir}/${name}.notes.json`, []),
    );
  });
}
