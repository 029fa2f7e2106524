/**
 * Reasoning effort ⇄ token budget (plan section 2.7). A decision of ours, not a provider fact:
 * documented in docs/translation.md and table-tested. Effort → budget uses the table, capped at
 * three quarters of the output limit (thinking counts against it: a budget just under the limit
 * would leave the answer a token or two); budget → effort picks the largest effort whose budget
 * fits.
 */
import type { Effort } from "./ir.ts";

export const effortBudgets: Readonly<Record<Exclude<Effort, "none">, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
  max: 63999,
};

/** Anthropic's smallest accepted budget [an ThinkingConfigEnabled doc comment: ≥1024]. */
export const minBudget = 1024;

/** The share of the output limit an effort's budget may take. */
export const answerShare = 0.75;

export function budgetOfEffort(
  effort: Exclude<Effort, "none">,
  maxOutputTokens: number | null,
): number {
  const budget = effortBudgets[effort];
  return maxOutputTokens === null
    ? budget
    : Math.max(minBudget, Math.min(budget, Math.floor(maxOutputTokens * answerShare)));
}

export function effortOfBudget(budget: number): Exclude<Effort, "none"> {
  let best: Exclude<Effort, "none"> = "minimal";
  for (const [effort, b] of Object.entries(effortBudgets) as [Exclude<Effort, "none">, number][]) {
    if (b <= budget) best = effort;
  }
  return best;
}
