/**
 * Each upstream's stream that starts an answer and then reports, in band, that it is overloaded:
 * the cells' `stream_error_overloaded` case.
 */
import {
  encodeEventStreamMessage,
  eventStreamException,
} from "../../../src/providers/aws_eventstream.ts";
import {
  type Answer,
  type AnswerUsage,
  type ChatServer,
  chatStream,
  responsesEnvelope,
  responsesStream,
} from "./cells_wire.ts";
import { anthropicStream, converseStreamHex, geminiChunk, hex } from "./cells_wire_others.ts";

/** The text a failing stream sends before the upstream reports it is overloaded. */
const partialText = "Partial answer";

/** Each upstream's stream that starts an answer, then fails with "overloaded" in band. */
export function overloadedStream(protocol: string, server: ChatServer): [string, string] {
  const sse = (events: [string | null, unknown][]) =>
    events.map(([event, data]) =>
      `${event === null ? "" : `event: ${event}\n`}data: ${JSON.stringify(data)}\n\n`
    ).join("");
  const a: Answer = { text: partialText, stop: "end", usage: { ...zero, input: 20 } };
  switch (protocol) {
    case "openai.chat": {
      const text = chatStream(a, server).split("\n\n").slice(0, 3).join("\n\n") + "\n\n";
      return [
        "upstream_response.sse",
        text + sse([[null, {
          error: {
            message: "The server is overloaded or not ready yet.",
            type: "service_unavailable_error",
            param: null,
            code: "server_is_overloaded",
          },
        }]]),
      ];
    }
    case "openai.responses": {
      const events = responsesStream(a).split("\n\n").slice(0, 5).join("\n\n") + "\n\n";
      return [
        "upstream_response.sse",
        events + sse([["response.failed", {
          type: "response.failed",
          sequence_number: 5,
          response: {
            ...responsesEnvelope(a, false),
            status: "failed",
            error: {
              code: "server_is_overloaded",
              message: "Our servers are currently overloaded. Please try again later.",
            },
          },
        }]]),
      ];
    }
    case "anthropic.messages": {
      const events = anthropicStream(a).split("\n\n").slice(0, 3).join("\n\n") + "\n\n";
      return [
        "upstream_response.sse",
        events + sse([["error", {
          type: "error",
          error: { type: "overloaded_error", message: "Overloaded" },
          request_id: "req_011Cell",
        }]]),
      ];
    }
    case "gemini.generate":
      return [
        "upstream_response.sse",
        sse([
          [null, geminiChunk([{ text: partialText }], false, a.usage)],
          [null, {
            error: {
              code: 503,
              message: "The model is overloaded. Please try again later.",
              status: "UNAVAILABLE",
            },
          }],
        ]).replaceAll("\n\n", "\r\n\r\n"),
      ];
    default: {
      const frames = converseStreamHex(a).split("\n").slice(0, 2);
      const failure = encodeEventStreamMessage(
        eventStreamException(
          "serviceUnavailableException",
          "Bedrock is unable to process your request.",
        ),
      );
      return ["upstream_response.eventstream.hex", [...frames, hex(failure)].join("\n") + "\n"];
    }
  }
}

const zero: AnswerUsage = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };
