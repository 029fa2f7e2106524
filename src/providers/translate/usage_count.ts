/**
 * A token count a client format requires (a number, never absent) while the IR may not know it:
 * unknown is never shown as zero silently; the zero the format forces goes out with a
 * `usage_unknown` note naming the field.
 */
import type { Notes } from "./notes.ts";

/** The counter of one client format; `format` names it in the note ("Chat's"). */
export function requiredUsageCount(
  format: string,
): (v: number | null, field: string, notes: Notes) => number {
  return (v, field, notes) => {
    if (v !== null) return v;
    notes.add(
      "usage_unknown",
      field,
      `the upstream reported none; ${format} format needs a number`,
    );
    return 0;
  };
}
