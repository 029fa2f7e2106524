/**
 * Rules of the Responses codec the goldens do not show one by one: the 400s naming the field,
 * stop reasons both ways, thinking state only to the protocol (and model) that made it, notes
 * for every drop, usage never invented, what the response store needs.
 */
import assert from "node:assert/strict";
import {
  decodeResponsesRequest,
  decodeResponsesResponse,
  encodeResponsesRequest,
  encodeResponsesResponse,
  noSampling,
  Notes,
  type OpaqueState,
  type Request,
  type Response,
  responsesStorage,
  type StopReason,
  stopReasons,
  TranslationError,
  unknownUsage,
} from "../../../src/providers/translate/mod.ts";

const baseRequest: Request = {
  model: "gpt-5",
  instructions: [],
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  toolChoice: null,
  parallelToolCalls: null,
  maxOutputTokens: null,
  sampling: noSampling,
  stop: [],
  responseFormat: null,
  reasoning: null,
  stream: false,
  user: null,
  previousResponseId: null,
};

const baseResponse: Response = {
  id: "resp_1",
  model: "gpt-5",
  content: [{ type: "text", text: "ok" }],
  stopReason: "end_turn",
  providerStopReason: null,
  stopSequence: null,
  usage: { ...unknownUsage, inputTokens: 1, outputTokens: 1 },
};

function refusedField(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof TranslationError) return e.field;
    throw e;
  }
  throw new Error("expected a TranslationError");
}

Deno.test("Responses decode: refusals name the field", () => {
  const cases: [unknown, string][] = [
    [{ model: "m", input: "x", background: true }, "background"],
    [{ model: "m", input: "x", conversation: "conv_1" }, "conversation"],
    [{ model: "m", input: "x", tools: [{ type: "custom", name: "apply_patch" }] }, "tools[0].type"],
    [{ model: "m", input: [{ type: "web_search_call", id: "ws" }] }, "input[0].type"],
    [{ model: "m", input: [{ type: "item_reference", id: "msg_1" }] }, "input[0].type"],
    [
      { model: "m", input: [{ type: "function_call", call_id: "c", name: "f", arguments: "[1]" }] },
      "input[0].arguments",
    ],
    [
      { model: "m", input: [{ role: "user", content: [{ type: "audio" }] }] },
      "input[0].content[0].type",
    ],
    [{ model: "m", input: [{ role: "tool", content: "x" }] }, "input[0].role"],
    [{ model: "m", input: "x", reasoning: { effort: "huge" } }, "reasoning.effort"],
    [{ model: "m", input: "x", tool_choice: { type: "file_search" } }, "tool_choice.type"],
    [{ model: "m", input: "x", text: { format: { type: "grammar" } } }, "text.format.type"],
    [{ model: 1, input: "x" }, "model"],
  ];
  for (const [body, field] of cases) {
    assert.equal(refusedField(() => decodeResponsesRequest(body, new Notes())), field);
  }
});

Deno.test("Responses decode: OpenAI's hosted tools and Codex's namespaces are left out, noted", () => {
  const notes = new Notes();
  const req = decodeResponsesRequest({
    model: "m",
    input: "x",
    tools: [
      { type: "web_search" },
      { type: "namespace", name: "multi_agent_v1", tools: [] },
      { type: "function", name: "exec_command", parameters: { type: "object" } },
    ],
  }, notes);
  assert.deepEqual(req.tools.map((t) => t.name), ["exec_command"]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [
    ["dropped", "tools[0].type"],
    ["dropped", "tools[1].type"],
  ]);
});

Deno.test("Responses decode: a string input is one user message; a late system item is moved, noted", () => {
  const notes = new Notes();
  const req = decodeResponsesRequest({ model: "m", input: "hello" }, notes);
  assert.deepEqual(req.messages, [{ role: "user", content: [{ type: "text", text: "hello" }] }]);
  const late = decodeResponsesRequest({
    model: "m",
    instructions: "be brief",
    input: [{ role: "user", content: "a" }, { role: "system", content: "late" }],
  }, notes);
  assert.deepEqual(late.instructions, [
    { role: "system", text: "be brief" },
    { role: "system", text: "late" },
  ]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [["relocated", "input[1]"]]);
});

Deno.test("Responses decode: previous_response_id is kept; store and include are read for the store", () => {
  const body = {
    model: "m",
    input: "x",
    previous_response_id: "resp_9",
    store: false,
    include: ["reasoning.encrypted_content"],
  };
  const notes = new Notes();
  assert.equal(decodeResponsesRequest(body, notes).previousResponseId, "resp_9");
  assert.deepEqual(notes.list, []);
  assert.deepEqual(responsesStorage(body), { store: false, encryptedReasoning: true });
  assert.deepEqual(responsesStorage({ model: "m" }), { store: null, encryptedReasoning: false });
});

