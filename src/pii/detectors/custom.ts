/**
 * User-defined detectors from a regular expression and an optional validator (config
 * `pii.custom`). Compilation errors surface once, at construction, with the detector's name; at
 * scan time nothing throws: a failing validator means "not a match".
 */

import type { Detector, Finding } from "../types.ts";
import { regexFindings } from "./regex_scan.ts";

export interface CustomDetectorSpec {
  /** Count key, e.g. `employee_id`. */
  name: string;
  /** Placeholder type; defaults to the name upper-cased (`EMPLOYEE_ID`). */
  type?: string;
  pattern: string | RegExp;
  /** Flags for a string pattern, or replacing a RegExp's own; `g` is always added, `y` removed. */
  flags?: string;
  validate?: (match: string) => boolean;
}

export function customDetector(spec: CustomDetectorSpec): Detector {
  const name = spec.name.trim();
  if (name === "") throw new Error("custom PII detector: name must not be empty");
  const type = spec.type ?? name.toUpperCase();
  const re = compile(name, spec);
  const validate = spec.validate;
  return {
    name,
    type,
    find(text: string): Finding[] {
      try {
        return regexFindings(re, text, name, type, (m) => {
          if (validate === undefined) return true;
          try {
            return validate(m[0]) === true;
          } catch {
            return false;
          }
        });
      } catch {
        // Only a pathological pattern gets here (e.g. a stack overflow); report nothing.
        return [];
      }
    },
  };
}

function compile(name: string, spec: CustomDetectorSpec): RegExp {
  const source = typeof spec.pattern === "string" ? spec.pattern : spec.pattern.source;
  const given = spec.flags ?? (typeof spec.pattern === "string" ? "" : spec.pattern.flags);
  const flags = [...new Set(given.replace(/[gy]/g, "") + "g")].join("");
  if (source === "") {
    throw new Error(`custom PII detector "${name}": pattern is empty; give a regular expression`);
  }
  try {
    return new RegExp(source, flags);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(
      `custom PII detector "${name}": pattern /${source}/${flags} does not compile: ${why}`,
    );
  }
}
