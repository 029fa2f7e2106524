/** The stream engine's rules under `pii.scan_budget.max_findings` (see sse_redactor.ts). */
import { Meter, type ScanBudget } from "../budget.ts";
import type { RedactRules } from "../types.ts";

/**
 * `rules` whose scans count their findings against the budget's bound. One scan, not window by
 * window (`scanSteps`): scanning slices of a long digit run cost five times one scan of it.
 */
export function meteredRules(rules: RedactRules, budget: ScanBudget | null): RedactRules {
  if (budget === null) return rules;
  const meter = new Meter({
    budget: { timeMs: Infinity, maxFindings: budget.maxFindings },
    sliceMs: Infinity,
  });
  const scan = rules.scan;
  return {
    ...rules,
    scan: (text) => {
      const found = scan(text);
      meter.found(found.length);
      return found;
    },
  };
}
