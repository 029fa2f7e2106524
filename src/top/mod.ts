/**
 * `ongoingai top`'s pure core (issue 25): the view state and what keys do to it, the frame drawn
 * for a terminal of a given size, and the line written per interval when output is not a
 * terminal. It reads only `GET /api/live`'s document (`live.v1`); the command in `cli/top.ts`
 * fetches it, owns the terminal and the timers.
 */
export { decodeKeys, type Key } from "./keys.ts";
export {
  applyKey,
  type Effect,
  initialState,
  type KeyResult,
  type LiveQuery,
  liveQuery,
  liveSearch,
  maxFilterChars,
  type Pane,
  type SortKey,
  sortKeys,
  type TopState,
  withDocument,
  withError,
} from "./state.ts";
export { allocate, type FrameInput, renderFrame } from "./frame.ts";
export { errorLineOf, lineOf } from "./line_mode.ts";
export { colorWanted, plain } from "./style.ts";
export { sanitize, textWidth, truncate } from "./text.ts";
export { compact, cost, type CostParts, duration, percent, tokens, usd } from "./format.ts";
