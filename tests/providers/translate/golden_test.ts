/**
 * Golden fixtures (tests/testdata/translate/): each codec decodes its wire to the IR the fixture
 * holds and encodes that IR back (`<case>.encoded.json` when the wire form is not the input's
 * own, e.g. a string content becoming blocks), with the notes it records.
 */
import assert from "node:assert/strict";
import { Notes, type Request, type Response } from "../../../src/providers/translate/mod.ts";
import { codecs, readJson, readJsonOr, testedProtocols } from "./codecs.ts";

const root = new URL("../../testdata/translate/", import.meta.url).pathname;

for (const protocol of testedProtocols) {
  const dir = `${root}codecs/${protocol}`;
  const cases = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) =>
    n.endsWith(".wire.json")
  ).sort();
  for (const file of cases) {
    const name = file.replace(".wire.json", "");
    Deno.test(`codec ${protocol} ${name}: wire → IR → wire`, () => {
      const codec = codecs[protocol];
      const wire = readJson(`${dir}/${file}`);
      const decodeNotes = new Notes();
      const encodeNotes = new Notes();
      const isRequest = name.startsWith("request");
      const ir = isRequest
        ? codec.decodeRequest(wire, decodeNotes)
        : codec.decodeResponse(wire, decodeNotes);
      assert.deepEqual(ir, readJson(`${dir}/${name}.ir.json`));
      const back = isRequest
        ? codec.encodeRequest(ir as Request, encodeNotes, true)
        : codec.encodeResponse(ir as Response, encodeNotes);
      assert.deepEqual(back, readJsonOr(`${dir}/${name}.encoded.json`, wire));
      assert.deepEqual(
        [...decodeNotes.list, ...encodeNotes.list],
        readJsonOr(`${dir}/${name}.notes.json`, []),
      );
    });
  }
}

// The cells (client request → upstream request, upstream answer → client answer) run through the
// proxy's codec registry in cells_test.ts.
