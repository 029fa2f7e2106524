/**
 * PII detectors: pure functions from text to findings (offsets in UTF-16 code units, sorted,
 * disjoint, never throwing), the built-in set behind the `pii.detectors` config keys, custom
 * regex detectors, and the scan that combines several of them.
 */

import type { Detector } from "../types.ts";
import { email } from "./email.ts";
import { ipAddress } from "./network.ts";
import { creditCard, iban } from "./payment.ts";
import { phone } from "./phone.ts";
import { tokenLike } from "./secrets.ts";
import { ssn } from "./ssn.ts";

export { createScan } from "./scan.ts";
export { customDetector, type CustomDetectorSpec } from "./custom.ts";

export type BuiltinDetectorName =
  | "email"
  | "phone"
  | "credit_card"
  | "iban"
  | "ssn"
  | "ip_address"
  | "token_like";

/**
 * The built-in detectors, in the order a scan should rank them for ties: the most specific
 * (checksums, prefixes) first and phone, the loosest, last. `token_like` keeps the original
 * gateway's config key; its placeholder type is `TOKEN`.
 */
export const builtinDetectors: Readonly<Record<BuiltinDetectorName, Detector>> = {
  token_like: tokenLike,
  email,
  credit_card: creditCard,
  iban,
  ssn,
  ip_address: ipAddress,
  phone,
};

/** Every built-in name, in ranking order (see `builtinDetectors`). */
export const builtinDetectorNames = Object.keys(builtinDetectors) as BuiltinDetectorName[];
