/**
 * Reading the repository's distribution files (Dockerfile, workflows, README, .ci/run) for the
 * static tests in this folder.
 */
import { parse } from "yaml";

export const repoUrl = new URL("../../", import.meta.url);

export function readRepoText(path: string): Promise<string> {
  return Deno.readTextFile(new URL(path, repoUrl));
}

export async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(new URL(path, repoUrl));
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** The Deno version CI installs: `.ci/run`'s `want_deno`, the one every other pin must equal. */
export async function ciDenoVersion(): Promise<string> {
  const run = await readRepoText(".ci/run");
  const m = /^want_deno="([^"]+)"$/m.exec(run);
  if (!m) throw new Error('.ci/run has no want_deno="X.Y.Z" line');
  return m[1]!;
}

// A workflow as far as these tests read it; the YAML is checked field by field.
export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  shell?: string;
}

/** `defaults:` of a workflow or a job. */
export interface Defaults {
  run?: { shell?: string };
}

export interface Job {
  "runs-on"?: string;
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  env?: Record<string, unknown>;
  defaults?: Defaults;
  steps: Step[];
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string> | string;
  defaults?: Defaults;
  jobs: Record<string, Job>;
}

export async function readWorkflow(path: string): Promise<Workflow> {
  const doc = parse(await readRepoText(path)) as Workflow;
  if (typeof doc !== "object" || doc === null || typeof doc.jobs !== "object") {
    throw new Error(`${path} is not a workflow (no jobs)`);
  }
  return doc;
}

export function allSteps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs).flatMap((job) => job.steps);
}

/** Every shell line a job runs, comments removed. */
export function runText(steps: readonly Step[]): string {
  return steps.map((s) => s.run ?? "").join("\n").replace(/^\s*#.*$/gm, "");
}
