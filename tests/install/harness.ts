/**
 * One installer scenario: fake releases served locally, a sandbox with chosen tools, cleaned up
 * whatever the case asserts. Also works out how this machine can run the script as an
 * unprivileged user, since root ignores directory permissions.
 */
import {
  buildRelease,
  type FakeRelease,
  type ReleaseServer,
  startReleaseServer,
} from "./release_server.ts";
import { baseTools, hostTool, makeSandbox, provideTools, type Sandbox } from "./sandbox.ts";

export const latestVersion = "1.4.0";
export const pinnedVersion = "1.2.3";
export const unixAssets = [
  "ongoingai_linux_amd64",
  "ongoingai_linux_arm64",
  "ongoingai_darwin_amd64",
  "ongoingai_darwin_arm64",
] as const;
export const linuxAmd64 = { os: "Linux", arch: "x86_64" };
/** What a case gets unless it asks for less: curl and sha256sum. */
export const defaultTools = [...baseTools, "curl", "sha256sum"];

/** Both standard releases, every asset listed in a correct checksums.txt. */
export async function standardReleases(): Promise<FakeRelease[]> {
  return [
    await buildRelease(latestVersion, [...unixAssets, "ongoingai_windows_amd64.exe"]),
    await buildRelease(pinnedVersion, [...unixAssets, "ongoingai_windows_amd64.exe"]),
  ];
}

export interface Scenario {
  server: ReleaseServer;
  sandbox: Sandbox;
  /** ONGOINGAI_INSTALL_BASE_URL for this server. */
  baseEnv: Record<string, string>;
}

export async function withScenario(
  setup: {
    releases?: FakeRelease[];
    latest?: string;
    tools?: readonly string[];
    platform?: { os: string; arch: string };
    homeOwner?: { uid: number; gid: number };
  },
  run: (s: Scenario) => Promise<void>,
): Promise<void> {
  const server = startReleaseServer(
    setup.releases ?? await standardReleases(),
    setup.latest ?? latestVersion,
  );
  const sandbox = await makeSandbox(setup.homeOwner);
  try {
    await provideTools(sandbox, setup.tools ?? defaultTools, setup.platform ?? linuxAmd64);
    await run({ server, sandbox, baseEnv: { ONGOINGAI_INSTALL_BASE_URL: server.baseUrl } });
  } finally {
    await server.close();
    await sandbox.remove();
  }
}

/** A command prefix that runs as an unprivileged user, or why there is none. */
export interface Unprivileged {
  prefix: string[];
  uid: number;
  gid: number;
}

async function idOf(flag: "-u" | "-g", user: string): Promise<number | undefined> {
  const id = hostTool("id");
  if (id === undefined) return undefined;
  const out = await new Deno.Command(id, { args: [flag, user], stderr: "null" }).output();
  const n = Number(new TextDecoder().decode(out.stdout).trim());
  return out.success && Number.isInteger(n) ? n : undefined;
}

/**
 * Root writes anywhere, so as root the permission cases drop to uid/gid 65534 (nobody) with
 * setpriv, or with runuser; a normal user is already unprivileged and gets an empty prefix.
 */
export async function findUnprivileged(): Promise<Unprivileged | string> {
  const uid = Deno.uid();
  const gid = Deno.gid();
  if (uid === null || gid === null) return "no POSIX user ids on this platform";
  if (uid !== 0) return { prefix: [], uid, gid };
  const setpriv = hostTool("setpriv");
  if (setpriv !== undefined) {
    return {
      prefix: [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"],
      uid: 65534,
      gid: 65534,
    };
  }
  const runuser = hostTool("runuser");
  const nobodyUid = await idOf("-u", "nobody");
  const nobodyGid = await idOf("-g", "nobody");
  if (runuser !== undefined && nobodyUid !== undefined && nobodyGid !== undefined) {
    return { prefix: [runuser, "-u", "nobody", "--"], uid: nobodyUid, gid: nobodyGid };
  }
  return "running as root, and neither setpriv nor runuser (with a nobody user) is available " +
    "to drop privileges, so directory permissions cannot be enforced";
}

/** Whether `user` may write to `dir`, asked the way install.sh asks (`[ -w dir ]`). */
export async function canWrite(user: Unprivileged, dir: string): Promise<boolean> {
  const sh = hostTool("sh");
  if (sh === undefined) throw new Error("no sh on PATH");
  const [program, ...args] = [...user.prefix, sh, "-c", 'test -w "$1"', "sh", dir];
  const out = await new Deno.Command(program ?? sh, { args, stdout: "null", stderr: "null" })
    .output();
  return out.success;
}
