/**
 * The conformance cells (plan section 9), run through the proxy's codec registry and stream pipe:
 * every folder under tests/testdata/translate/cells/ gives exactly its expected files
 * (`UPDATE_GOLDENS=1` rewrites them, to be read before committing). Streamed cases also: any
 * chunking of the upstream's bytes gives the same client bytes, and the client's SDK reads the
 * stream to the same tool calls and usage as the same answer not streamed. A case a folder lacks
 * is "not covered" in docs/translation.md's matrix (scripts/translation_matrix.ts).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { Notes } from "../../../src/providers/translate/mod.ts";
import {
  caseFolders,
  pipeAll,
  readExpected,
  renderExpected,
  runCase,
  targetOf,
  upstreamStreamBytes,
} from "./cells.ts";
import { sdkFailure, sdkFinal, viewers } from "./cells_sdk.ts";
import type { ClientId } from "./cells_cases.ts";
import { decodeClientRequest } from "../../../src/providers/mod.ts";

const update = Deno.env.get("UPDATE_GOLDENS") === "1";

/** How each client's SDK names an overloaded upstream, mid-stream. */
const overloadedKind: Record<ClientId, string> = {
  "openai.chat": "server_is_overloaded",
  "openai.responses": "failed: server_is_overloaded",
  "anthropic.messages": "overloaded_error",
};

for (const [client, column, name, dir] of caseFolders()) {
  Deno.test(`cell ${client} → ${column.id} ${name}`, () => {
    const fresh = renderExpected(runCase(client, column, dir));
    if (update) {
      for (const [file, text] of Object.entries(fresh)) {
        if (text !== null) Deno.writeTextFileSync(`${dir}/${file}`, text);
        else removeIfThere(`${dir}/${file}`);
      }
    }
    assert.deepEqual(readExpected(dir), fresh);
  });

  const bytes = upstreamStreamBytes(dir);
  if (bytes === null) continue;
  const request = JSON.parse(Deno.readTextFileSync(`${dir}/request.json`));
  const decoded = decodeClientRequest(client, request, new Notes());
  const target = targetOf(column, true);

  Deno.test(`cell ${client} → ${column.id} ${name}: any chunking gives the same client bytes`, () => {
    const whole = pipeAll(client, target, decoded.includeUsage, [bytes], new Notes());
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 })), (cuts) => {
        const at = [0, ...cuts.sort((a, b) => a - b), bytes.length];
        const chunks = at.slice(1).map((end, i) => bytes.subarray(at[i], end));
        assert.equal(pipeAll(client, target, decoded.includeUsage, chunks, new Notes()), whole);
      }),
      { numRuns: 60 },
    );
  });

  const docPath = `${dir}/client_response.json`;
  if (!exists(docPath) && !name.includes("error")) {
    Deno.test(`cell ${client} → ${column.id} ${name}: the SDK reads the stream`, async () => {
      const sse = Deno.readTextFileSync(`${dir}/client_response.sse`);
      const { calls } = await sdkFinal(client, request, sse);
      const ids = (calls as { id: string }[]).map((c) => c.id);
      assert.ok(ids.length > 0, "the recorded streams end in tool calls");
      assert.equal(new Set(ids).size, ids.length, "each tool call once");
    });
    continue;
  }
  if (!exists(docPath)) {
    Deno.test(`cell ${client} → ${column.id} ${name}: the SDK reports the stream's error`, async () => {
      const sse = Deno.readTextFileSync(`${dir}/client_response.sse`);
      const failure = await sdkFailure(client, request, sse);
      assert.equal(failure.kind, overloadedKind[client]);
      assert.match(failure.message, /(openai|anthropic|gemini|bedrock): /, "the provider's words");
      if (failure.text !== null) assert.equal(failure.text, streamedText(sse), "what was streamed");
    });
    continue;
  }
  Deno.test(`cell ${client} → ${column.id} ${name}: the SDK reads the stream as the document`, async () => {
    const sse = Deno.readTextFileSync(`${dir}/client_response.sse`);
    const doc = JSON.parse(Deno.readTextFileSync(docPath));
    const streamed = await sdkFinal(client, request, sse);
    const { calls, usage } = sdkView(client, doc);
    assert.deepEqual(streamed.calls, calls, "tool calls, streamed and not");
    assert.deepEqual(streamed.usage, usage, "usage, streamed and not");
  });
}

/** The tool calls and usage an SDK user sees in a document answer. */
function sdkView(
  client: ClientId,
  doc: Record<string, unknown>,
): { calls: unknown; usage: unknown } {
  const { callsOf, usageOf } = viewers[client];
  return { calls: callsOf(doc), usage: usageOf(doc) };
}

/** The text a Responses client was streamed (its `output_text.delta` events). */
function streamedText(sse: string): string {
  return sse.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)))
    .filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function removeIfThere(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

Deno.test("docs/translation.md's matrix is what the cells give (deno task docs)", async () => {
  const { matrixFile, renderPage } = await import("../../../scripts/translation_matrix.ts");
  const onDisk = Deno.readTextFileSync(new URL(`../../../${matrixFile}`, import.meta.url));
  assert.equal(onDisk, await renderPage(), `${matrixFile} is stale: run deno task docs`);
});
