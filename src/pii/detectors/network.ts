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

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?!\\w|\\.\\d)`, "g");
/**
 * Addresses that never identify anyone: loopback (`127.0.0.1`, the default of every dev server),
 * "any" (`0.0.0.0`) and broadcast. (The IPv6 equivalents `::1` and `::` are too short to report.)
 */
const NOT_A_HOST = /^(?:127\.|0\.0\.0\.0$|255\.255\.255\.255$)/;
/** 45 characters is the longest IPv6 text form (with an embedded IPv4 address), plus a full stop. */
const IPV6 = /(?<![\w:.])[0-9a-f:.]{2,46}(?![\w:]|\.\w)/gi;

export const ipAddress: Detector = {
  name: "ip_address",
  type: "IP_ADDRESS",
  find(text: string): Finding[] {
    const v6 = regexFindings(IPV6, text, "ip_address", "IP_ADDRESS", (m) => {
      // A sentence's full stop is not part of the address.
      const candidate = m[0].replace(/\.+$/, "");
      return isIPv6Address(candidate) && { start: m.index, end: m.index + candidate.length };
    });
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