Deno.test("Responses decode: a tool output's name comes from its call; an output before its call has none", () => {
  const req = decodeResponsesRequest({
    model: "m",
    input: [
      { type: "function_call_output", call_id: "early", output: "?" },
      { type: "function_call", call_id: "c1", name: "f", arguments: "" },
      { type: "function_call_output", call_id: "c1", output: [] },
    ],
  }, new Notes());
  const blocks = req.messages.flatMap((m) => m.content);
  assert.deepEqual(blocks.map((b) => b.type === "tool_result" ? b.name : b.type), [
    null,
    "tool_call",
    "f",
  ]);
  assert.deepEqual(blocks[1]!.type === "tool_call" && blocks[1]!.arguments, {});
});

Deno.test("Responses answer → IR stop reasons", () => {
  const call = { type: "function_call", call_id: "c", name: "f", arguments: "{}" };
  const text = {
    type: "message",
    role: "assistant",
    content: [{ type: "output_text", text: "t" }],
  };
  const cases: [string, unknown, unknown[], StopReason, string | null][] = [
    ["completed", null, [text], "end_turn", "completed"],
    ["completed", null, [text, call], "tool_use", "completed"],
    [
      "incomplete",
      { reason: "max_output_tokens" },
      [text],
      "max_tokens",
      "incomplete:max_output_tokens",
    ],
    ["incomplete", { reason: "content_filter" }, [], "content_filter", "incomplete:content_filter"],
    ["incomplete", null, [], "other", "incomplete"],
    ["failed", null, [], "other", "failed"],
    ["cancelled", null, [], "other", "cancelled"],
  ];
  for (const [status, details, output, stop, raw] of cases) {
    const res = decodeResponsesResponse(
      { id: "r", model: "m", status, incomplete_details: details, output },
      new Notes(),
    );
    assert.deepEqual([res.stopReason, res.providerStopReason], [stop, raw], status);
    assert.deepEqual(res.usage, unknownUsage);
  }
});

Deno.test("IR → Responses answer: status and incomplete_details for every stop reason", () => {
  const expected: Record<StopReason, [string, unknown]> = {
    end_turn: ["completed", null],
    max_tokens: ["incomplete", { reason: "max_output_tokens" }],
    stop_sequence: ["completed", null],
    tool_use: ["completed", null],
    content_filter: ["incomplete", { reason: "content_filter" }],
    refusal: ["completed", null],
    pause_turn: ["completed", null],
    context_window_exceeded: ["incomplete", { reason: "max_output_tokens" }],
    malformed_tool_call: ["completed", null],
    other: ["completed", null],
  };
  for (const stop of stopReasons) {
    const out = encodeResponsesResponse({ ...baseResponse, stopReason: stop }, {
      createdAt: 1,
    }, new Notes());
    assert.deepEqual([out["status"], out["incomplete_details"]], expected[stop], stop);
  }
});

Deno.test("Responses answer: model arguments that are no object reach the client once as text, noted", () => {
  const notes = new Notes();
  const res = decodeResponsesResponse({
    id: "r",
    model: "m",
    status: "completed",
    output: [{ type: "function_call", call_id: "c", name: "f", arguments: '{"a":' }],
  }, notes);
  const b = res.content[0]!;
  assert.ok(b.type === "tool_call");
  assert.deepEqual([b.arguments, b.argumentsText], [{}, '{"a":']);
  assert.deepEqual(notes.list.map((n) => n.code), ["tool_arguments_unparsed"]);
  const out = encodeResponsesResponse(res, { createdAt: 1 }, new Notes());
  assert.equal((out["output"] as Record<string, unknown>[])[0]!["arguments"], '{"a":');
});

const own: OpaqueState = { origin: "openai.responses", model: null, value: "enc", itemId: "rs_1" };
const other: OpaqueState = {
  origin: "anthropic.messages",
  model: null,
  value: "sig",
  itemId: null,
};

