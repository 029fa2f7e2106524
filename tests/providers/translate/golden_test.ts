/**
 * Golden fixtures (tests/testdata/translate/): each codec decodes its wire to the IR the fixture
 * holds and encodes that IR back (`<case>.encoded.json` when the wire form is not the input's
 * own, e.g. a string content becoming blocks); each cell translates a client request to the
 * upstream request and the upstream answer to the client answer, with the notes it records.
 */
import assert from "node:assert/strict";
import { Notes, type Request, type Response } from "../../../src/providers/translate/mod.ts";
import {
  codecs,
  readJson,
  readJsonOr,
  runCell,
  type TestedProtocol,
  testedProtocols,
} from "./codecs.ts";

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

for (const cell of [...Deno.readDirSync(`${root}cells`)].map((e) => e.name).sort()) {
  const [client, upstream] = cell.split("__") as [TestedProtocol, TestedProtocol];
  for (const name of [...Deno.readDirSync(`${root}cells/${cell}`)].map((e) => e.name).sort()) {
    Deno.test(`cell ${client} → ${upstream} ${name}`, () => {
      const dir = `${root}cells/${cell}/${name}`;
      const notes = new Notes();
      const out = runCell(client, upstream, dir, notes);
      assert.deepEqual(out.upstreamRequest, readJson(`${dir}/upstream_request.json`));
      assert.deepEqual(out.clientResponse, readJson(`${dir}/client_response.json`));
      assert.deepEqual(notes.list, readJson(`${dir}/notes.json`));
    });
  }
}
