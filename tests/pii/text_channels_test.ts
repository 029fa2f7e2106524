/**
 * The pieces both stream redactors share: the held-text channels and their bounds
 * (text_channels.ts), the copy that carries held text (event_json.ts `fillCopy`, `deleteAll`),
 * and how an engine stops (engine_output.ts).
 */
import { deepStrictEqual, strictEqual } from "node:assert/strict";
import type { StreamTextField } from "../../src/providers/mod.ts";
import {
  channelBounds,
  closes,
  type LastDelta,
  TextChannels,
} from "../../src/pii/stream/text_channels.ts";
import { deleteAll, fillCopy } from "../../src/pii/stream/event_json.ts";
import { EngineOutput } from "../../src/pii/stream/engine_output.ts";
import { ScanBudgetExceeded } from "../../src/pii/budget.ts";
import { rules, values } from "./stream_fixture.ts";

const field = (channel: string, path = ["t"]): StreamTextField => ({ channel, path });
const last = (bytes = 10): LastDelta => ({ fields: [], bytes });

for (
  const [which, channel, expected] of [
    ["all", "choices/0/content", true],
    [["choices/0"], "choices/0/content", true],
    [["choices/0"], "choices/0", true],
    [["choices/0"], "choices/01", false],
    [["choices/1"], "choices/0/content", false],
    [[], "x", false],
  ] as const
) {
  Deno.test(`closes(${JSON.stringify(which)}, ${channel}) is ${expected}`, () => {
    strictEqual(closes(which, channel), expected);
  });
}

Deno.test("TextChannels: a value split across pieces comes out redacted; closing flushes", () => {
  const ch = new TextChannels({ rules, counts: {} });
  const a = values.email.slice(0, 5);
  const b = values.email.slice(5);
  const out = [ch.push(field("c"), last(), `Mail ${a}`, false)!];
  out.push(ch.push(field("c"), last(), b, true)!);
  strictEqual(out.join(""), `Mail [EMAIL_REDACTED:${values.email.length}]`);
  deepStrictEqual(ch.all(), []);
});

Deno.test("TextChannels: past maxChannels push answers null; past maxHeldTotal overHeld", () => {
  const ch = new TextChannels({ rules, counts: {}, maxChannels: 2, maxHeldTotal: 12 });
  const e = last(10);
  ch.push(field("a"), e, "x", false);
  ch.push(field("b"), e, "y", false);
  strictEqual(ch.push(field("c"), e, "z", false), null);
  // One kept event (10 bytes) and held text: an address start is held whole.
  strictEqual(ch.overHeld, false);
  ch.push(field("a"), e, " john.doe@exam", false);
  strictEqual(ch.overHeld, true);
  deepStrictEqual(
    ch.pushAll({ t: "more" }, { fields: [field("d")], closes: [] }, e),
    channelBounds.tooMany(2),
  );
});

Deno.test("TextChannels: closedBy names the channels a location closes, but its own", () => {
  const ch = new TextChannels({ rules, counts: {} });
  for (const name of ["choices/0/content", "choices/0/tool_calls/1", "choices/1/content"]) {
    ch.push(field(name), last(), "held john", false);
  }
  const names = (loc: Parameters<typeof ch.closedBy>[0]) => ch.closedBy(loc).map(([n]) => n);
  deepStrictEqual(names({ fields: [], closes: ["choices/0"] }), [
    "choices/0/content",
    "choices/0/tool_calls/1",
  ]);
  deepStrictEqual(names({ fields: [field("choices/1/content")], closes: "all" }), [
    "choices/0/content",
    "choices/0/tool_calls/1",
  ]);
  deepStrictEqual(names({ fields: [], closes: [] }), []);
});

Deno.test("deleteAll: members and array elements, resolved before anything moves", () => {
  const v = { a: 1, parts: [{ text: "x" }, { call: 1 }, { text: "y" }, { call: 2 }], u: {} };
  deleteAll(v, [["parts", 1], ["parts", 3], ["u"], ["parts", 9], ["nope", 0]]);
  deepStrictEqual(v, { a: 1, parts: [{ text: "x" }, { text: "y" }] });
});

Deno.test("fillCopy: the channel's last field gets the text, others empty, once members go", () => {
  const v = {
    parts: [{ text: "a" }, { text: "b" }, { call: 1 }, { text: "t", thought: true }],
    usage: 1,
  };
  const fields: StreamTextField[] = [
    { channel: "c/text", path: ["parts", 0, "text"] },
    { channel: "c/text", path: ["parts", 1, "text"], once: [["parts", 2], ["usage"]] },
    { channel: "c/thought", path: ["parts", 3, "text"] },
  ];
  fillCopy(v, fields, "c/text", "HELD");
  deepStrictEqual(v, { parts: [{ text: "" }, { text: "HELD" }, { text: "", thought: true }] });
});

Deno.test("EngineOutput: block stops at the first finding, bounds tell the caller, once", () => {
  const counts: Record<string, number> = {};
  const told: string[] = [];
  const out = new EngineOutput(counts, {
    mode: "block",
    onBlocked: () => told.push("blocked"),
    onStopped: (code) => told.push(code),
    onCounts: () => told.push("counts"),
  }, (code) => new TextEncoder().encode(`end:${code}`));
  strictEqual(out.blocked(), false);
  counts.email = 1;
  const sent = out.step(() => {
    out.send(new Uint8Array([1]));
    out.blocked();
  });
  strictEqual(out.stopped, true);
  deepStrictEqual(sent.map((b) => b.length), [1, "end:pii_blocked".length]);
  deepStrictEqual(told, ["counts", "blocked"]);
  deepStrictEqual(out.step(() => out.send(new Uint8Array([2]))), [], "nothing once stopped");
});

Deno.test("EngineOutput: past the findings budget what waited is dropped", () => {
  const told: string[] = [];
  const out = new EngineOutput(
    {},
    { mode: "redact", onStopped: (c) => told.push(c) },
    (c) => new TextEncoder().encode(c),
  );
  const sent = out.step(() => {
    out.send(new Uint8Array([9, 9]));
    throw new ScanBudgetExceeded("findings", { timeMs: 1000, maxFindings: 10 });
  });
  deepStrictEqual(told, ["pii_scan_budget_exceeded"]);
  deepStrictEqual(new TextDecoder().decode(sent[0]), "pii_scan_budget_exceeded");
  strictEqual(sent.length, 1);
});
