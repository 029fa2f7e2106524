/**
 * The conformance cases whose requests differ most per client protocol (conversation shapes,
 * images, documents, a tool result holding an image), written out for each; cells_cases.ts holds
 * the rest and the case types.
 */
import type { Case } from "./cells_cases.ts";

const png =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const pdf = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK";
/** A short answer's usage. */
export const small = { input: 30, cacheRead: 0, cacheWrite: 0, output: 8, reasoning: 0 };

export const mediaCases: Record<string, Case> = {
  system_multi_turn: {
    requests: {
      "openai.chat": {
        model: "gpt-4.1",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "developer", content: "Answer with a number." },
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello." },
          { role: "user", content: [{ type: "text", text: "What is 2+2?" }] },
        ],
        max_completion_tokens: 200,
      },
      "openai.responses": {
        model: "gpt-5.1",
        instructions: "You are terse.",
        input: [
          { role: "developer", content: "Answer with a number." },
          { role: "user", content: "Hi" },
          {
            type: "message",
            role: "assistant",
            content: [{ type: "output_text", text: "Hello.", annotations: [] }],
          },
          { role: "user", content: [{ type: "input_text", text: "What is 2+2?" }] },
        ],
        max_output_tokens: 200,
      },
      "anthropic.messages": {
        model: "claude-sonnet-4-5",
        max_tokens: 200,
        system: [{ type: "text", text: "You are terse." }, {
          type: "text",
          text: "Answer with a number.",
        }],
        messages: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: [{ type: "text", text: "Hello." }] },
          { role: "user", content: [{ type: "text", text: "What is 2+2?" }] },
        ],
      },
    },
    answer: { text: "4", stop: "end", usage: small },
  },
  image_in: {
    requests: {
      "openai.chat": {
        model: "gpt-4.1",
        messages: [{
          role: "user",
          content: [
            { type: "text", text: "What colour is this pixel?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
          ],
        }],
      },
      "openai.responses": {
        model: "gpt-5.1",
        input: [{
          role: "user",
          content: [
            { type: "input_text", text: "What colour is this pixel?" },
            { type: "input_image", image_url: `data:image/png;base64,${png}`, detail: "auto" },
          ],
        }],
      },
      "anthropic.messages": {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        messages: [{
          role: "user",
          content: [
            { type: "text", text: "What colour is this pixel?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
          ],
        }],
      },
    },
    answer: { text: "Red.", stop: "end", usage: small },
  },
  document_in: {
    requests: {
      "openai.chat": {
        model: "gpt-4.1",
        messages: [{
          role: "user",
          content: [
            {
              type: "file",
              file: { filename: "invoice.pdf", file_data: `data:application/pdf;base64,${pdf}` },
            },
            { type: "text", text: "What is the total?" },
          ],
        }],
      },
      "openai.responses": {
        model: "gpt-5.1",
        input: [{
          role: "user",
          content: [
            {
              type: "input_file",
              filename: "invoice.pdf",
              file_data: `data:application/pdf;base64,${pdf}`,
            },
            { type: "input_text", text: "What is the total?" },
          ],
        }],
      },
      "anthropic.messages": {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        messages: [{
          role: "user",
          content: [
            {
              type: "document",
              source: { type: "base64", media_type: "application/pdf", data: pdf },
              title: "invoice.pdf",
            },
            { type: "text", text: "What is the total?" },
          ],
        }],
      },
    },
    answer: { text: "The total is 42 EUR.", stop: "end", usage: small },
  },
  tool_result_image: {
    requests: {
      "openai.responses": {
        model: "gpt-5.1",
        tools: [{ type: "function", name: "screenshot", parameters: { type: "object" } }],
        input: [
          { role: "user", content: "What is on the screen?" },
          {
            type: "function_call",
            call_id: "call_shot1",
            name: "screenshot",
            arguments: "{}",
          },
          {
            type: "function_call_output",
            call_id: "call_shot1",
            output: [
              { type: "input_text", text: "screen 1" },
              { type: "input_image", image_url: `data:image/png;base64,${png}`, detail: "auto" },
            ],
          },
        ],
      },
      "anthropic.messages": {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        tools: [{ name: "screenshot", input_schema: { type: "object" } }],
        messages: [
          { role: "user", content: "What is on the screen?" },
          {
            role: "assistant",
            content: [{ type: "tool_use", id: "toolu_01Shot", name: "screenshot", input: {} }],
          },
          {
            role: "user",
            content: [{
              type: "tool_result",
              tool_use_id: "toolu_01Shot",
              content: [
                { type: "text", text: "screen 1" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
              ],
            }],
          },
        ],
      },
    },
    inexpressible: {
      "openai.chat": "a Chat tool message holds text only",
    },
    answer: { text: "A red pixel.", stop: "end", usage: small },
  },
  unsupported_image_url: {
    requests: {
      "openai.chat": {
        model: "gpt-4.1",
        messages: [{
          role: "user",
          content: [
            { type: "text", text: "Describe it." },
            { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
          ],
        }],
      },
      "openai.responses": {
        model: "gpt-5.1",
        input: [{
          role: "user",
          content: [
            { type: "input_text", text: "Describe it." },
            { type: "input_image", image_url: "https://example.com/cat.png", detail: "auto" },
          ],
        }],
      },
      "anthropic.messages": {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        messages: [{
          role: "user",
          content: [
            { type: "text", text: "Describe it." },
            { type: "image", source: { type: "url", url: "https://example.com/cat.png" } },
          ],
        }],
      },
    },
    answer: { text: "A cat.", stop: "end", usage: small },
  },
};
