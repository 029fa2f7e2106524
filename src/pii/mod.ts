/**
 * PII policies as code: detectors find values in text, redactors replace them in JSON, text,
 * event streams and headers, and policies (chosen per request by scopes) decide where that
 * happens: in stored copies, in what is forwarded and returned, or by refusing the request.
 */
export type {
  Counts,
  Detector,
  Finding,
  Placeholder,
  RedactResult,
  RedactRules,
  Scan,
} from "./types.ts";
export { addCount, mergeCounts } from "./types.ts";
export { builtinDetectors, createScan, customDetector } from "./detectors/mod.ts";
export {
  type ActiveMode,
  type AppliedPolicy,
  type CompiledPolicy,
  compilePolicies,
  compilePolicy,
  type PiiPolicies,
} from "./policy.ts";
export { type PiiRequest, selectScope } from "./scopes.ts";
export { placeholderFor } from "./placeholder.ts";
export { foundTypes, guards, inspectRequest, type RequestVerdict } from "./guard.ts";
export {
  recordPii,
  redactionMargin,
  redactStoredBody,
  type StorageDropReason,
  type StoredBody,
  type StreamRedactor,
} from "./storage.ts";
export { defaultScanBudget, Meter, type ScanBudget, ScanBudgetExceeded } from "./budget.ts";
export { type LocatedFinding, scanInput, type ScanReport } from "./findings.ts";
export { redactJsonText } from "./redact_json.ts";
export { redactText } from "./redact_text.ts";
export {
  bodyKind,
  inspectableContentType,
  redactBodyBytes,
  type RedactBodyResult,
  redactBodyWithin,
} from "./redact_body.ts";
export { redactHeaderMap } from "./redact_headers.ts";
export {
  awsEventStreamMediaType,
  createEventStreamRedactor,
  type EventStreamRedactorOptions,
  isAwsEventStream,
} from "./stream/mod.ts";
export {
  createSseRedactor,
  redactSseText,
  redactSseTextSteps,
  type SseRedactorOptions,
} from "./stream/mod.ts";
