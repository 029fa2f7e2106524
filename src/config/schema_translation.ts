/**
 * `translation`: settings of protocol translation (issue 21, docs/translation.md). The seal key
 * of thinking state carried across providers, and the retention of the Responses store that
 * gives a stateless upstream `previous_response_id`.
 */
import { z } from "zod";
import { envRefSchema } from "./schema_env_ref.ts";

const unitMs = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration as written in the config: a whole number and one unit, `30d`, `12h`, `90m`, `45s`. */
export const durationPattern = /^([1-9][0-9]{0,5})(s|m|h|d)$/;

/** Milliseconds of a duration the schema accepted. */
export function durationMs(text: string): number {
  const m = durationPattern.exec(text);
  if (m === null) throw new Error(`not a duration: ${text}`);
  return Number(m[1]) * unitMs[m[2] as keyof typeof unitMs];
}

export const translationSchema = z.strictObject({
  state_key: z.union([z.string().min(32), envRefSchema]).optional().describe(
    "Secret the thinking state of one provider is sealed with (AES-256-GCM, key derived by " +
      "HKDF-SHA-256) while it travels through a client of another protocol, 32+ characters, " +
      'e.g. `env("ONGOINGAI_TRANSLATION_STATE_KEY")`. The same on every instance and restart. ' +
      "Unset: a random key per process, so a restart or another instance drops that state " +
      "(`check` warns when a route translates).",
  ),
  response_store: z.strictObject({
    retention: z.string().regex(
      durationPattern,
      "must be a whole number and a unit s, m, h or d, e.g. 30d",
    ).default("30d").describe(
      "How long a response kept for `previous_response_id` (Responses clients on an upstream " +
        "that keeps no state) is kept: a number and s, m, h or d, e.g. `30d` (the default), " +
        "`12h`.",
    ),
  }).prefault({}).describe(
    "The Responses store: answers kept, per tenant, so a Responses client's " +
      "`previous_response_id` works when the upstream speaks another protocol.",
  ),
}).prefault({});

export type ParsedTranslation = z.output<typeof translationSchema>;
