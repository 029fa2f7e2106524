import assert from "node:assert/strict";
import { customDetector } from "../../src/pii/detectors/mod.ts";
import { found } from "./helpers.ts";

Deno.test("custom: string pattern, default type is the name upper-cased", () => {
  const d = customDetector({ name: "employee_id", pattern: "\\bEMP-\\d{6}\\b" });
  assert.equal(d.type, "EMPLOYEE_ID");
  assert.deepEqual(found(d, "EMP-123456 and EMP-654321"), ["EMP-123456", "EMP-654321"]);
});

Deno.test("custom: RegExp pattern keeps its flags, explicit type wins", () => {
  const d = customDetector({ name: "ticket", type: "TICKET_ID", pattern: /tkt-\d+/i });
  assert.equal(d.type, "TICKET_ID");
  assert.deepEqual(found(d, "TKT-1 tkt-22"), ["TKT-1", "tkt-22"]);
});

Deno.test("custom: flags option applies to a string pattern; sticky is dropped", () => {
  const d = customDetector({ name: "code", pattern: "abc", flags: "iy" });
  assert.deepEqual(found(d, "xx ABC abc"), ["ABC", "abc"]);
});

Deno.test("custom: validator filters matches", () => {
  const d = customDetector({
    name: "even",
    pattern: "\\b\\d+\\b",
    validate: (m) => Number(m) % 2 === 0,
  });
  assert.deepEqual(found(d, "1 2 3 44"), ["2", "44"]);
});

Deno.test("custom: a throwing validator means no match, never an exception", () => {
  const d = customDetector({
    name: "boom",
    pattern: "x+",
    validate: (m) => {
      if (m.length > 1) throw new Error("bad");
      return true;
    },
  });
  assert.deepEqual(found(d, "x xx x"), ["x", "x"]);
});

Deno.test("custom: a validator returning a non-boolean truthy value does not count", () => {
  const d = customDetector({ name: "t", pattern: "a", validate: (() => "yes") as never });
  assert.deepEqual(found(d, "a"), []);
});

Deno.test("custom: zero-length matches are skipped, no infinite loop", () => {
  for (const pattern of ["", "x*", "(?=a)", "\\b", "^", "$"].slice(1)) {
    const d = customDetector({ name: "empty", pattern });
    assert.deepEqual(found(d, "aaa bbb"), [], pattern);
  }
  const u = customDetector({ name: "u", pattern: "\\p{Emoji}*", flags: "u" });
  assert.deepEqual(found(u, "a😀b"), ["😀"]);
});

const INVALID: Array<{ name: string; pattern: string; flags?: string; message: RegExp }> = [
  { name: "unbalanced parenthesis", pattern: "(abc", message: /"bad".*does not compile/ },
  { name: "nothing to repeat", pattern: "*a", message: /does not compile/ },
  { name: "invalid flag", pattern: "a", flags: "q", message: /does not compile/ },
  { name: "empty pattern", pattern: "", message: /pattern is empty/ },
];

for (const c of INVALID) {
  Deno.test(`custom: ${c.name} is a clear construction error`, () => {
    assert.throws(
      () =>
        customDetector({ name: "bad", pattern: c.pattern, ...(c.flags ? { flags: c.flags } : {}) }),
      c.message,
    );
  });
}

Deno.test("custom: empty name is rejected", () => {
  assert.throws(() => customDetector({ name: " ", pattern: "a" }), /name must not be empty/);
});
