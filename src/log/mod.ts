/**
 * Structured logging: one escaped line per event, text or JSON, and a logger that redacts the
 * configured secrets. A leaf: it imports nothing from the gateway, so every floor may log.
 */
export {
  createLogger,
  type LogFields,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  redactingLogger,
  silentLogger,
} from "./log.ts";
