/**
 * The `doctor` document: its checks in their fixed order, the overall status, and the JSON and
 * text forms of the original (no `schema_version`; text `OngoingAI Doctor`, the header rows,
 * then `- [PASS] name: summary` with each detail indented two spaces).
 */

export const checkNames = [
  "config",
  "storage",
  "route_wiring",
  "auth_posture",
  "routes",
  "pii_salt",
  "telemetry",
  "price_table",
] as const;

export type CheckName = (typeof checkNames)[number];
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

export interface DoctorCheck {
  name: CheckName;
  status: CheckStatus;
  summary: string;
  details?: string[];
}

export interface DoctorDocument {
  generated_at: string;
  config_path: string;
  overall_status: Exclude<CheckStatus, "skip">;
  checks: DoctorCheck[];
}

/** `fail` if any check fails, otherwise `warn` if any warns, otherwise `pass`. */
export function overallStatus(checks: readonly DoctorCheck[]): DoctorDocument["overall_status"] {
  if (checks.some((c) => c.status === "fail")) return "fail";
  if (checks.some((c) => c.status === "warn")) return "warn";
  return "pass";
}

export function check(
  name: CheckName,
  status: CheckStatus,
  summary: string,
  details: readonly string[] = [],
): DoctorCheck {
  return details.length === 0
    ? { name, status, summary }
    : { name, status, summary, details: [...details] };
}

export function renderDoctorJson(doc: DoctorDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function renderDoctorText(doc: DoctorDocument): string {
  const rows: [string, string][] = [
    ["Generated at", doc.generated_at],
    ["Config path", doc.config_path],
    ["Overall status", doc.overall_status.toUpperCase()],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = ["OngoingAI Doctor", ...rows.map(([l, v]) => `${l.padEnd(width)}  ${v}`), ""];
  lines.push("Checks");
  for (const c of doc.checks) {
    lines.push(`- [${c.status.toUpperCase()}] ${c.name}: ${c.summary}`);
    for (const d of c.details ?? []) lines.push(`  ${d}`);
  }
  return `${lines.join("\n")}\n`;
}
