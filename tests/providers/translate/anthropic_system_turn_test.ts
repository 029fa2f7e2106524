/**
 * A `system` message inside an Anthropic request's `messages`, as Claude Code 2.1.332 sends its
 * environment after the first user turn (captured from the real binary, issue 21 part T11): the
 * IR has no system turn, so its text joins the instructions after `system`, noted `relocated`,
 * and the conversation keeps its user and assistant turns in order.
 */
import assert from "node:assert/strict";
import {
  decodeAnthropicRequest,
  Notes,
  TranslationError,
} from "../../../src/providers/translate/mod.ts";

const cases: {
  name: string;
  system: unknown;
  expected: string[];
}[] = [
  {
    name: "blocks of text",
    system: [{ type: "text", text: "# Env" }, { type: "text", text: "cwd" }],
    expected: ["top", "# Env\n\ncwd"],
  },
  { name: "a string", system: "# Env", expected: ["top", "# Env"] },
  { name: "empty: nothing to move", system: "", expected: ["top"] },
];

for (const c of cases) {
  Deno.test(`Anthropic decode: a system message inside messages (${c.name}) joins the instructions`, () => {
    const notes = new Notes();
    const req = decodeAnthropicRequest({
      model: "m",
      max_tokens: 10,
      system: "top",
      messages: [
        { role: "user", content: "read it" },
        { role: "system", content: c.system },
        { role: "assistant", content: "ok" },
      ],
    }, notes);
    assert.deepEqual(
      req.instructions.map((i) => [i.role, i.text]),
      c.expected.map((t) => ["system", t]),
    );
    assert.deepEqual(req.messages.map((m) => m.role), ["user", "assistant"]);
    assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [["relocated", "messages[1]"]]);
  });
}

Deno.test("Anthropic decode: a system message inside messages with a non-text block names the field", () => {
  assert.throws(
    () =>
      decodeAnthropicRequest({
        model: "m",
        max_tokens: 10,
        messages: [{ role: "user", content: "a" }, {
          role: "system",
          content: [{ type: "image" }],
        }],
      }, new Notes()),
    (e: unknown) => e instanceof TranslationError && e.field === "messages[1].content[0].text",
  );
});
