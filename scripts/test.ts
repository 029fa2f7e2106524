/**
 * `deno task test [deno test args]`: `deno test -A --parallel tests/` with a throwaway PostgreSQL
 * cluster around it, so the PostgreSQL tests need no manual step. The cluster's address reaches
 * the tests as ONGOINGAI_TEST_POSTGRES_DSN. The cluster is stopped and its directory removed
 * afterwards, also when tests fail or the run is interrupted. Without PostgreSQL the tests still
 * run, and a banner before and after says that the PostgreSQL tests were skipped and why.
 *
 * A DSN already in the environment is used as is (an existing server) and no cluster is started.
 *
 * The coding agents' binaries (tests/agents, npm) are installed first when the selected tests use
 * them, or a banner says why their tests are skipped (scripts/test/agents.ts).
 */
import { type Cluster, startCluster } from "./test/cluster.ts";
import { prepareAgents } from "./test/agents.ts";

export const dsnVariable = "ONGOINGAI_TEST_POSTGRES_DSN";
/** Why there is no DSN, so skipped tests name the real reason. */
export const skippedVariable = "ONGOINGAI_TEST_POSTGRES_SKIPPED";

/** `deno test` arguments: the caller's, with `tests/` added when they name no existing path. */
export async function denoTestArgs(extra: string[]): Promise<string[]> {
  let namesPath = false;
  for (const arg of extra) {
    if (arg.startsWith("-")) continue;
    try {
      await Deno.stat(arg);
      namesPath = true;
    } catch {
      // A flag's value (`--filter name`), not a path.
    }
  }
  return ["test", "-A", "--parallel", ...extra, ...(namesPath ? [] : ["tests/"])];
}

export function skipBanner(reason: string): string {
  const line = "!".repeat(100);
  return [
    line,
    `!! PostgreSQL tests SKIPPED: ${reason}`,
    "!! install Debian's postgresql package (apt-get install postgresql) to run them",
    line,
  ].join("\n");
}

async function main(): Promise<number> {
  const signals = ["SIGINT", "SIGTERM"] as const;
  let child: Deno.ChildProcess | null = null;
  let cluster: Cluster | null = null;
  let interrupted: Deno.Signal | null = null;
  const onSignal = (signal: Deno.Signal) => () => {
    interrupted = signal;
    // The test run gets the signal and ends; the code after `await child.status` cleans up.
    // During setup the flag alone is enough: setup takes about a second and then sees it.
    try {
      child?.kill(signal);
    } catch {
      // Already gone.
    }
  };
  const listeners = signals.map((s) => [s, onSignal(s)] as const);
  for (const [s, fn] of listeners) Deno.addSignalListener(s, fn);

  let skipped: string | null = null;
  const env: Record<string, string> = {};
  const given = Deno.env.get(dsnVariable);
  try {
    if (given) {
      console.error(`PostgreSQL tests use ${dsnVariable} from the environment`);
    } else {
      const t0 = performance.now();
      const started = await startCluster();
      if ("failed" in started) {
        skipped = started.failed;
      } else {
        cluster = started;
        if (interrupted) return interrupted === "SIGINT" ? 130 : 143;
        env[dsnVariable] = started.dsn;
        console.error(
          `PostgreSQL test cluster: ${started.version} at ${started.dsn} ` +
            `(started in ${((performance.now() - t0) / 1000).toFixed(1)}s)`,
        );
      }
    }
    if (skipped !== null) {
      env[skippedVariable] = skipped;
      console.error(skipBanner(skipped));
    }
    if (interrupted) return interrupted === "SIGINT" ? 130 : 143;
    const testArgs = await denoTestArgs(Deno.args);
    const agents = await prepareAgents(testArgs, (line) => console.error(line));
    Object.assign(env, agents.env);
    if (agents.banner !== null) console.error(agents.banner);
    if (interrupted) return interrupted === "SIGINT" ? 130 : 143;

    child = new Deno.Command(Deno.execPath(), {
      args: testArgs,
      env,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    if (interrupted) child.kill(interrupted);
    const status = await child.status;
    // After deno test's summary line; .ci/run reads the last summary line, so this is harmless.
    if (skipped !== null) {
      env[skippedVariable] = skipped;
      console.error(skipBanner(skipped));
    }
    if (agents.banner !== null) console.error(agents.banner);
    if (interrupted) return interrupted === "SIGINT" ? 130 : 143;
    return status.code;
  } finally {
    if (cluster) {
      const t0 = performance.now();
      await cluster.stop();
      console.error(
        `PostgreSQL test cluster stopped and removed in ${
          ((performance.now() - t0) / 1000).toFixed(1)
        }s`,
      );
    }
    for (const [s, fn] of listeners) Deno.removeSignalListener(s, fn);
  }
}

if (import.meta.main) Deno.exit(await main());
