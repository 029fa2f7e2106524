/**
 * A provider's list of its API keys, to name the gateway's keys as the provider's reports do.
 * The gateway knows a key by its last four characters (`api_key_last4`) and never keeps the key;
 * the providers list each key with a redacted form that ends with the same four: Anthropic's
 * `GET /v1/organizations/api_keys` (`partial_key_hint`: `sk-ant-api03-R2D...igAA`), OpenAI's
 * `GET /v1/organization/projects/{id}/api_keys` (`redacted_value`: `sk-abc...defg`). Pure.
 */
import { ReportError, type ReportProvider } from "./types.ts";

export interface KeyNames {
  /** The last four characters to the provider's key id, when only one key ends with them. */
  byLast4: Map<string, string>;
  /** Endings two keys share: their traffic cannot be told apart by the gateway's fingerprint. */
  ambiguous: string[];
}

const maxKeys = 10_000;
const maxPages = 1000;
const idShape = /^[A-Za-z0-9_-]{1,128}$/;

/** The hint's last four characters, when it has them after a redaction. */
function last4Of(hint: unknown): string | null {
  if (typeof hint !== "string" || hint.length > 256 || hint.length < 4) return null;
  const tail = hint.slice(-4);
  return /^[A-Za-z0-9_-]{4}$/.test(tail) ? tail : null;
}

/** Pages (one, or an array of them) of the provider's key list; a ReportError when it is none. */
export function parseKeyList(doc: unknown, provider: ReportProvider): KeyNames {
  const pages = Array.isArray(doc) ? doc : [doc];
  if (pages.length > maxPages) throw new ReportError(`key list has over ${maxPages} pages`);
  const hintField = provider === "anthropic" ? "partial_key_hint" : "redacted_value";
  const seen = new Map<string, string | null>();
  let keys = 0;
  for (const page of pages) {
    const data = (page as { data?: unknown } | null)?.data;
    if (!Array.isArray(data)) {
      throw new ReportError(
        `is not ${provider === "anthropic" ? "Anthropic" : "OpenAI"}'s API key list: a page ` +
          `needs a data array of keys with id and ${hintField}`,
      );
    }
    for (const key of data) {
      if (++keys > maxKeys) throw new ReportError(`key list has over ${maxKeys} keys`);
      if (typeof key !== "object" || key === null) continue;
      const k = key as Record<string, unknown>;
      const last4 = last4Of(k[hintField]);
      if (last4 === null || typeof k.id !== "string" || !idShape.test(k.id)) continue;
      // Two keys ending alike: neither can be named from the gateway's last four.
      seen.set(last4, seen.has(last4) && seen.get(last4) !== k.id ? null : k.id);
    }
  }
  const byLast4 = new Map<string, string>();
  const ambiguous: string[] = [];
  for (const [last4, id] of seen) {
    if (id === null) ambiguous.push(last4);
    else byLast4.set(last4, id);
  }
  return { byLast4, ambiguous: ambiguous.sort() };
}
