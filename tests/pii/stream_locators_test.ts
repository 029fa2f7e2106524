import { deepStrictEqual } from "node:assert/strict";
import { locateAnthropicStreamText } from "../../src/providers/anthropic.ts";
import { locateOpenAiStreamText } from "../../src/providers/openai.ts";
import type { SseEvent, StreamTextLocation } from "../../src/providers/types.ts";

const none: StreamTextLocation = { fields: [], closes: [] };

const openAiCases: { name: string; event: SseEvent; expect: StreamTextLocation }[] = [
  {
    name: "chat content, first chunk with role",
    event: {
      event: null,
      data: { choices: [{ index: 0, delta: { role: "assistant", content: "", refusal: null } }] },
    },
    expect: {
      fields: [{
        channel: "choices/0/content",
        path: ["choices", 0, "delta", "content"],
        once: [["choices", 0, "delta", "role"]],
      }],
      closes: [],
    },
  },
  {
    name: "chat refusal and reasoning_content of the second choice",
    event: {
      event: null,
      data: { choices: [{ index: 1, delta: { refusal: "no", reasoning_content: "hm" } }] },
    },
    expect: {
      fields: [
        { channel: "choices/1/refusal", path: ["choices", 0, "delta", "refusal"], once: [] },
        {
          channel: "choices/1/reasoning_content",
          path: ["choices", 0, "delta", "reasoning_content"],
          once: [],
        },
      ],
      closes: [],
    },
  },
  {
    name: "chat tool call arguments are channelled by the call's index",
    event: {
      event: null,
      data: {
        choices: [{
          index: 0,
          delta: {
            tool_calls: [{
              index: 2,
              id: "call_1",
              type: "function",
              function: { name: "f", arguments: "{" },
            }],
          },
        }],
      },
    },
    expect: {
      fields: [{
        channel: "choices/0/tool_calls/2",
        path: ["choices", 0, "delta", "tool_calls", 0, "function", "arguments"],
        once: [
          ["choices", 0, "delta", "tool_calls", 0, "id"],
          ["choices", 0, "delta", "tool_calls", 0, "type"],
          ["choices", 0, "delta", "tool_calls", 0, "function", "name"],
        ],
        json: true,
      }],
      closes: [],
    },
  },
  {
    name: "finish_reason closes the choice",
    event: { event: null, data: { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] } },
    expect: { fields: [], closes: ["choices/0"] },
  },
  {
    name: "legacy completions text with finish_reason in the same chunk",
    event: { event: null, data: { choices: [{ index: 0, text: "", finish_reason: "length" }] } },
    expect: {
      fields: [{ channel: "choices/0/text", path: ["choices", 0, "text"] }],
      closes: ["choices/0"],
    },
  },
  { name: "[DONE]", event: { event: null, data: "[DONE]" }, expect: { fields: [], closes: "all" } },
  {
    name: "an error chunk",
    event: { event: null, data: { error: { message: "x" } } },
    expect: { fields: [], closes: "all" },
  },
  {
    name: "usage-only chunk",
    event: { event: null, data: { choices: [], usage: {} } },
    expect: none,
  },
  { name: "plain text", event: { event: null, data: "not json at all" }, expect: none },
  {
    name: "responses output_text delta",
    event: {
      event: "response.output_text.delta",
      data: { type: "response.output_text.delta", item_id: "msg_1", content_index: 0, delta: "Hi" },
    },
    expect: { fields: [{ channel: "msg_1/output_text/0", path: ["delta"] }], closes: [] },
  },
  {
    name: "responses output_text done",
    event: {
      event: "response.output_text.done",
      data: { type: "response.output_text.done", item_id: "msg_1", content_index: 0, text: "Hi" },
    },
    expect: { fields: [], closes: ["msg_1/output_text/0"] },
  },
  {
    name: "responses reasoning summary delta",
    event: {
      event: "response.reasoning_summary_text.delta",
      data: {
        type: "response.reasoning_summary_text.delta",
        item_id: "rs_1",
        summary_index: 1,
        delta: "a",
      },
    },
    expect: { fields: [{ channel: "rs_1/reasoning_summary_text/1", path: ["delta"] }], closes: [] },
  },
  {
    name: "responses function call arguments delta",
    event: {
      event: "response.function_call_arguments.delta",
      data: {
        type: "response.function_call_arguments.delta",
        item_id: "fc_1",
        output_index: 2,
        delta: "{",
      },
    },
    expect: {
      fields: [{ channel: "fc_1/function_call_arguments", path: ["delta"], json: true }],
      closes: [],
    },
  },
  {
    name: "responses refusal delta",
    event: {
      event: "response.refusal.delta",
      data: { type: "response.refusal.delta", item_id: "msg_1", content_index: 1, delta: "No" },
    },
    expect: { fields: [{ channel: "msg_1/refusal/1", path: ["delta"] }], closes: [] },
  },
  {
    name: "responses output item done closes everything of the item",
    event: {
      event: "response.output_item.done",
      data: { type: "response.output_item.done", output_index: 1, item: { id: "msg_1" } },
    },
    expect: { fields: [], closes: ["msg_1", "output/1"] },
  },
  {
    name: "responses completed",
    event: { event: "response.completed", data: { type: "response.completed", response: {} } },
    expect: { fields: [], closes: "all" },
  },
  {
    name: "chat audio transcript; the audio data and id are not repeated in a copy",
    event: {
      event: null,
      data: {
        choices: [{
          index: 0,
          delta: { audio: { id: "audio_1", transcript: "Hel", data: "UklGR", expires_at: 1 } },
        }],
      },
    },
    expect: {
      fields: [{
        channel: "choices/0/audio_transcript",
        path: ["choices", 0, "delta", "audio", "transcript"],
        once: [
          ["choices", 0, "delta", "audio", "id"],
          ["choices", 0, "delta", "audio", "data"],
          ["choices", 0, "delta", "audio", "expires_at"],
        ],
      }],
      closes: [],
    },
  },
  {
    name: "chat audio without a transcript piece has no text",
    event: { event: null, data: { choices: [{ index: 0, delta: { audio: { data: "UklGR" } } }] } },
    expect: { fields: [], closes: [] },
  },
  {
    name: "responses audio transcript delta",
    event: {
      event: "response.audio.transcript.delta",
      data: { type: "response.audio.transcript.delta", delta: "Hel", sequence_number: 3 },
    },
    expect: { fields: [{ channel: "response/audio.transcript", path: ["delta"] }], closes: [] },
  },
  {
    name: "responses audio transcript done closes it",
    event: {
      event: "response.audio.transcript.done",
      data: { type: "response.audio.transcript.done", sequence_number: 9 },
    },
    expect: { fields: [], closes: ["response/audio.transcript"] },
  },
  {
    name: "responses MCP call arguments are JSON",
    event: {
      event: "response.mcp_call_arguments.delta",
      data: { type: "response.mcp_call_arguments.delta", item_id: "mcp_1", delta: "{" },
    },
    expect: {
      fields: [{ channel: "mcp_1/mcp_call_arguments", path: ["delta"], json: true }],
      closes: [],
    },
  },
  {
    name: "responses created",
    event: { event: "response.created", data: { type: "response.created", response: {} } },
    expect: none,
  },
];

