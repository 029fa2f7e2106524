/**
 * `doctor`'s gateway key count in team mode: the config's keys plus the store's active ones,
 * unconfirmed keys apart (warn, naming `ongoingai keys confirm ID`), an unreadable store as
 * unknown (never 0). Pure tables, then `auth_posture` in process on a config without a database.
 */
import assert from "node:assert/strict";
import {
  keyPosture,
  maxNamedUnconfirmed,
  type StoredKeys,
  storedKeysOf,
} from "../../src/cli/doctor_keys.ts";
import type { GatewayKeyRecord } from "../../src/store/mod.ts";
import { byName, doctorOf } from "./doctor_support.ts";

const record = (id: string, unconfirmed = false, confirmed = false): GatewayKeyRecord => ({
  id,
  org_id: "default",
  workspace_id: "default",
  name: id,
  description: "",
  role: "developer",
  permissions: [],
  created_by: "cli",
  created_at: "2026-12-01T00:00:00.000Z",
  last_rotated_at: null,
  created_without_auth: unconfirmed || confirmed,
  confirmed_at: confirmed ? "2026-12-02T00:00:00.000Z" : null,
});

Deno.test("doctor keys: unconfirmed keys are those created without auth and not confirmed", () => {
  assert.deepEqual(storedKeysOf([]), { state: "read", accepted: 0, unconfirmed: [] });
  assert.deepEqual(
    storedKeysOf([record("a"), record("b", true), record("c", false, true), record("d", true)]),
    { state: "read", accepted: 2, unconfirmed: ["b", "d"] },
  );
});

interface Case {
  name: string;
  config: number;
  stored: StoredKeys;
  details: string[];
  warn: string | null;
}

const many = Array.from({ length: maxNamedUnconfirmed + 2 }, (_, i) => `k${i}`);

const cases: Case[] = [
  {
    name: "config and store keys add up",
    config: 1,
    stored: { state: "read", accepted: 2, unconfirmed: [] },
    details: ["active gateway keys: 3 (1 from the config, 2 from the store)"],
    warn: null,
  },
  {
    name: "no database yet: zero stored keys, said why",
    config: 2,
    stored: { state: "none", why: "no trace database yet" },
    details: [
      "active gateway keys: 2 (2 from the config, 0 in the store: no trace database yet)",
    ],
    warn: null,
  },
  {
    name: "an unreadable store makes the count unknown, not zero",
    config: 1,
    stored: { state: "unknown", why: "sqlite trace storage is not ready" },
    details: [
      "active gateway keys: unknown (1 from the config; the store's: sqlite trace storage is " +
      "not ready)",
    ],
    warn: "gateway auth is enabled, but the store's gateway keys could not be counted",
  },
  {
    name: "an unconfirmed key is counted apart and warns with the command",
    config: 1,
    stored: { state: "read", accepted: 1, unconfirmed: ["gk_new"] },
    details: [
      "active gateway keys: 2 (1 from the config, 1 from the store)",
      "unconfirmed gateway keys: 1 (created while team mode was off, refused until confirmed): " +
      "gk_new; run `ongoingai keys confirm ID` for each one you mean to keep, or " +
      "`ongoingai keys revoke ID`",
    ],
    warn: "gateway auth is enabled; 1 stored gateway key is unconfirmed and refused",
  },
  {
    name: "many unconfirmed keys: the first ten named, the rest counted",
    config: 0,
    stored: { state: "read", accepted: 0, unconfirmed: many },
    details: [
      "active gateway keys: 0 (0 from the config, 0 from the store)",
      `unconfirmed gateway keys: 12 (created while team mode was off, refused until confirmed): ` +
      `${many.slice(0, 10).join(", ")} and 2 more; run \`ongoingai keys confirm ID\` for each ` +
      "one you mean to keep, or `ongoingai keys revoke ID`",
    ],
    warn: "gateway auth is enabled; 12 stored gateway keys are unconfirmed and refused",
  },
];

for (const c of cases) {
  Deno.test(`doctor keys: ${c.name}`, () => {
    assert.deepEqual(keyPosture(c.config, c.stored), { details: c.details, warn: c.warn });
  });
}

Deno.test("doctor keys: auth_posture counts the store's keys as none without a database", async () => {
  const doc = await doctorOf({
    auth: { enabled: true, keys: [{ id: "a", token_hash: "a".repeat(64) }] },
    storage: { path: "nowhere/traces.db" },
  });
  assert.deepEqual(
    byName(doc, "auth_posture").details?.[1],
    "active gateway keys: 1 (1 from " +
      "the config, 0 in the store: no trace database yet)",
  );
  const off = await doctorOf({ storage: { path: ":memory:" } });
  assert.equal(byName(off, "auth_posture").status, "warn", "auth off: no key count");
});
