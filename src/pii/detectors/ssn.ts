/**
 * US Social Security numbers: `AAA-GG-SSSS` or `AAA GG SSSS` with one separator throughout, and
 * numbers the SSA never issues excluded (area 000, 666, 900-999; group 00; serial 0000). A bare
 * nine-digit run is an SSN only when the text says so just before it.
 */

import type { Detector, Finding } from "../types.ts";
import { regexFindings } from "./regex_scan.ts";
import { hasContextBefore } from "./text.ts";

const SSN = /(?<![\w.+-])(?:(\d{3})([- ])(\d{2})\2(\d{4})|(\d{9}))(?!\w|[-.,]\d)/g;
const CONTEXT = /\b(?:ssn|ss#|social security)/i;

export const ssn: Detector = {
  name: "ssn",
  type: "SSN",
  find(text: string): Finding[] {
    return regexFindings(SSN, text, "ssn", "SSN", (m, text) => {
      const bare = m[5];
      if (bare !== undefined) {
        return issuable(bare.slice(0, 3), bare.slice(3, 5), bare.slice(5)) &&
          hasContextBefore(text, m.index, CONTEXT);
      }
      return issuable(m[1]!, m[3]!, m[4]!);
    });
  },
};

function issuable(area: string, group: string, serial: string): boolean {
  return area !== "000" && area !== "666" && area[0] !== "9" && group !== "00" &&
    serial !== "0000";
}
