/**
 * Credentials (`token_like`): API keys and tokens recognisable by their issuer's prefix, so the
 * patterns are near-exact. The generic `(sk|pk|rk|xox?|gh?|pat)_…` rule is the original
 * gateway's, kept for compatibility, with one tightening: its tail must contain a digit, which
 * every real key of that family has and identifiers like `pk_users_email` do not.
 */

import type { Detector, Finding } from "../types.ts";
import { resolveOverlaps } from "./overlaps.ts";
import { regexFindings } from "./regex_scan.ts";

/** Left edge for prefixes that are also word endings (`task_…`, `disk-…`). */
const EDGE = "(?<![A-Za-z0-9])";

const PATTERNS: readonly string[] = [
  // PEM private keys; an unterminated block runs to the end so a stream redactor holds it back.
  "-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)",
  // Anthropic: sk-ant-api03-…, sk-ant-admin01-…, sk-ant-oat01-…
  "sk-ant-[a-z]+\\d{2}-[A-Za-z0-9_-]{20,}",
  // OpenAI project, service-account and admin keys.
  "sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}",
  // OpenAI legacy user keys: sk- and 48 letters or digits.
  `${EDGE}sk-[A-Za-z0-9]{48}(?![A-Za-z0-9_-])`,
  // AWS access key ids (long-term AKIA, temporary ASIA).
  "(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])",
  // GitHub classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained tokens.
  "gh[pousr]_[A-Za-z0-9]{36}(?![A-Za-z0-9])",
  "github_pat_[A-Za-z0-9_]{22,}",
  // Slack bot, user, app-level and other tokens.
  "xox[baprs]-[A-Za-z0-9-]{10,}",
  "xapp-\\d-[A-Za-z0-9-]{10,}",
  // Google API keys.
  "AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])",
  // Stripe secret, restricted and live publishable keys.
  `${EDGE}(?:(?:sk|rk)_(?:live|test)|pk_live)_[A-Za-z0-9]{10,}`,
  // The original gateway's generic rule (its tail's digit is checked below).
  `${EDGE}(?<generic>(?:sk|pk|rk|xox[baprs]|gh[pousr]|pat)_[A-Za-z0-9_-]{8,})`,
];

const SECRET = new RegExp(PATTERNS.map((p) => `(?:${p})`).join("|"), "g");

export const tokenLike: Detector = {
  name: "token_like",
  type: "TOKEN",
  find(text: string): Finding[] {
    const keys = regexFindings(SECRET, text, "token_like", "TOKEN", (m) => {
      const generic = m.groups?.["generic"];
      return generic === undefined || /\d/.test(generic);
    });
    const jwts = findJwts(text);
    return jwts.length === 0 ? keys : resolveOverlaps([...keys, ...jwts]);
  },
};

const B64URL_RUN = /[A-Za-z0-9_-]*/y;

/**
 * JSON Web Tokens: `eyJ<header>.eyJ<payload>.<signature>` (both JSON objects start with `{"`,
 * which base64url-encodes to `eyJ`). Scanned by hand: the regex form is quadratic on a long
 * run of `eyJeyJeyJ…`, this skips each failed run whole.
 */
function findJwts(text: string): Finding[] {
  const out: Finding[] = [];
  for (let i = text.indexOf("eyJ"); i !== -1; i = text.indexOf("eyJ", i)) {
    const header = runEnd(text, i);
    const payload = text.startsWith(".eyJ", header) ? runEnd(text, header + 1) : -1;
    if (payload === -1 || header - i < 10 || payload - header < 11 || text[payload] !== ".") {
      i = Math.max(header, i + 3);
      continue;
    }
    const end = runEnd(text, payload + 1);
    out.push({ detector: "token_like", type: "TOKEN", start: i, end });
    i = end;
  }
  return out;
}

function runEnd(text: string, i: number): number {
  B64URL_RUN.lastIndex = i;
  B64URL_RUN.exec(text);
  return B64URL_RUN.lastIndex;
}
