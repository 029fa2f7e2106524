/**
 * Gemini codec goldens (tests/testdata/translate/codecs/gemini/): wire → IR equals
 * `<case>.ir.json`, IR → wire equals the input (or `<case>.encoded.json`), with the notes of
 * `<case>.notes.json`. Cases whose name holds `level` encode for Gemini 3 (`thinkingLevel`).
 */
import assert from "node:assert/strict";
import {
  decodeGeminiRequest,
  decodeGeminiResponse,
  encodeGeminiRequest,
  encodeGeminiResponse,
  geminiApiOptions,
  Notes,
  type Request,
  type Response,
} from "../../../src/providers/translate/mod.ts";
import { readJson, readJsonOr } from "./codecs.ts";

const dir = new URL("../../testdata/translate/codecs/gemini", import.meta.url).pathname;
const cases = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".wire.json"))
  .sort();

for (const file of cases) {
  const name = file.replace(".wire.json", "");
  Deno.test(`codec gemini.generate ${name}: wire → IR → wire`, () => {
    const wire = readJson(`${dir}/${file}`);
    const decodeNotes = new Notes();
    const encodeNotes = new Notes();
    const options = name.includes("level")
      ? { ...geminiApiOptions, thinkingField: "thinkingLevel" as const }
      : geminiApiOptions;
    const isRequest = name.startsWith("request");
    const ir = isRequest
      ? decodeGeminiRequest(wire, { model: "gemini-2.5-pro", stream: false }, decodeNotes)
      : decodeGeminiResponse(wire, "gemini-2.5-pro", decodeNotes);
    assert.deepEqual(ir, readJson(`${dir}/${name}.ir.json`));
    const back = isRequest
      ? encodeGeminiRequest(ir as Request, options, encodeNotes)
      : encodeGeminiResponse(ir as Response, options, encodeNotes);
    assert.deepEqual(back, readJsonOr(`${dir}/${name}.encoded.json`, wire));
    assert.deepEqual(
      [...decodeNotes.list, ...encodeNotes.list],
      readJsonOr(`${dir}/${name}.notes.json`, []),
    );
  });
}
