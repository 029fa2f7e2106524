/** What the numbers were measured on and with: machine, commit, tools. */
import { commandOutput, repoRoot } from "./proc.ts";

export interface MachineInfo {
  cpu_model: string;
  cores: number;
  memory_gb: number;
  os: string;
  kernel: string;
  deno: string;
  v8: string;
  /** 1-minute load averages at start and end: a busy machine skews every figure. */
  load_avg_start: number | null;
  load_avg_end: number | null;
}

export function loadAverage(): number | null {
  try {
    const l = Deno.loadavg()[0];
    return l === undefined ? null : Math.round(l * 100) / 100;
  } catch {
    return null; // not on every OS
  }
}

export async function machineInfo(): Promise<MachineInfo> {
  const read = async (path: string) => {
    try {
      return await Deno.readTextFile(path);
    } catch {
      return "";
    }
  };
  const cpu = /^model name\s*:\s*(.+)$/m.exec(await read("/proc/cpuinfo"))?.[1];
  const os = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(await read("/etc/os-release"))?.[1];
  return {
    cpu_model: cpu?.trim() ?? "unknown",
    cores: navigator.hardwareConcurrency,
    memory_gb: Math.round(Deno.systemMemoryInfo().total / 1024 ** 3 * 10) / 10,
    os: os ?? Deno.build.os,
    kernel: Deno.osRelease(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    load_avg_start: loadAverage(),
    load_avg_end: null,
  };
}

export interface CommitInfo {
  commit: string;
  /** Tracked files under src/ differ from the commit: the figures are of uncommitted code. */
  src_dirty: boolean;
}

export async function commitInfo(): Promise<CommitInfo> {
  const git = (args: string[]) => commandOutput("git", ["-C", repoRoot, ...args]);
  const commit = (await git(["rev-parse", "--short", "HEAD"]))?.split("\n")[0] ?? "unknown";
  const status = await git(["status", "--porcelain", "--untracked-files=no", "--", "src"]);
  return {
    commit: /^[0-9a-f]+$/.test(commit) ? commit : "unknown",
    src_dirty: (status ?? "") !== "",
  };
}
