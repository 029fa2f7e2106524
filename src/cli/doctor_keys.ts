/**
 * `doctor`'s count of gateway keys in team mode: the config's `auth.keys` and the store's active
 * keys (those made with `ongoingai keys` or the API; revoked ones are not listed by the store).
 * A stored key created while team mode was off is refused until an operator confirms it, so it is
 * counted apart and makes `auth_posture` warn. A store that cannot be read makes the count
 * unknown, never zero. Pure: probes read the store (doctor_probes.ts).
 */
import { type GatewayKeyRecord, isUnconfirmed } from "../store/mod.ts";

/** What the store says about its gateway keys. */
export type StoredKeys =
  /** Listed: active keys a team-mode gateway accepts, and the ids of unconfirmed ones. */
  | { state: "read"; accepted: number; unconfirmed: string[] }
  /** Nothing is stored (no database yet, `:memory:`): zero, and why. */
  | { state: "none"; why: string }
  /** The store could not be read: the count is unknown. */
  | { state: "unknown"; why: string };

export function storedKeysOf(records: readonly GatewayKeyRecord[]): StoredKeys {
  const unconfirmed = records.filter(isUnconfirmed).map((k) => k.id);
  return { state: "read", accepted: records.length - unconfirmed.length, unconfirmed };
}

/** Most unconfirmed key ids named in the details; the rest are counted. */
export const maxNamedUnconfirmed = 10;

export interface KeyPosture {
  details: string[];
  /** A warn summary, or null when the count is complete and every key is accepted. */
  warn: string | null;
}

/** The `active gateway keys` line (the original's) and, when due, the unconfirmed keys' line. */
export function keyPosture(configKeys: number, stored: StoredKeys): KeyPosture {
  const fromConfig = `${configKeys} from the config`;
  if (stored.state === "unknown") {
    return {
      details: [`active gateway keys: unknown (${fromConfig}; the store's: ${stored.why})`],
      warn: "gateway auth is enabled, but the store's gateway keys could not be counted",
    };
  }
  if (stored.state === "none") {
    return {
      details: [
        `active gateway keys: ${configKeys} (${fromConfig}, 0 in the store: ${stored.why})`,
      ],
      warn: null,
    };
  }
  const total = configKeys + stored.accepted;
  const details = [
    `active gateway keys: ${total} (${fromConfig}, ${stored.accepted} from the store)`,
  ];
  const n = stored.unconfirmed.length;
  if (n === 0) return { details, warn: null };
  const named = stored.unconfirmed.slice(0, maxNamedUnconfirmed).join(", ");
  const more = n > maxNamedUnconfirmed ? ` and ${n - maxNamedUnconfirmed} more` : "";
  details.push(
    `unconfirmed gateway keys: ${n} (created while team mode was off, refused until confirmed): ` +
      `${named}${more}; run \`ongoingai keys confirm ID\` for each one you mean to keep, or ` +
      "`ongoingai keys revoke ID`",
  );
  return {
    details,
    warn: `gateway auth is enabled; ${n} stored gateway key${n === 1 ? " is" : "s are"} ` +
      "unconfirmed and refused",
  };
}
