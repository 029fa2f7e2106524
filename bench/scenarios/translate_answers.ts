/**
 * The answers of the `translate` scenario: what the stub sends (1 KB JSON, a paced stream) and
 * what a Chat client must get back through either route, checked two ways: substrings every
 * answer under load must hold (cheap, in the load generator), and a sample parsed in full (text,
 * finish reason, usage).
 */
import type { RequestSpec } from "../client_stream.ts";
import { jsonBody } from "../stub_bodies.ts";

/** A stream of the stub: 20 content events 2 ms apart (a short chat answer). */
export const streamKnobs = { stream: "paced", chunks: 20, "interval-ms": 2 };
const streamText = Array.from({ length: streamKnobs.chunks }, (_, i) => `t${i}`).join("");
/** The stub's usage, in every answer (stub_bodies.ts). */
const usage = { prompt: 31, completion: 12 };

export type Kind = "json" | "sse";
export type Row = "direct" | "passthrough" | "reference" | "translated";

/** The text of the stub's 1 KB JSON answer in the upstream's protocol. */
function jsonText(api: "openai" | "anthropic"): string {
  const doc = JSON.parse(new TextDecoder().decode(jsonBody(api, 1024)));
  return api === "openai" ? doc.choices[0].message.content : doc.content[0].text;
}

/** Substrings every answer under load must hold. */
export function expectOf(row: Row, kind: Kind): string[] {
  if (kind === "sse") {
    return [`"content":"t${streamKnobs.chunks - 1}"`, `"finish_reason":"stop"`, "data: [DONE]"];
  }
  const text = jsonText(row === "translated" ? "anthropic" : "openai");
  return [`"content":${JSON.stringify(text)}`, `"finish_reason":"stop"`];
}

/** Parses one answer in full; the problem, or null. */
export async function checkOne(req: RequestSpec, row: Row, kind: Kind): Promise<string | null> {
  const res = await fetch(req.url, { method: "POST", headers: req.headers, body: req.body });
  const text = await res.text();
  if (res.status !== 200) return `status ${res.status}: ${text.slice(0, 300)}`;
  let content = "", finish: unknown = null, u: Record<string, unknown> | null = null;
  try {
    if (kind === "json") {
      const doc = JSON.parse(text);
      content = doc.choices?.[0]?.message?.content;
      finish = doc.choices?.[0]?.finish_reason;
      u = doc.usage ?? null;
    } else {
      const data = text.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6));
      if (data.at(-1) !== "[DONE]") return `stream does not end with [DONE]: ${text.slice(-200)}`;
      for (const d of data.slice(0, -1)) {
        const chunk = JSON.parse(d);
        content += chunk.choices?.[0]?.delta?.content ?? "";
        finish = chunk.choices?.[0]?.finish_reason ?? finish;
        u = chunk.usage ?? u;
      }
    }
  } catch (err) {
    return `unreadable answer (${String(err)}): ${text.slice(0, 300)}`;
  }
  const want = kind === "sse"
    ? streamText
    : jsonText(row === "translated" ? "anthropic" : "openai");
  if (content !== want) {
    return `content ${JSON.stringify(String(content).slice(0, 80))}, expected ${
      JSON.stringify(want.slice(0, 80))
    }`;
  }
  if (finish !== "stop") return `finish_reason ${JSON.stringify(finish)}`;
  if (u?.prompt_tokens !== usage.prompt || u?.completion_tokens !== usage.completion) {
    return `usage ${JSON.stringify(u)}`;
  }
  return null;
}
