/** Shared by the `doctor` tests: an in-process run against a config in a temporary directory. */
import assert from "node:assert/strict";
import { runDoctor } from "../../src/cli/doctor.ts";
import { defaultProbeDeps, type ProbeDeps } from "../../src/cli/doctor_probes.ts";
import type { DoctorCheck, DoctorDocument } from "../../src/cli/doctor_report.ts";
import type { CliIo } from "../../src/cli/io.ts";
import { withFiles } from "../config/temp_files.ts";

export const now = new Date("2026-12-07T00:00:00Z");
export const deps: ProbeDeps = {
  ...defaultProbeDeps,
  now: () => now,
  priceDates: ["2026-12-01"],
};

export function io(
  cwd: string,
  out: { stdout: string; stderr: string } = { stdout: "", stderr: "" },
): CliIo {
  return {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    env: {},
    cwd,
  };
}

export async function doctorOf(
  config: unknown,
  extra: Partial<ProbeDeps> = {},
): Promise<DoctorDocument> {
  const files = { "c.json": JSON.stringify(config) };
  return await withFiles(
    files,
    (dir) => runDoctor({ config: "c.json" }, io(dir), { ...deps, ...extra }),
  );
}

export function byName(doc: DoctorDocument, name: DoctorCheck["name"]): DoctorCheck {
  const found = doc.checks.find((c) => c.name === name);
  assert.ok(found, name);
  return found;
}

/** A port nothing listens on: bound, read, released. */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
