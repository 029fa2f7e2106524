/**
 * A small structured logger: one line per event, text for people or JSON for collectors.
 * Values are escaped in both formats, so a model name or user agent containing newlines or
 * JSON fragments can never forge a log line.
 */

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  format: "text" | "json";
  level?: LogLevel;
  write(line: string): void;
  now?: () => number;
}

export function createLogger(opts: LoggerOptions): Logger {
  const min = rank[opts.level ?? "info"];
  const now = opts.now ?? Date.now;
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (rank[level] < min) return;
    const time = new Date(now()).toISOString();
    opts.write(
      opts.format === "json"
        ? JSON.stringify({ time, level, msg, ...fields }) + "\n"
        : `${time} ${level.toUpperCase().padEnd(5)} ${textValue(msg, true)}${textFields(fields)}\n`,
    );
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}

function textFields(fields: LogFields | undefined): string {
  if (!fields) return "";
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    out += ` ${k}=${textValue(typeof v === "string" ? v : JSON.stringify(v), false)}`;
  }
  return out;
}

// deno-lint-ignore no-control-regex
const needsQuoting = /[\s"=\x00-\x1f\x7f]/;

function textValue(s: string, isMessage: boolean): string {
  if (isMessage) return JSON.stringify(s).slice(1, -1);
  return needsQuoting.test(s) || s === "" ? JSON.stringify(s) : s;
}

/**
 * `log` with the message and every field value passed through `redact` first (the config's
 * known secrets, secrets/known_secrets.ts), so a configured key of any shape never reaches a
 * log line. Asked per line, so a reload's new secrets apply at once; null skips the pass. A
 * non-string field is serialised and replaced by the redacted text only when it held a secret.
 */
export function redactingLogger(
  log: Logger,
  redact: () => ((value: string) => string) | null,
): Logger {
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    const r = redact();
    if (r === null) return log[level](msg, fields);
    log[level](r(msg), fields === undefined ? undefined : redactFields(fields, r));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

function redactFields(fields: LogFields, r: (value: string) => string): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === "string") out[k] = r(v);
    else if (v === null || typeof v !== "object") out[k] = v;
    else {
      let text: string | undefined;
      try {
        text = JSON.stringify(v);
      } catch {
        text = undefined;
      }
      const redacted = text === undefined ? text : r(text);
      out[k] = redacted === text ? v : redacted;
    }
  }
  return out;
}

/** For tests and for commands that must stay quiet. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
