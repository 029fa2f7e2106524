/**
 * Test fixtures for streaming redaction: a regex `Scan` standing in for the real detectors (not
 * in this branch), readable placeholders, and a corpus with values the detectors find.
 */
import type { Finding, RedactRules, Scan } from "../../src/pii/types.ts";

interface RegexDetector {
  name: string;
  type: string;
  re: RegExp;
}

export const fixtureDetectors: RegexDetector[] = [
  {
    name: "private_key",
    type: "PRIVATE_KEY",
    // Unterminated blocks match to the end, as the real detector does.
    re: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  },
  { name: "email", type: "EMAIL", re: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  { name: "api_key", type: "API_KEY", re: /sk-[A-Za-z0-9_-]{20,}/g },
  // Not after a word character or dash, so `claude-sonnet-4-5-20250929` is no phone number.
  { name: "phone", type: "PHONE", re: /(?<![\w-])\+?\d[\d -]{7,}\d/g },
];

/** Every detector's matches; on overlap the earlier start wins, then the longer match. */
export function regexScan(detectors: RegexDetector[] = fixtureDetectors): Scan {
  return (text) => {
    const all: Finding[] = [];
    for (const d of detectors) {
      for (const m of text.matchAll(d.re)) {
        if (m[0].length === 0) continue;
        all.push({ detector: d.name, type: d.type, start: m.index, end: m.index + m[0].length });
      }
    }
    all.sort((a, b) => a.start - b.start || b.end - a.end);
    const out: Finding[] = [];
    for (const f of all) if (out.length === 0 || f.start >= out.at(-1)!.end) out.push(f);
    return out;
  };
}

/** `[EMAIL:john.doe@example.com]` would defeat the point; the value's length is enough. */
export const placeholder = (type: string, value: string) => `[${type}_REDACTED:${value.length}]`;

export const rules: RedactRules = {
  scan: regexScan(),
  isDeniedField: (name) => name === "password" || name === "ssn",
  placeholder,
};

export const nothingRules: RedactRules = {
  scan: () => [],
  isDeniedField: () => false,
  placeholder,
};

export const pem = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
  "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

export const values = {
  email: "john.doe@example.com",
  email2: "a.b+tag@mail.example.org",
  phone: "+1 555 123 4567",
  phone2: "4111 1111 1111 1111",
  key: "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234",
};

export const corpus: string[] = [
  `Contact ${values.email} for details.`,
  `Call me at ${values.phone} or write to ${values.email2}, thanks!`,
  `The card ${values.phone2} expires soon; ref 12 34 is not a phone.`,
  `Use the key ${values.key}\nand never share it.`,
  `Here is the key:\n${pem}\nKeep it safe. Mail ${values.email}`,
  `tel:${values.phone} (office) and 555-123-4567x.`,
  `In 2024 I met ALICE at IBAN DE89 3704 0044 0532 0130 00 maybe.`,
  `no pii here at all, just words and  double  spaces\tand tabs.`,
  `unicode caf\u00e9 \u{1F600} ${values.email} \u00fcber`,
  `Ends with an open key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC`,
  `Ends with ${values.email}`,
];
