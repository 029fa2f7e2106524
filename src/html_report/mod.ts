/**
 * The self-contained HTML report (issue 25): charts as inline SVG with their numbers in tables,
 * one page with no request, no script and no external resource. Pure: the caller (the `report`
 * command) gives the figures, computed by the same view functions as the API.
 */
export { type Chart, formatValue, renderChart, type Series, tickStep } from "./charts.ts";
export { type HtmlReport, renderHtmlReport } from "./page.ts";
export { escapeHtml } from "./escape.ts";
export {
  bucketFor,
  bucketStart,
  hourUpToDays,
  maxSlots,
  slotLabel,
  slotName,
  slotTick,
  type TimeBucket,
  timeSlots,
  weekAfterDays,
} from "./time_axis.ts";
