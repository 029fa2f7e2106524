/**
 * Bedrock Converse codec goldens (tests/testdata/translate/codecs/bedrock.converse/): the wire
 * decodes to the IR the fixture holds and that IR encodes back to the wire (or to
 * `<case>.encoded.json` where the wire form is not the input's own: cache points and JSON tool
 * results have no IR form), with the notes recorded. Converse names its model in the path and
 * its answers carry no id or model, so the test gives them.
 */
import assert from "node:assert/strict";
import {
  converseOptions,
  decodeConverseRequest,
  decodeConverseResponse,
  encodeConverseRequest,
  encodeConverseResponse,
  Notes,
  type Request,
  type Response,
} from "../../../src/providers/translate/mod.ts";
import { readJson, readJsonOr } from "./codecs.ts";

export const converseModel = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
export const converseMeta = { id: "bedrock-answer-1", model: converseModel };

const dir = new URL("../../testdata/translate/codecs/bedrock.converse/", import.meta.url).pathname;

function roundTrip(name: string, wire: unknown) {
  const decodeNotes = new Notes();
  const encodeNotes = new Notes();
  const isRequest = name.startsWith("request");
  const ir = isRequest
    ? decodeConverseRequest(wire, { model: converseModel, stream: false }, decodeNotes)
    : decodeConverseResponse(wire, converseMeta, decodeNotes);
  const back = isRequest
    ? encodeConverseRequest(ir as Request, converseOptions, encodeNotes)
    : encodeConverseResponse(ir as Response, encodeNotes);
  return { ir, back, notes: [...decodeNotes.list, ...encodeNotes.list] };
}

const cases = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".wire.json"))
  .sort();

for (const file of cases) {
  const name = file.replace(".wire.json", "");
  Deno.test(`codec bedrock.converse ${name}: wire → IR → wire`, () => {
    const wire = readJson(`${dir}${file}`);
    const { ir, back, notes } = roundTrip(name, wire);
    if (Deno.env.get("WRITE_GOLDENS") === "1") {
      Deno.writeTextFileSync(`${dir}${name}.ir.json`, JSON.stringify(ir, null, 2) + "\n");
      if (JSON.stringify(back) !== JSON.stringify(wire)) {
        Deno.writeTextFileSync(`${dir}${name}.encoded.json`, JSON.stringify(back, null, 2) + "\n");
      }
      if (notes.length > 0) {
        Deno.writeTextFileSync(`${dir}${name}.notes.json`, JSON.stringify(notes, null, 2) + "\n");
      }
    }
    assert.deepEqual(ir, readJson(`${dir}${name}.ir.json`));
    assert.deepEqual(back, readJsonOr(`${dir}${name}.encoded.json`, wire));
    assert.deepEqual(notes, readJsonOr(`${dir}${name}.notes.json`, []));
  });
}