Deno.test("OpenAI stream-text locator", async (t) => {
  for (const c of openAiCases) {
    await t.step(c.name, () => deepStrictEqual(locateOpenAiStreamText(c.event), c.expect));
  }
});

const block = (delta: Record<string, unknown>): SseEvent => ({
  event: "content_block_delta",
  data: { type: "content_block_delta", index: 3, delta },
});

const anthropicCases: { name: string; event: SseEvent; expect: StreamTextLocation }[] = [
  {
    name: "text delta",
    event: block({ type: "text_delta", text: "Hi" }),
    expect: { fields: [{ channel: "content/3", path: ["delta", "text"] }], closes: [] },
  },
  {
    name: "tool input JSON delta",
    event: block({ type: "input_json_delta", partial_json: '{"a"' }),
    expect: {
      fields: [{ channel: "content/3", path: ["delta", "partial_json"], json: true }],
      closes: [],
    },
  },
  {
    name: "thinking delta",
    event: block({ type: "thinking_delta", thinking: "hm" }),
    expect: { fields: [{ channel: "content/3", path: ["delta", "thinking"] }], closes: [] },
  },
  {
    name: "signature delta is complete, not a piece",
    event: block({ type: "signature_delta", signature: "abc" }),
    expect: none,
  },
  {
    name: "content_block_start's text is the block's first piece",
    event: {
      event: "content_block_start",
      data: { type: "content_block_start", index: 3, content_block: { type: "text", text: "" } },
    },
    expect: { fields: [{ channel: "content/3", path: ["content_block", "text"] }], closes: [] },
  },
  {
    name: "content_block_start of a tool carries no text",
    event: {
      event: "content_block_start",
      data: {
        type: "content_block_start",
        index: 3,
        content_block: { type: "tool_use", id: "t", name: "f", input: {} },
      },
    },
    expect: none,
  },
  {
    name: "content_block_stop closes its block",
    event: { event: "content_block_stop", data: { type: "content_block_stop", index: 3 } },
    expect: { fields: [], closes: ["content/3"] },
  },
  {
    name: "message_delta closes everything",
    event: { event: "message_delta", data: { type: "message_delta", delta: {} } },
    expect: { fields: [], closes: "all" },
  },
  {
    name: "message_stop",
    event: { event: "message_stop", data: { type: "message_stop" } },
    expect: { fields: [], closes: "all" },
  },
  {
    name: "error",
    event: { event: "error", data: { type: "error", error: {} } },
    expect: { fields: [], closes: "all" },
  },
  { name: "ping", event: { event: "ping", data: { type: "ping" } }, expect: none },
  { name: "not JSON", event: { event: "x", data: "hello" }, expect: none },
];

Deno.test("Anthropic stream-text locator", async (t) => {
  for (const c of anthropicCases) {
    await t.step(c.name, () => deepStrictEqual(locateAnthropicStreamText(c.event), c.expect));
  }
});
