/**
 * Why a trace write failed, in classes the writer acts on: transient classes keep the traces
 * queued and retry (the store will come back), the others isolate and drop the bad trace (retrying
 * it forever would stall every trace behind it).
 */

export const writeErrorClasses = [
  "contention",
  "connection",
  "timeout",
  "storage",
  "constraint",
  "invalid_data",
  "unknown",
] as const;

export type WriteErrorClass = (typeof writeErrorClasses)[number];

const transientClasses = new Set<WriteErrorClass>([
  "contention",
  "connection",
  "timeout",
  "storage",
]);

export function isTransient(cls: WriteErrorClass): boolean {
  return transientClasses.has(cls);
}

const errnoClasses: Record<string, WriteErrorClass> = {
  ECONNREFUSED: "connection",
  ECONNRESET: "connection",
  ECONNABORTED: "connection",
  EPIPE: "connection",
  ENOTFOUND: "connection",
  EHOSTUNREACH: "connection",
  ENETUNREACH: "connection",
  EAI_AGAIN: "connection",
  CONNECTION_CLOSED: "connection",
  CONNECTION_ENDED: "connection",
  CONNECTION_DESTROYED: "connection",
  CONNECT_TIMEOUT: "timeout",
  ETIMEDOUT: "timeout",
  ENOSPC: "storage",
  EROFS: "storage",
  EIO: "storage",
};

/** PostgreSQL SQLSTATE prefixes, most specific first. */
const sqlStateClasses: [string, WriteErrorClass][] = [
  ["57P0", "connection"], // admin shutdown, crash shutdown, cannot connect now
  ["53300", "connection"], // too many connections
  ["55P03", "contention"], // lock not available
  ["08", "connection"],
  ["40", "contention"], // serialization failure, deadlock
  ["53", "storage"], // disk full, out of memory
  ["57014", "timeout"], // statement timeout
  ["23", "constraint"],
  ["22", "invalid_data"],
];

/** Message patterns, for drivers that report only text (node:sqlite in Deno does). */
const messageClasses: [RegExp, WriteErrorClass][] = [
  [/database (table )?is locked|sqlite_busy|sqlite_locked/, "contention"],
  [/timed? ?out|deadline exceeded/, "timeout"],
  [
    /connection (refused|reset|closed|terminated)|broken pipe|no such host|econnrefused/,
    "connection",
  ],
  [
    /disk is full|disk i\/o error|readonly database|unable to open database|no space left/,
    "storage",
  ],
  [/constraint|duplicate key/, "constraint"],
  [/datatype mismatch|too big|cannot be bound|not an rfc 3339|not a finite number/, "invalid_data"],
];

export function classifyWriteError(err: unknown): WriteErrorClass {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") {
    const byErrno = errnoClasses[code];
    if (byErrno) return byErrno;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      for (const [prefix, cls] of sqlStateClasses) if (code.startsWith(prefix)) return cls;
    }
  }
  if (err instanceof Error) {
    if (err.name === "TimeoutError") return "timeout";
    if (
      err instanceof Deno.errors.ConnectionRefused || err instanceof Deno.errors.ConnectionReset
    ) {
      return "connection";
    }
  }
  const message = (err instanceof Error ? err.message : String(err)).toLowerCase();
  for (const [pattern, cls] of messageClasses) if (pattern.test(message)) return cls;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError) {
    return "invalid_data";
  }
  return "unknown";
}
