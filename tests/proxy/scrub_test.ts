import assert from "node:assert/strict";
import { scrub } from "../../src/proxy/exchange.ts";

const key = "sk-proj-abcdefghijklmnopqrstuvwxyz0123";

Deno.test("scrub removes a provider key from stored text, whole or cut at the capture cap", () => {
  const table: [string, string | null, string][] = [
    ["no key here", key, "no key here"],
    [`{"error":"bad key ${key}"}`, key, `{"error":"bad key [REDACTED]"}`],
    [`${key} and ${key}`, key, "[REDACTED] and [REDACTED]"],
    [`{"echo":"${key.slice(0, 20)}`, key, `{"echo":"[REDACTED]`],
    [`{"echo":"${key.slice(0, 7)}`, key, `{"echo":"${key.slice(0, 7)}`],
    [`text ${key}`, null, `text ${key}`],
    ["short sk-1", "sk-1", "short sk-1"],
  ];
  for (const [text, k, want] of table) assert.equal(scrub(text, k), want, text);
});
