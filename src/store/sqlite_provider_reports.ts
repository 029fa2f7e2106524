/**
 * Provider reports saved for reconciliation on SQLite (provider_reports.ts): a save replaces the
 * provider's set in one `BEGIN IMMEDIATE` transaction, so a reader sees the old set or the new.
 */
import type { DatabaseSync } from "node:sqlite";
import {
  checkProviderReports,
  type ProviderReportInput,
  type StoredProviderReport,
} from "./provider_reports.ts";

export function saveProviderReports(
  db: DatabaseSync,
  provider: string,
  reports: readonly ProviderReportInput[],
): void {
  checkProviderReports(provider, reports);
  const savedAt = new Date().toISOString();
  db.exec("BEGIN IMMEDIATE");
  try {
    db.prepare("DELETE FROM provider_reports WHERE provider = ?").run(provider);
    const insert = db.prepare(
      "INSERT INTO provider_reports (provider, seq, name, saved_at, body) VALUES (?, ?, ?, ?, ?)",
    );
    reports.forEach((r, i) => insert.run(provider, i, r.name, savedAt, r.body));
    db.exec("COMMIT");
  } catch (err) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw err;
  }
}

export function providerReports(db: DatabaseSync, provider: string): StoredProviderReport[] {
  return db.prepare(
    "SELECT name, saved_at, body FROM provider_reports WHERE provider = ? ORDER BY seq",
  ).all(provider) as unknown as StoredProviderReport[];
}
