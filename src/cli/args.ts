/**
 * Flag parsing shared by the commands: `node:util` parseArgs with the errors turned into the
 * one-line messages users see, and `--format` normalised as the original does.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseFlags<T extends Options>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
    if (!allowPositionals && parsed.positionals.length > 0) {
      throw new UsageError(
        `${command} does not accept positional arguments (got ${
          JSON.stringify(parsed.positionals[0])
        })`,
      );
    }
    return parsed;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const msg = err instanceof Error ? err.message : String(err);
    throw new UsageError(`${command}: ${msg.replace(/\. To specify.*$/s, "")}`);
  }
}

/** Trims and lower-cases; empty means the default. */
export function normaliseFormat<F extends string>(
  command: string,
  raw: string | undefined,
  allowed: readonly F[],
): F {
  const v = (raw ?? "").trim().toLowerCase();
  if (v === "") return allowed[0]!;
  if ((allowed as readonly string[]).includes(v)) return v as F;
  throw new UsageError(
    `invalid ${command} format ${JSON.stringify(raw)}: expected ${allowed.slice(0, -1).join(", ")}${
      allowed.length > 1 ? " or " : ""
    }${allowed.at(-1)}`,
  );
}

/** `--timeout-ms`: a positive whole number of milliseconds; absent means `fallback`. */
export function parseTimeoutMs(command: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(
      `${command}: --timeout-ms must be a positive whole number of milliseconds (got ${
        JSON.stringify(raw)
      })`,
    );
  }
  return n;
}
