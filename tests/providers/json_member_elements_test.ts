/**
 * The JSON member scanner's array elements (`eachElement`): one member of each element of an
 * array at a path (`output[*].type`), never the elements' other content, bounded in number and in
 * bytes, with the same validation as `JSON.parse` and the same values where it keeps them.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import fc from "fast-check";
import {
  eachElement,
  JsonMemberScanner,
  type JsonScanResult,
  type MemberPath,
} from "../../src/providers/mod.ts";
import { documents, encodeDoc, smallDocuments, withShrinkBudget } from "./json_docs.ts";
import { cut, splittings } from "./replay.ts";

const e: typeof eachElement = eachElement;
const enc = new TextEncoder();

/** What a Responses reader asks, and a Gemini-like path that ends with the elements themselves. */
const paths: MemberPath[] = [
  ["model"],
  ["output", e, "type"],
  ["output", e, "status"],
  ["candidates", e, "grounding", "queries", e],
];

interface Trie {
  leaf: boolean;
  keys: Map<string, Trie>;
  each: Trie | null;
}

function trieOf(list: readonly MemberPath[]): Trie {
  const root: Trie = { leaf: false, keys: new Map(), each: null };
  for (const path of [...list].sort((a, b) => a.length - b.length)) {
    let t = root;
    for (const [i, k] of path.entries()) {
      if (t.leaf) break;
      let next: Trie;
      if (k === eachElement) next = t.each ??= { leaf: false, keys: new Map(), each: null };
      else {
        next = t.keys.get(k) ?? { leaf: false, keys: new Map(), each: null };
        t.keys.set(k, next);
      }
      if (i === path.length - 1) next.leaf = true;
      t = next;
    }
  }
  return root;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function pickObject(o: Record<string, unknown>, t: Trie, bound: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, sub] of t.keys) {
    if (!Object.hasOwn(o, k)) continue;
    const v = o[k];
    let value: unknown;
    if (sub.leaf) value = v;
    else if (isObject(v) && sub.keys.size > 0) value = pickObject(v, sub, bound);
    else if (Array.isArray(v) && sub.each !== null) {
      const each = sub.each;
      value = v.slice(0, bound).map((x) =>
        each.leaf ? x : isObject(x) ? pickObject(x, each, bound) : null
      );
      if (v.length > bound) (value as unknown[]).push(null);
    } else continue;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** What the scanner must report: `JSON.parse`'s view of the same bytes, reduced to `wanted`. */
function reference(doc: Uint8Array, wanted: readonly MemberPath[], bound = 4096): JsonScanResult {
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(doc));
  } catch {
    return { valid: false };
  }
  return { valid: true, members: isObject(v) ? pickObject(v, trieOf(wanted), bound) : null };
}

function scan(
  pieces: Iterable<Uint8Array>,
  wanted: readonly MemberPath[] = paths,
  maxBytes?: number,
  maxElements?: number,
): JsonScanResult {
  const scanner = new JsonMemberScanner(wanted, maxBytes, maxElements);
  for (const p of pieces) scanner.push(p);
  return scanner.finish();
}

const members = (m: Record<string, unknown> | null): JsonScanResult => ({
  valid: true,
  members: m,
});
const invalid: JsonScanResult = { valid: false };

interface Case {
  name: string;
  doc: string;
  expected: JsonScanResult;
  /** The element bound, when not the default. */
  bound?: number;
}

