/**
 * The Gemini stream text locator (providers/gemini_stream_text.ts) and the stream redactor over
 * Gemini `alt=sse` chunks: text and thought parts are pieces per candidate (a value split across
 * chunks is only ever sent as its placeholder, at every cut), `functionCall.args` is whole in its
 * chunk and checked as it stands, a copy carrying held text repeats no function call and no usage,
 * and what cannot be followed (streamed `partialArgs`, an unknown part kind) stops the stream.
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { locateGeminiStreamText } from "../../src/providers/gemini_stream_text.ts";
import { geminiAdapter } from "../../src/providers/gemini.ts";
import { redactSseText, SseRedactorEngine } from "../../src/pii/stream/mod.ts";
import type { StreamTextLocation } from "../../src/providers/types.ts";
import { cutString, parseSse } from "./sse_replay.ts";
import { rules, values } from "./stream_fixture.ts";

const email = values.email;
const redactedEmail = `[EMAIL_REDACTED:${email.length}]`;

interface Part {
  text?: string;
  thought?: boolean;
  [k: string]: unknown;
}

const usage = (candidates: number) => ({
  promptTokenCount: 5,
  candidatesTokenCount: candidates,
  totalTokenCount: 5 + candidates,
});

function chunk(parts: Part[], opts: { finish?: boolean; usage?: number } = {}): string {
  return `data: ${
    JSON.stringify({
      candidates: [{
        content: { parts, role: "model" },
        ...(opts.finish ? { finishReason: "STOP" } : {}),
        index: 0,
      }],
      usageMetadata: usage(opts.usage ?? 1),
      modelVersion: "gemini-2.5-flash",
    })
  }\r\n\r\n`;
}

const opts = (mode: "redact" | "block" = "redact") => ({
  locate: geminiAdapter.locateStreamText!,
  streamError: geminiAdapter.streamError!,
  rules,
  mode,
});

interface Seen {
  text: string;
  thought: string;
  calls: unknown[];
  lastUsage: unknown;
}

/** What `@google/genai` shows: text and thoughts joined, function calls, the last usage. */
function client(sse: string): Seen {
  const seen: Seen = { text: "", thought: "", calls: [], lastUsage: null };
  for (const e of parseSse(sse)) {
    const data = JSON.parse(e.data);
    if (data.usageMetadata !== undefined) seen.lastUsage = data.usageMetadata;
    for (const p of data.candidates?.[0]?.content?.parts ?? []) {
      if (typeof p.text === "string") {
        if (p.thought === true) seen.thought += p.text;
        else seen.text += p.text;
      }
      if (p.functionCall !== undefined) seen.calls.push(p.functionCall);
    }
  }
  return seen;
}

/** The first part's text of the first candidate, as the locator names it. */
const firstText = {
  channel: "candidates/0/text",
  path: ["candidates", 0, "content", "parts", 0, "text"],
  once: [["usageMetadata"]],
};

const cases: { name: string; data: unknown; expect: StreamTextLocation }[] = [
  {
    name: "a text part is a piece of its candidate's text",
    data: { candidates: [{ content: { parts: [{ text: "Hi" }], role: "model" }, index: 0 }] },
    expect: {
      fields: [firstText],
      closes: [],
    },
  },
  {
    name: "a thought part is its own text; its signature is sent once; finishReason closes",
    data: {
      candidates: [{
        content: { parts: [{ text: "Hm", thought: true, thoughtSignature: "c2ln" }] },
        finishReason: "STOP",
        index: 1,
      }],
    },
    expect: {
      fields: [{
        channel: "candidates/1/thought",
        path: ["candidates", 0, "content", "parts", 0, "text"],
        once: [["candidates", 0, "content", "parts", 0, "thoughtSignature"], ["usageMetadata"]],
      }],
      closes: ["candidates/1"],
    },
  },
  {
    name: "a function call is whole: no field, and a copy of the chunk leaves it out",
    data: {
      candidates: [{
        content: { parts: [{ text: "Sending." }, { functionCall: { name: "send", args: {} } }] },
      }],
    },
    expect: {
      fields: [{
        channel: "candidates/0/text",
        path: ["candidates", 0, "content", "parts", 0, "text"],
        once: [["candidates", 0, "content", "parts", 1], ["usageMetadata"]],
      }],
      closes: [],
    },
  },
  {
    name: "executable code and its result are whole",
    data: {
      candidates: [{
        content: {
          parts: [
            { executableCode: { language: "PYTHON", code: "print(1)" } },
            { codeExecutionResult: { outcome: "OUTCOME_OK", output: "1\n" } },
          ],
        },
      }],
    },
    expect: { fields: [], closes: [] },
  },
  {
    name: "an in-band error closes every text",
    data: { error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } },
    expect: { fields: [], closes: "all" },
  },
  {
    name: "a blocked prompt (no candidates) carries no text",
    data: { promptFeedback: { blockReason: "SAFETY" } },
    expect: { fields: [], closes: [] },
  },
  {
    name: "a function call streamed in pieces cannot be followed",
    data: {
      candidates: [{
        content: {
          parts: [{
            functionCall: {
              name: "send",
              partialArgs: [{ jsonPath: "$.to", stringValue: "john.d", willContinue: true }],
              willContinue: true,
            },
          }],
        },
      }],
    },
    expect: {
      fields: [],
      closes: [],
      uninspectable: "a Gemini function call streamed in pieces (partialArgs)",
    },
  },
  {
    name: "a part of an unknown kind holding text cannot be followed",
    data: { candidates: [{ content: { parts: [{ toolCall: { code: "x" } }] } }] },
    expect: {
      fields: [],
      closes: [],
      uninspectable: "a Gemini part of a kind the gateway does not know (toolCall)",
    },
  },
  {
    name: "an unknown member holding no text is no risk",
    data: { candidates: [{ content: { parts: [{ text: "a", weight: 1 }] } }] },
    expect: {
      fields: [firstText],
      closes: [],
    },
  },
];

