/**
 * Writes the input files of every translated conformance cell from cells_cases.ts (the client's
 * `request.json`, the upstream's `upstream_response.json` / `.sse` / `.eventstream.hex`, and
 * `upstream_status.json` for an error): `deno run -A tests/providers/translate/cells_seed.ts`.
 * Then `UPDATE_GOLDENS=1 deno test -A tests/providers/translate/cells_test.ts` writes the expected
 * files, to be read before committing. Cases already on disk that are not in cells_cases.ts (the
 * first session's) are left as they are.
 */
import {
  type Case,
  cases,
  clientIds,
  type ErrorCase,
  type UpstreamErrorWire,
} from "./cells_cases.ts";
import { cellName, cellsRoot, type Column, columns, isPassthrough } from "./cells.ts";
import {
  type Answer,
  chatAnswer,
  chatStream,
  responsesAnswer,
  responsesStream,
} from "./cells_wire.ts";
import {
  anthropicAnswer,
  anthropicStream,
  converseAnswer,
  converseStreamHex,
  eventStreamHex,
  geminiAnswer,
  geminiStream,
} from "./cells_wire_others.ts";
import { overloadedStream } from "./cells_wire_failing.ts";

/** Each provider's own error answers (bodies as their APIs send them; see errors_in_band.ts). */
const upstreamErrors: Record<string, Record<ErrorCase, UpstreamErrorWire>> = {
  openai: {
    error_429: {
      status: 429,
      headers: { "retry-after": "2", "x-ratelimit-reset-requests": "2s" },
      body: {
        error: {
          message:
            "Rate limit reached for gpt-4.1 in organization org-cell on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 2s.",
          type: "requests",
          param: null,
          code: "rate_limit_exceeded",
        },
      },
    },
    error_overloaded: {
      status: 503,
      headers: {},
      body: {
        error: {
          message: "The server is overloaded or not ready yet.",
          type: "service_unavailable_error",
          param: null,
          code: "server_is_overloaded",
        },
      },
    },
    error_5xx: {
      status: 500,
      headers: {},
      body: {
        error: {
          message: "The server had an error while processing your request. Sorry about that!",
          type: "server_error",
          param: null,
          code: null,
        },
      },
    },
  },
  anthropic: {
    error_429: {
      status: 429,
      headers: { "retry-after": "2", "request-id": "req_011Cell" },
      body: {
        type: "error",
        error: {
          type: "rate_limit_error",
          message:
            "This request would exceed the rate limit for your organization of 50 requests per minute.",
        },
        request_id: "req_011Cell",
      },
    },
    error_overloaded: {
      status: 529,
      headers: { "request-id": "req_011Cell" },
      body: {
        type: "error",
        error: { type: "overloaded_error", message: "Overloaded" },
        request_id: "req_011Cell",
      },
    },
    error_5xx: {
      status: 500,
      headers: { "request-id": "req_011Cell" },
      body: {
        type: "error",
        error: { type: "api_error", message: "Internal server error" },
        request_id: "req_011Cell",
      },
    },
  },
  gemini: {
    error_429: {
      status: 429,
      headers: {},
      body: {
        error: {
          code: 429,
          message: "Resource has been exhausted (e.g. check quota).",
          status: "RESOURCE_EXHAUSTED",
          details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "2s" }],
        },
      },
    },
    error_overloaded: {
      status: 503,
      headers: {},
      body: {
        error: {
          code: 503,
          message: "The model is overloaded. Please try again later.",
          status: "UNAVAILABLE",
        },
      },
    },
    error_5xx: {
      status: 500,
      headers: {},
      body: {
        error: {
          code: 500,
          message:
            "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
          status: "INTERNAL",
        },
      },
    },
  },
  bedrock: {
    error_429: {
      status: 429,
      headers: {
        "x-amzn-errortype":
          "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
      },
      body: { message: "Too many requests, please wait before trying again." },
    },
    error_overloaded: {
      status: 503,
      headers: {
        "x-amzn-errortype":
          "ServiceUnavailableException:http://internal.amazon.com/coral/com.amazon.bedrock/",
      },
      body: { message: "Bedrock is unable to process your request." },
    },
    error_5xx: {
      status: 500,
      headers: {
        "x-amzn-errortype":
          "InternalServerException:http://internal.amazon.com/coral/com.amazon.bedrock/",
      },
      body: {
        message:
          "The system encountered an unexpected error during processing. Try your request again.",
      },
    },
  },
};

function errorKey(column: Column): string {
  return column.kind === "openai-compatible" ? "openai" : column.kind;
}