const cases: Case[] = [
  {
    name: "type and status of each output item, nothing of their content",
    doc: JSON.stringify({
      model: "gpt-5",
      output: [
        { id: "ws_1", type: "web_search_call", status: "completed", action: { type: "search" } },
        { id: "fs_1", type: "file_search_call", status: "failed", queries: ["q"], results: null },
        {
          type: "message",
          status: "completed",
          content: [{ type: "output_text", text: "hi", annotations: [{ type: "url_citation" }] }],
        },
      ],
    }),
    expected: members({
      model: "gpt-5",
      output: [
        { type: "web_search_call", status: "completed" },
        { type: "file_search_call", status: "failed" },
        { type: "message", status: "completed" },
      ],
    }),
  },
  {
    name: "strings that contain member text and escaped quotes are text",
    doc:
      '{"output":[{"content":[{"text":"{\\"type\\":\\"web_search_call\\"},\\"status\\":\\"\\\\"}' +
      '],"type":"message"},{"type":"web_\\u0073earch_call","note":"\\"type\\":1"}]}',
    expected: members({ output: [{ type: "message" }, { type: "web_search_call" }] }),
  },
  {
    name: "nested arrays: only the elements of the array at the path",
    doc: '{"output":[[{"type":"a"}],{"type":"b","items":[{"type":"c"},[{"type":"d"}]]},[]],' +
      '"x":{"output":[{"type":"e"}]},"list":[{"output":[{"type":"f"}]}]}',
    expected: members({ output: [null, { type: "b" }, null] }),
  },
  {
    name: "elements that are not objects keep their place as null",
    doc: '{"output":["web_search_call",1,null,true,{"type":"x"},{}]}',
    expected: members({ output: [null, null, null, null, { type: "x" }, {}] }),
  },
  {
    name: "an empty array, and a member that is no array",
    doc: '{"output":[],"candidates":{"grounding":{"queries":["q"]}}}',
    expected: members({ output: [] }),
  },
  {
    name: "a repeated key: the last array, and the last member of an element",
    doc: '{"output":[{"type":"a"}],"output":[{"type":"b","type":"c","status":"x"}]}',
    expected: members({ output: [{ type: "c", status: "x" }] }),
  },
  {
    name: "a repeated key whose last value is no array drops the kept one",
    doc: '{"output":[{"type":"a"}],"output":null}',
    expected: members({}),
  },
  {
    name: "a path that ends at the elements keeps each whole, under objects in elements",
    doc: '{"candidates":[{"content":{"parts":[{"text":"x"}]},"grounding":{"queries":["a","",' +
      '"a",{"k":1}],"chunks":[{"web":{}}]}},{"grounding":{}},{"grounding":{"queries":[]}},7]}',
    expected: members({
      candidates: [{ grounding: { queries: ["a", "", "a", { k: 1 }] } }, { grounding: {} }, {
        grounding: { queries: [] },
      }, null],
    }),
  },
  {
    name: "whitespace everywhere",
    doc: ' { "output" : [ { "type" : "a" } ,\n\t{ "status" : "completed" } , [ ] ] } ',
    expected: members({ output: [{ type: "a" }, { status: "completed" }, null] }),
  },
  {
    name: "the element bound: the first ones and one null",
    doc: JSON.stringify({ output: [1, 2, 3, 4, 5].map((n) => ({ type: `t${n}` })) }),
    bound: 3,
    expected: members({ output: [{ type: "t1" }, { type: "t2" }, { type: "t3" }, null] }),
  },
  {
    name: "exactly the element bound: no null",
    doc: JSON.stringify({ output: [1, 2, 3].map((n) => ({ type: `t${n}` })) }),
    bound: 3,
    expected: members({ output: [{ type: "t1" }, { type: "t2" }, { type: "t3" }] }),
  },
  {
    name: "the element bound applies to each array",
    doc: JSON.stringify({
      candidates: [{ grounding: { queries: ["a", "b", "c", "d"] } }, { grounding: {} }, 1, 2],
    }),
    bound: 2,
    expected: members({
      candidates: [{ grounding: { queries: ["a", "b", null] } }, { grounding: {} }, null],
    }),
  },
  {
    name: "past the element bound the rest is still validated",
    doc: '{"output":[{"type":"a"},{"type":"b"},{"type":"c",}]}',
    bound: 1,
    expected: invalid,
  },
  ...[
    '{"output":[{"type":"a"},]}',
    '{"output":[,{"type":"a"}]}',
    '{"output":[{"type":"a"}}',
    '{"output":[{"type":"a\u0001"}]}',
    '{"output":[{"type":01}]}',
    '{"output":[{"type":"a"} {"type":"b"}]}',
  ].map((doc) => ({ name: `malformed: ${doc}`, doc, expected: invalid })),
];

for (const c of cases) {
  Deno.test(`json scanner elements: ${c.name}, as JSON.parse, however split`, () => {
    const doc = enc.encode(c.doc);
    deepStrictEqual(reference(doc, paths, c.bound), c.expected, "the expectation agrees");
    for (const s of splittings(doc)) {
      deepStrictEqual(scan(s.pieces, paths, undefined, c.bound), c.expected, s.label);
    }
  });
}

Deno.test("json scanner elements: a huge text item costs nothing held", () => {
  const text = 'lorem \\"type\\": \\"web_search_call\\" '.repeat(200_000); // ~7 MB
  const doc = enc.encode(
    `{"output":[{"type":"web_search_call","status":"completed"},{"type":"message",` +
      `"content":[{"type":"output_text","text":"${text}"}]}],"model":"m"}`,
  );
  const scanner = new JsonMemberScanner(paths);
  for (let i = 0; i < doc.length; i += 65536) scanner.push(doc.subarray(i, i + 65536));
  deepStrictEqual(
    scanner.finish(),
    members({
      model: "m",
      output: [{ type: "web_search_call", status: "completed" }, { type: "message" }],
    }),
  );
  ok(scanner.peakRetainedBytes < 1024, `peak ${scanner.peakRetainedBytes}`);
});

Deno.test("json scanner elements: what all elements keep is bounded as one member", () => {
  const items = Array.from({ length: 40 }, (_, i) => ({ type: `web_search_call_${i}` }));
  const doc = enc.encode(JSON.stringify({ output: items }));
  // Each type is 20-21 bytes with its quotes: 40 of them pass 512 bytes, not 1024.
  const small = new JsonMemberScanner(paths, 512);
  small.push(doc);
  deepStrictEqual(small.finish(), { valid: false, tooLarge: true });
  strictEqual(small.retainedBytes, 0);
  deepStrictEqual(scan([doc], paths, 1024), reference(doc, paths));
});

Deno.test("json scanner elements: the default bound keeps 4096 elements and says there were more", () => {
  const doc = enc.encode(
    JSON.stringify({ output: Array.from({ length: 5000 }, () => ({ type: "x" })) }),
  );
  const r = scan([doc]);
  ok(r.valid && r.members !== null);
  const output = r.members.output as unknown[];
  strictEqual(output.length, 4097);
  deepStrictEqual(output[4095], { type: "x" });
  strictEqual(output[4096], null);
});

Deno.test("json scanner elements: paths that start with or repeat eachElement are errors", () => {
  throws(() => new JsonMemberScanner([[e, "type"]]), RangeError);
  throws(() => new JsonMemberScanner([["a", e, e]]), RangeError);
});

/** Paths over the keys the random documents use: elements of `data`, and of `message.data`. */
const randomPaths: MemberPath[] = [
  ["usage"],
  ["data", e, "usage"],
  ["data", e, "message", "model"],
  ["data", e, "data", e],
  ["message", "data", e],
];

Deno.test("property: random documents give JSON.parse's elements under any chunking", () => {
  fc.assert(
    fc.property(
      documents,
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.constantFrom(1, 2, 4096),
      withShrinkBudget(2000, (d, offsets, bound) => {
        const doc = encodeDoc(d);
        const expected = reference(doc, randomPaths, bound);
        strictEqual(expected.valid, true);
        deepStrictEqual(scan(cut(doc, offsets), randomPaths, 1 << 30, bound), expected);
      }),
    ),
    { numRuns: 300 },
  );
});

Deno.test("property: damaged documents are valid or not exactly as JSON.parse says", () => {
  const damage = fc.constantFrom(...'"\\{}[],: 0x1e'.split("").map((ch) => ch.charCodeAt(0)));
  fc.assert(
    fc.property(
      smallDocuments,
      fc.nat(),
      damage,
      fc.array(fc.nat(), { maxLength: 10 }),
      withShrinkBudget(2000, (d, at, byte, offsets) => {
        const whole = encodeDoc(d);
        const i = at % (whole.length + 1);
        const doc = new Uint8Array([...whole.subarray(0, i), byte, ...whole.subarray(i + 1)]);
        deepStrictEqual(scan(cut(doc, offsets), randomPaths, 1 << 30), reference(doc, randomPaths));
      }),
    ),
    { numRuns: 500 },
  );
});
