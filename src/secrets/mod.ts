/**
 * Secrets: recognising credentials in what the gateway writes down or sends away, by shape
 * (`sk-...`, `ogk_...`, `Bearer ...`: shapes.ts) and by the exact values the config itself holds
 * (gateway key tokens, the fingerprint secret, the hash salt, ...: known_secrets.ts). A low-level
 * capability: logs, telemetry and the trace builder all use it, and it imports none of them.
 */
export { credentialRedacted, scrubValue } from "./shapes.ts";
export {
  collectSecrets,
  createSecretRedactor,
  knownSecretRedactor,
  minSecretLength,
  type Redact,
  secretSpellings,
} from "./known_secrets.ts";
export { createStoredScrubber, minSecretTail, type StoredScrubber } from "./stored.ts";
