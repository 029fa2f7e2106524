/**
 * Stream goldens (tests/testdata/translate/streams/<protocol>/): `<case>.sse` (upstream stream) →
 * IR events (`<case>.ir.json`, which pass the event checker) → the same protocol's client stream
 * (`<case>.encoded.sse`) and the other protocol's (`<case>.to_<protocol>.sse`), with the notes
 * recorded (`<case>.notes.json`, when any). `UPDATE_GOLDENS=1` rewrites the expected files, to be
 * read before committing.
 */
import assert from "node:assert/strict";
import { checkStream, Notes } from "../../../src/providers/translate/mod.ts";
import { type TestedProtocol, testedProtocols } from "./codecs.ts";
import { decodeText, encodeEvents, streamCases, streamsRoot } from "./streams.ts";

const update = Deno.env.get("UPDATE_GOLDENS") === "1";

function expectText(path: string, actual: string): void {
  if (update) Deno.writeTextFileSync(path, actual);
  assert.equal(actual, Deno.readTextFileSync(path));
}

function expectJson(path: string, actual: unknown, absent: unknown = undefined): void {
  if (update) {
    if (absent !== undefined && JSON.stringify(actual) === JSON.stringify(absent)) {
      try {
        Deno.removeSync(path);
      } catch { /* not there */ }
      return;
    }
    Deno.writeTextFileSync(path, JSON.stringify(actual, null, 2) + "\n");
  }
  let expected = absent;
  try {
    expected = JSON.parse(Deno.readTextFileSync(path));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound) || absent === undefined) throw e;
  }
  assert.deepEqual(actual, expected);
}

for (const protocol of testedProtocols) {
  const dir = `${streamsRoot}${protocol}`;
  for (const name of streamCases(protocol)) {
    Deno.test(`stream ${protocol} ${name}: SSE → IR events → SSE`, () => {
      const notes = new Notes();
      const events = decodeText(protocol, Deno.readTextFileSync(`${dir}/${name}.sse`), notes);
      assert.equal(checkStream(events), null);
      expectJson(`${dir}/${name}.ir.json`, events);
      expectText(`${dir}/${name}.encoded.sse`, encodeEvents(protocol, events, notes));
      for (const other of testedProtocols.filter((p): p is TestedProtocol => p !== protocol)) {
        expectText(`${dir}/${name}.to_${other}.sse`, encodeEvents(other, events, notes));
      }
      expectJson(`${dir}/${name}.notes.json`, notes.list, []);
    });
  }
}
