/**
 * A throwaway PostgreSQL cluster for one test run: initdb into a temporary directory, a free port
 * on 127.0.0.1, trust auth, no fsync. Debian's initdb refuses to run as root, so as root the
 * server commands run as the `postgres` OS user that Debian's package creates.
 */
import { join } from "node:path";

const decoder = new TextDecoder();

/** Settings appended to postgresql.conf: reachable over TCP on loopback only, fast, disposable. */
export function clusterSettings(port: number): string {
  return [
    "",
    "# throwaway test cluster (scripts/test.ts)",
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    // No unix socket: nothing to clean up and no socket path length limit on long TMPDIRs.
    "unix_socket_directories = ''",
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "max_connections = 200",
    "",
  ].join("\n");
}

/** Highest `NN` of `/usr/lib/postgresql/NN/bin`, as Debian installs versions side by side. */
export function pickHighestVersion(names: string[]): string | null {
  const versions = names.filter((n) => /^\d+(\.\d+)?$/.test(n));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ?? null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

async function capture(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "null" }).output();
    return out.success ? decoder.decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

/** Where to look; tests replace these. */
export interface SearchPlaces {
  debianRoot: string;
  pgConfig: string;
  path: string;
}

const defaultPlaces: SearchPlaces = {
  debianRoot: "/usr/lib/postgresql",
  pgConfig: "pg_config",
  path: Deno.env.get("PATH") ?? "",
};

/**
 * The directory holding initdb and pg_ctl, or why there is none: Debian's highest version first,
 * then `pg_config --bindir` (which libpq-dev alone installs, without a server), then PATH.
 */
export async function findPostgresBin(
  places: SearchPlaces = defaultPlaces,
): Promise<{ bin: string } | { missing: string }> {
  const candidates: string[] = [];
  try {
    const names: string[] = [];
    for await (const entry of Deno.readDir(places.debianRoot)) names.push(entry.name);
    const highest = pickHighestVersion(names);
    if (highest) candidates.push(join(places.debianRoot, highest, "bin"));
  } catch {
    // Not Debian's layout; pg_config and PATH remain.
  }
  const fromPgConfig = await capture(places.pgConfig, ["--bindir"]);
  if (fromPgConfig) candidates.push(fromPgConfig);
  for (const dir of places.path.split(":")) if (dir) candidates.push(dir);
  for (const dir of candidates) {
    if (await exists(join(dir, "initdb")) && await exists(join(dir, "pg_ctl"))) return { bin: dir };
  }
  return {
    missing: "initdb and pg_ctl not found (looked in /usr/lib/postgresql/*/bin, " +
      "pg_config --bindir and PATH)",
  };
}

interface RunAs {
  /** Wraps a command so it runs as the cluster's OS user. */
  wrap(cmd: string, args: string[]): [string, string[]];
  uid: number | null;
  gid: number | null;
}

async function runAs(): Promise<RunAs | { missing: string }> {
  if (Deno.uid() !== 0) return { wrap: (cmd, args) => [cmd, args], uid: null, gid: null };
  const uid = await capture("id", ["-u", "postgres"]);
  const gid = await capture("id", ["-g", "postgres"]);
  if (!uid || !gid) {
    return { missing: "running as root and there is no postgres OS user for initdb to run as" };
  }
  const runuser = await exists("/usr/sbin/runuser") || await exists("/sbin/runuser");
  return {
    wrap: (cmd, args) =>
      runuser
        ? ["runuser", ["-u", "postgres", "--", cmd, ...args]]
        : ["su", ["postgres", "-s", "/bin/sh", "-c", [cmd, ...args].map(shellQuote).join(" ")]],
    uid: Number(uid),
    gid: Number(gid),
  };
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

export interface Cluster {
  dsn: string;
  version: string;
  /** Idempotent: stops the server and removes its directory. */
  stop(): Promise<void>;
  /**
   * Stops the server as an operator would (`pg_ctl -m fast stop`: sessions are ended, the data
   * directory and port are kept), for tests of the database going away. Throws if it fails.
   */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port, waiting until it accepts connections. */
  resume(): Promise<void>;
}

/**
 * Creates and starts a cluster, or says why it could not. Never leaves a directory behind.
 * `tempRoot` (default: the system's) is where its directory is made.
 */
export async function startCluster(
  places: SearchPlaces = defaultPlaces,
  options: { tempRoot?: string } = {},
): Promise<Cluster | { failed: string }> {
  const found = await findPostgresBin(places);
  if ("missing" in found) return { failed: found.missing };
  const user = await runAs();
  if ("missing" in user) return { failed: user.missing };
  let dir: string;
  try {
    dir = await Deno.makeTempDir({
      prefix: "ongoingai-test-pg-",
      ...(options.tempRoot === undefined ? {} : { dir: options.tempRoot }),
    });
  } catch (err) {
    return { failed: `could not make a temporary directory: ${(err as Error).message}` };
  }
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const run = async (cmd: string, args: string[]) => {
    const [c, a] = user.wrap(join(found.bin, cmd), args);
    const out = await new Deno.Command(c, { args: a, cwd: dir, stdout: "piped", stderr: "piped" })
      .output();
    return { ok: out.success, text: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
  };
  let started = false;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (started) await run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const pause = async () => {
    if (stopped || !started) throw new Error("the cluster is not running");
    const out = await run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    if (!out.ok) throw new Error(`pg_ctl stop failed: ${lastLines(out.text)}`);
    started = false;
  };
  const resume = async () => {
    if (stopped) throw new Error("the cluster was stopped");
    if (started) return;
    // Marked started first: a server that came up despite a failed wait is still stopped later.
    started = true;
    const out = await run("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "start"]);
    if (!out.ok) {
      throw new Error(
        `pg_ctl start failed: ${lastLines(await Deno.readTextFile(log).catch(() => ""))}`,
      );
    }
  };
  try {
    await Deno.chmod(dir, 0o700);
    if (user.uid !== null && user.gid !== null) await Deno.chown(dir, user.uid, user.gid);
    const init = await run("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    if (!init.ok) {
      await stop();
      return { failed: `initdb failed: ${lastLines(init.text)}` };
    }
    // A port found free can be taken before the server binds it; a few tries cover that race.
    let lastError = "";
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = freePort();
      await Deno.writeTextFile(join(data, "postgresql.conf"), clusterSettings(port), {
        append: true,
      });
      started = true;
      const start = await run("pg_ctl", ["-D", data, "-l", log, "-w", "-t", "60", "start"]);
      if (start.ok) {
        const version = (await capture(join(found.bin, "pg_ctl"), ["--version"]))
          ?.replace(/^pg_ctl \(PostgreSQL\)/, "PostgreSQL") ?? "PostgreSQL";
        return {
          dsn: `postgres://postgres@127.0.0.1:${port}/postgres`,
          version,
          stop,
          pause,
          resume,
        };
      }
      started = false;
      await run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      lastError = `pg_ctl start failed: ${lastLines(await Deno.readTextFile(log).catch(() => ""))}`;
    }
    await stop();
    return { failed: lastError };
  } catch (err) {
    await stop();
    return { failed: `could not set up the cluster: ${(err as Error).message}` };
  }
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" / ") || "no output";
}
