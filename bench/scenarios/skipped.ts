/** Scenarios of the issue whose feature does not exist yet: listed with a reason, never dropped. */
import type { ScenarioResult } from "../context.ts";

export const notImplemented: { id: string; title: string; reason: string }[] = [
  {
    id: "auth",
    title: "Gateway keys (team mode) on",
    reason: "skipped: not implemented yet (auth.enabled is refused by this build)",
  },
];

export function skippedResult(s: { id: string; title: string; reason: string }): ScenarioResult {
  return {
    id: s.id,
    title: s.title,
    status: "skipped",
    reason: s.reason,
    rows: [],
    figures: {},
    notes: [],
  };
}
