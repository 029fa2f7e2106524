/**
 * Redaction rules for the redactor tests, without the real detectors: a `Scan` built from a few
 * regexes, a short deterministic placeholder, and an exact-name field rule.
 */
import type { Finding, RedactRules, Scan } from "../../src/pii/types.ts";

export interface Pattern {
  detector: string;
  type: string;
  regex: RegExp;
}

export const email: Pattern = {
  detector: "email",
  type: "EMAIL",
  regex: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
};
export const apiKey: Pattern = {
  detector: "token_like",
  type: "TOKEN",
  regex: /\bsk-[A-Za-z0-9_-]{16,}/g,
};
/** The extra patterns the benchmark adds, for a cost closer to the real detector set. */
export const phone: Pattern = {
  detector: "phone",
  type: "PHONE",
  regex: /\b(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b/g,
};
export const ssn: Pattern = { detector: "ssn", type: "SSN", regex: /\b\d{3}-\d{2}-\d{4}\b/g };
export const card: Pattern = {
  detector: "credit_card",
  type: "CREDIT_CARD",
  regex: /\b(?:\d[ -]?){13,19}\b/g,
};

/** Every match of every pattern, sorted, overlaps resolved by keeping the earlier (then longer). */
export function makeScan(patterns: readonly Pattern[]): Scan {
  return (text) => {
    const all: Finding[] = [];
    for (const p of patterns) {
      for (const m of text.matchAll(p.regex)) {
        all.push({
          detector: p.detector,
          type: p.type,
          start: m.index,
          end: m.index + m[0].length,
        });
      }
    }
    all.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Finding[] = [];
    for (const f of all) if (out.length === 0 || f.start >= out[out.length - 1]!.end) out.push(f);
    return out;
  };
}

/** FNV-1a, 32 bits: stands in for the salted hash of the real placeholder. */
function fnv(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

export const ph = (type: string, value: string): string => `[${type}_REDACTED:${fnv(value)}]`;

export const deniedNames: ReadonlySet<string> = new Set(["password", "email", "ssn", "api_key"]);

export function makeRules(overrides: Partial<RedactRules> = {}): RedactRules {
  return {
    scan: makeScan([email, apiKey]),
    isDeniedField: (name) => deniedNames.has(name.toLowerCase()),
    placeholder: ph,
    ...overrides,
  };
}

export const rules: RedactRules = makeRules();

/** A realistic chat-completions request of about `size` characters, with a few findings inside. */
export function chatRequest(size: number): string {
  const sentence =
    "The quarterly report shows revenue grew 12% while costs (cloud, staff) stayed flat; " +
    "please summarise the trends, note any risks, and suggest three follow-up questions. ";
  const messages: { role: string; content: string }[] = [
    { role: "system", content: "You are a helpful assistant. Answer in British English." },
  ];
  let total = 0;
  for (let k = 0; total < size - 4000; k++) {
    let content = sentence.repeat(6 + (k % 5));
    if (k % 17 === 3) content += ` Contact me at jane.doe${k}@example.com for the raw data.`;
    if (k % 29 === 5) content += ` My key is sk-proj-${"a1B2c3D4".repeat(4)}, do not share it.`;
    if (k % 7 === 1) content += ' He wrote: "see \\ the \u00e9t\u00e9 notes" \u{1F600}.';
    messages.push({ role: k % 2 ? "assistant" : "user", content });
    total += content.length + 40;
  }
  return JSON.stringify({
    model: "gpt-4o",
    max_tokens: 1024,
    temperature: 0.2,
    stream: true,
    messages,
    tools: [{
      type: "function",
      function: {
        name: "send_email",
        description: "Send an email to a customer",
        parameters: {
          type: "object",
          properties: { email: { type: "string" }, body: { type: "string" } },
          required: ["email", "body"],
        },
      },
    }],
  });
}
