/**
 * Connecting to PostgreSQL: the pool options, how a DSN is named in messages (host, port and
 * database, never the password), and the startup error when the server cannot be reached.
 */
import postgres from "postgres";

export type Sql = postgres.Sql;

export interface PostgresConnectOptions {
  /** `postgres://user:password@host:port/database`. */
  dsn: string;
  /** Pool bound; default 10. */
  maxConnections?: number;
  /** Seconds to wait for a connection; default 10. */
  connectTimeoutSeconds?: number;
}

/** Where a DSN points, for messages: `host:port/database`, without credentials. */
export function describeDsn(dsn: string): string {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    return "an unparsable storage.dsn";
  }
  const host = url.hostname || "localhost";
  const port = url.port || "5432";
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || "(default database)";
  return `${host}:${port}/${database}`;
}

/** A message with every credential of the DSN taken out, in case a driver echoes one. */
export function withoutSecrets(message: string, dsn: string): string {
  let out = message.replaceAll(dsn, describeDsn(dsn));
  try {
    const url = new URL(dsn);
    const password = decodeURIComponent(url.password);
    if (password.length >= 3) out = out.replaceAll(password, "***");
    if (url.password.length >= 3) out = out.replaceAll(url.password, "***");
  } catch {
    // Unparsable: nothing more to hide than the DSN itself.
  }
  return out;
}

export function checkDsn(dsn: string): void {
  let url: URL;
  try {
    url = new URL(dsn);
  } catch {
    throw new Error(
      "storage.dsn is not a URL; use postgres://user:password@host:5432/database",
    );
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(
      `storage.dsn must start with postgres:// or postgresql:// (it starts with ${url.protocol}//)`,
    );
  }
}

/** Parses int8 as number (tokens, latencies, counts fit); seq is selected as text instead. */
const int8AsNumber = {
  to: 20,
  from: [20],
  serialize: (x: unknown) => String(x),
  parse: (x: string) => Number(x),
};

export function connect(options: PostgresConnectOptions): Sql {
  checkDsn(options.dsn);
  return postgres(options.dsn, {
    max: options.maxConnections ?? 10,
    prepare: true,
    connect_timeout: options.connectTimeoutSeconds ?? 10,
    idle_timeout: 60,
    onnotice: () => {},
    types: { int8: int8AsNumber },
    connection: { application_name: "ongoingai-gateway", TimeZone: "UTC" },
  }) as unknown as Sql;
}

/** The startup error: names the server, says what failed, never carries the password. */
export function startupError(dsn: string, err: unknown): Error {
  const reason = withoutSecrets(err instanceof Error ? err.message : String(err), dsn);
  const code = (err as { code?: unknown } | null)?.code;
  return new Error(
    `cannot open the PostgreSQL trace store at ${describeDsn(dsn)}: ${reason}${
      typeof code === "string" && !reason.includes(code) ? ` (${code})` : ""
    }; check storage.dsn (or ONGOINGAI_STORAGE_DSN) and that the server is running`,
    { cause: err },
  );
}