function answerDocument(column: Column, a: Answer): unknown {
  switch (column.protocol) {
    case "openai.chat":
      return chatAnswer(a, column.kind === "openai-compatible" ? "openai-compatible" : "openai");
    case "openai.responses":
      return responsesAnswer(a);
    case "anthropic.messages":
      return anthropicAnswer(a);
    case "gemini.generate":
      return geminiAnswer(a);
    case "bedrock.converse":
      return converseAnswer(a);
  }
}

function answerStream(column: Column, a: Answer): [string, string] {
  switch (column.protocol) {
    case "openai.chat":
      return [
        "upstream_response.sse",
        chatStream(a, column.kind === "openai-compatible" ? "openai-compatible" : "openai"),
      ];
    case "openai.responses":
      return ["upstream_response.sse", responsesStream(a)];
    case "anthropic.messages":
      return ["upstream_response.sse", anthropicStream(a)];
    case "gemini.generate":
      return ["upstream_response.sse", geminiStream(a)];
    case "bedrock.converse":
      return ["upstream_response.eventstream.hex", converseStreamHex(a)];
  }
}

const testdata = new URL("../../testdata/translate/", import.meta.url).pathname;

/**
 * The stream goldens of the codec tests (streams/, codecs/), as the upstream's bytes, with their
 * document twin where one was recorded.
 */
function writeGoldenStream(dir: string, column: Column): void {
  const copy = (from: string, to: string) =>
    Deno.copyFileSync(`${testdata}${from}`, `${dir}/${to}`);
  switch (column.protocol) {
    case "openai.chat":
      copy("streams/openai.chat/tools_parallel_repeat.sse", "upstream_response.sse");
      copy("streams/openai.chat/tools_parallel_repeat.response.json", "upstream_response.json");
      return;
    case "anthropic.messages":
      copy("streams/anthropic.messages/thinking_tools.sse", "upstream_response.sse");
      copy("streams/anthropic.messages/thinking_tools.response.json", "upstream_response.json");
      return;
    case "gemini.generate":
      copy("codecs/gemini/stream_tool_call_signature.sse", "upstream_response.sse");
      return;
    case "openai.responses": {
      const events = JSON.parse(
        Deno.readTextFileSync(
          `${testdata}codecs/openai.responses/stream/reasoning_text_tools.events.json`,
        ),
      ) as { type: string }[];
      const sse = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join("");
      Deno.writeTextFileSync(`${dir}/upstream_response.sse`, sse);
      return;
    }
    case "bedrock.converse": {
      const events = JSON.parse(
        Deno.readTextFileSync(
          `${testdata}codecs/bedrock.converse/stream_thinking_tools.events.json`,
        ),
      ) as { type: string; payload: unknown }[];
      Deno.writeTextFileSync(`${dir}/upstream_response.eventstream.hex`, eventStreamHex(events));
      return;
    }
  }
}

const json = (v: unknown) => JSON.stringify(v, null, 2) + "\n";

function writeCase(dir: string, client: string, column: Column, c: Case): void {
  const request = c.requests[client as keyof Case["requests"]];
  if (request === undefined) return;
  Deno.mkdirSync(dir, { recursive: true });
  Deno.writeTextFileSync(`${dir}/request.json`, json(request));
  if (c.answer === "stream_golden") {
    writeGoldenStream(dir, column);
    return;
  }
  if (c.answer === "stream_overloaded") {
    const server = column.kind === "openai-compatible" ? "openai-compatible" : "openai";
    const [name, text] = overloadedStream(column.protocol, server);
    Deno.writeTextFileSync(`${dir}/${name}`, text);
    return;
  }
  if (typeof c.answer === "string") {
    const wire = upstreamErrors[errorKey(column)]![c.answer];
    Deno.writeTextFileSync(
      `${dir}/upstream_status.json`,
      json({ status: wire.status, headers: wire.headers }),
    );
    Deno.writeTextFileSync(`${dir}/upstream_response.json`, json(wire.body));
    return;
  }
  Deno.writeTextFileSync(`${dir}/upstream_response.json`, json(answerDocument(column, c.answer)));
  if (request["stream"] === true) {
    const [name, text] = answerStream(column, c.answer);
    Deno.writeTextFileSync(`${dir}/${name}`, text);
  }
}

if (import.meta.main) {
  let written = 0;
  for (const client of clientIds) {
    for (const column of columns) {
      if (isPassthrough(client, column)) continue;
      for (const [name, c] of Object.entries(cases)) {
        const dir = `${cellsRoot}${cellName(client, column)}/${name}`;
        writeCase(dir, client, column, c);
        if (c.requests[client] !== undefined) written++;
      }
    }
  }
  console.log(`${written} case folders written under ${cellsRoot}`);
}