Deno.test("IR → Responses request: reasoning goes back only to its protocol and model", () => {
  const cases: [OpaqueState | null, string, number, string[]][] = [
    [own, "gpt-5", 1, []],
    [{ ...own, model: "gpt-5" }, "gpt-5", 1, []],
    [{ ...own, model: "o3" }, "gpt-5", 0, ["thinking_state_dropped"]],
    [other, "gpt-5", 0, ["thinking_state_dropped"]],
    [null, "gpt-5", 0, ["thinking_state_dropped"]],
  ];
  for (const [state, model, items, codes] of cases) {
    const notes = new Notes();
    const out = encodeResponsesRequest(
      {
        ...baseRequest,
        model,
        messages: [
          ...baseRequest.messages,
          { role: "assistant", content: [{ type: "thinking", text: "t", kind: "summary", state }] },
        ],
      },
      { store: false },
      notes,
    );
    const reasoning = (out["input"] as Record<string, unknown>[]).filter((i) =>
      i["type"] === "reasoning"
    );
    assert.equal(reasoning.length, items, JSON.stringify(state));
    assert.deepEqual(notes.list.map((n) => n.code), codes);
  }
});

Deno.test("IR → Responses request: what Responses lacks is refused or noted", () => {
  assert.equal(
    refusedField(() =>
      encodeResponsesRequest({ ...baseRequest, stop: ["END"] }, { store: null }, new Notes())
    ),
    "stop",
  );
  assert.equal(
    refusedField(() =>
      encodeResponsesRequest(
        {
          ...baseRequest,
          messages: [{
            role: "user",
            content: [{
              type: "document",
              source: { kind: "file", fileId: "f", origin: "anthropic.messages" },
              title: null,
            }],
          }],
        },
        { store: null },
        new Notes(),
      )
    ),
    "messages[0].content[0].source",
  );
  const notes = new Notes();
  const out = encodeResponsesRequest(
    {
      ...baseRequest,
      sampling: { ...noSampling, topK: 5, seed: 1 },
      reasoning: { enabled: true, effort: null, budgetTokens: 10000, summary: "omitted" },
      messages: [
        ...baseRequest.messages,
        {
          role: "assistant",
          content: [{
            type: "tool_call",
            id: "c",
            name: "f",
            arguments: { a: 1 },
            argumentsText: null,
            state: null,
          }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", callId: "c", name: "f", content: [], isError: true }],
        },
      ],
    },
    { store: null },
    notes,
  );
  assert.deepEqual(out["reasoning"], { effort: "medium" });
  assert.equal(out["store"], undefined);
  assert.equal(out["include"], undefined);
  const input = out["input"] as Record<string, unknown>[];
  assert.deepEqual(input.slice(1), [
    { type: "function_call", call_id: "c", name: "f", arguments: '{"a":1}' },
    { type: "function_call_output", call_id: "c", output: "" },
  ]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [
    ["dropped", "top_k"],
    ["dropped", "seed"],
    ["dropped", "messages[2].content[0].is_error"],
    ["dropped", "reasoning.summary"],
    ["converted", "thinking.budget_tokens"],
  ]);
});

Deno.test("IR → Responses answer: usage is never invented silently; foreign thinking shows no state", () => {
  const notes = new Notes();
  const out = encodeResponsesResponse(
    {
      ...baseResponse,
      content: [
        { type: "thinking", text: "hmm", kind: "full", state: other },
        { type: "text", text: "ok" },
      ],
      usage: unknownUsage,
    },
    { createdAt: 1 },
    notes,
  );
  assert.deepEqual((out["output"] as unknown[])[0], {
    type: "reasoning",
    id: "rs_resp_1_0",
    summary: [],
    encrypted_content: null,
    content: [{ type: "reasoning_text", text: "hmm" }],
  });
  assert.deepEqual(out["usage"], {
    input_tokens: 0,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 0,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 0,
  });
  assert.deepEqual(notes.list.map((n) => n.code), [
    "thinking_state_dropped",
    "usage_unknown",
    "usage_unknown",
    "usage_unknown",
    "usage_unknown",
  ]);
});

Deno.test("IR → Responses request: stateless thinking joins the item of the state after it, else is dropped", () => {
  const t = (text: string, state: OpaqueState | null) => ({
    type: "thinking" as const,
    text,
    kind: "summary" as const,
    state,
  });
  const notes = new Notes();
  const out = encodeResponsesRequest(
    {
      ...baseRequest,
      messages: [...baseRequest.messages, {
        role: "assistant",
        content: [t("a", null), t("b", own), t("c", null), { type: "text", text: "done" }],
      }],
    },
    { store: false },
    notes,
  );
  assert.deepEqual((out["input"] as unknown[]).slice(1), [
    {
      type: "reasoning",
      id: "rs_1",
      summary: [{ type: "summary_text", text: "a" }, { type: "summary_text", text: "b" }],
      encrypted_content: "enc",
    },
    { type: "message", role: "assistant", content: [{ type: "output_text", text: "done" }] },
  ]);
  assert.deepEqual(notes.list.map((n) => [n.code, n.field]), [
    ["thinking_state_dropped", "messages[1].content[2]"],
  ]);
});