for (const c of cases) {
  Deno.test(`gemini locator: ${c.name}`, () => {
    deepStrictEqual(locateGeminiStreamText({ event: null, data: c.data }), c.expect);
  });
}

Deno.test("gemini stream: an email split across chunks at every offset is only sent redacted", () => {
  const sentence = `Write to ${email} today.`;
  for (let cut = 1; cut < sentence.length; cut++) {
    const [a, b] = cutString(sentence, [cut]);
    const sse = chunk([{ text: a! }]) + chunk([{ text: b! }], { finish: true, usage: 7 });
    const out = redactSseText(sse, opts());
    ok(!out.text.includes(email), `cut at ${cut}`);
    const seen = client(out.text);
    strictEqual(seen.text, `Write to ${redactedEmail} today.`, `cut at ${cut}`);
    deepStrictEqual(seen.lastUsage, usage(7));
  }
});

Deno.test("gemini stream: thought text is redacted as its own text", () => {
  const sse = chunk([{ text: "The user is john.d", thought: true }]) +
    chunk([{ text: "oe@example.com.", thought: true }]) +
    chunk([{ text: "Done." }], { finish: true });
  const out = redactSseText(sse, opts());
  ok(!out.text.includes(email));
  const seen = client(out.text);
  strictEqual(seen.thought, `The user is ${redactedEmail}.`);
  strictEqual(seen.text, "Done.");
});

Deno.test("gemini stream: functionCall args are redacted in their chunk, numbers kept", () => {
  const call = { name: "send", args: { to: email, subject: `re: ${email}`, copies: 3 } };
  const sse = chunk([{ functionCall: call }], { finish: true });
  const out = redactSseText(sse, opts());
  ok(!out.text.includes(email));
  deepStrictEqual(client(out.text).calls, [{
    name: "send",
    args: { to: redactedEmail, subject: `re: ${redactedEmail}`, copies: 3 },
  }]);
});

Deno.test("gemini stream: held text sent at the end repeats no function call and no older usage", () => {
  // The last text piece may still grow into an address: it is held until the end, then sent in a
  // copy of its chunk, which also carried a function call and interim usage.
  const sse = chunk([{ text: "Mail john" }]) +
    chunk([{ text: ".doe@example" }, { functionCall: { name: "send", args: { n: 1 } } }], {
      usage: 3,
    }) + chunk([{ text: ".com" }], { usage: 9 });
  const out = redactSseText(sse, opts());
  const seen = client(out.text);
  strictEqual(seen.text, `Mail ${redactedEmail}`);
  deepStrictEqual(seen.calls, [{ name: "send", args: { n: 1 } }], "the call exactly once");
  deepStrictEqual(seen.lastUsage, usage(9), "the final usage stays the last one");
});

Deno.test("gemini stream: block ends with the unframed error object @google/genai raises", () => {
  const sse = chunk([{ text: "Write to john.d" }]) + chunk([{ text: "oe@example.com" }]);
  const out = redactSseText(sse, opts("block"));
  ok(!out.text.includes(email));
  const tail = out.text.trimEnd().split(/\r?\n/).at(-1)!;
  const err = JSON.parse(tail) as {
    error: { code: number; status: string; message: string; details: { reason: string }[] };
  };
  strictEqual(err.error.code, 403);
  strictEqual(err.error.status, "PERMISSION_DENIED");
  strictEqual(err.error.details[0]!.reason, "PII_BLOCKED");
  ok(err.error.message.includes("PII policy"), err.error.message);
});

Deno.test("gemini stream: partialArgs stop the stream rather than pass a piece", () => {
  const partial = {
    name: "send",
    partialArgs: [{ jsonPath: "$.to", stringValue: "john.d", willContinue: true }],
    willContinue: true,
  };
  const stopped: string[] = [];
  const engine = new SseRedactorEngine({
    ...opts(),
    onStopped: (code: string) => stopped.push(code),
  });
  const sse = chunk([{ text: "Hi " }]) + chunk([{ functionCall: partial }]);
  const out = new TextDecoder().decode(
    new Uint8Array(
      [...engine.push(new TextEncoder().encode(sse)), ...engine.end()].flatMap((b) => [...b]),
    ),
  );
  deepStrictEqual(stopped, ["pii_stream_uninspectable"]);
  ok(!out.includes("john.d"), out);
  ok(out.includes("PII_STREAM_UNINSPECTABLE"), out);
});

Deno.test("gemini stream: an in-band error written outside the SSE framing is checked as text", () => {
  const raw =
    `{"error": {"code": 400, "message": "bad address ${email}", "status": "INVALID_ARGUMENT"}}`;
  const out = redactSseText(chunk([{ text: "Hi" }]) + raw + "\n\n", opts());
  ok(!out.text.includes(email), out.text);
  ok(out.text.includes(redactedEmail));
});
