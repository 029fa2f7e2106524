/**
 * IP addresses. IPv4 is a dotted quad of 0-255 without leading zeros, not part of a longer dotted
 * or digit run (so `1.2.3.4.5` and `10.0.0.256` are not addresses), and not loopback or the
 * unspecified address. IPv6 candidates are runs of
 * hex digits, colons and dots that `node:net` accepts; short compressed forms (`::`, `a::b`) are
 * not reported, since `::` alone and two-group forms are mostly code (`std::vector`, `Foo::Bar`).
 */

import { isIP } from "node:net";
import type { Detector, Finding } from "../types.ts";
import { resolveOverlaps } from "./overlaps.ts";
import { regexFindings } from "./regex_scan.ts";
import { isDigit } from "./text.ts";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, "g");
/**
 * Addresses that never identify anyone: loopback (`127.0.0.1`, the default of every dev server),
 * "any" (`0.0.0.0`) and broadcast. (The IPv6 equivalents `::1` and `::` are too short to report.)
 */
const NOT_A_HOST = /^(?:127\.|0\.0\.0\.0$|255\.255\.255\.255$)/;
/** Characters of an IPv6 text form (hex digits, colons, dots for an embedded IPv4 address). */
function isV6Char(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 58 || c === 46;
}
/** The longest IPv6 text form (with an embedded IPv4 address) plus a full stop. */
const MAX_V6 = 46;

export const ipAddress: Detector = {
  name: "ip_address",
  type: "IP_ADDRESS",
  find(text: string): Finding[] {
    const v6 = findIPv6(text);
    const v4 = regexFindings(IPV4, text, "ip_address", "IP_ADDRESS", (m) => !NOT_A_HOST.test(m[0]));
    if (v6.length === 0) return v4;
    return resolveOverlaps([...v6, ...v4]);
  },
};

function isIPv6Address(candidate: string): boolean {
  if (!candidate.includes(":") || isIP(candidate) !== 6) return false;
  if (candidate.includes(".")) return true;
  return candidate.split(":").filter((g) => g !== "").length >= 3;
}

/**
 * IPv6 candidates grow outwards from each colon over hex digits, colons and dots. (A regex over
 * the same class would start at every hex-looking letter of the text: several times slower.)
 */
function findIPv6(text: string): Finding[] {
  const out: Finding[] = [];
  for (let colon = text.indexOf(":"); colon !== -1; colon = text.indexOf(":", colon + 1)) {
    let start = colon;
    while (start > 0 && isV6Char(text.charCodeAt(start - 1)) && colon - start < MAX_V6) start--;
    let end = colon + 1;
    while (end < text.length && isV6Char(text.charCodeAt(end)) && end - start <= MAX_V6) end++;
    // A sentence's full stop is not part of the address.
    let last = end;
    while (text[last - 1] === ".") last--;
    const candidate = text.slice(start, last);
    if (
      end - start <= MAX_V6 && !/[\w:.]/.test(text[start - 1] ?? "") &&
      !/\w/.test(text[end] ?? "") && !candidate.startsWith(".") && isIPv6Address(candidate)
    ) {
      out.push({ detector: "ip_address", type: "IP_ADDRESS", start, end: last });
    }
    colon = end - 1;
  }
  return out;
}
