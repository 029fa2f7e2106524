/**
 * PostgreSQL for the bench: a private throwaway cluster per scenario (scripts/test/cluster.ts),
 * stopped with everything else on failure and Ctrl-C, and the row count of a gateway's traces.
 */
import postgres from "postgres";
import { type Cluster, startCluster } from "../scripts/test/cluster.ts";
import { onStopAll } from "./proc.ts";

/** A started cluster, or why PostgreSQL is not available (the scenario is then skipped). */
export async function startBenchCluster(): Promise<Cluster | { failed: string }> {
  const started = await startCluster();
  if ("failed" in started) return started;
  const unregister = onStopAll(started.stop);
  return {
    ...started,
    async stop() {
      unregister();
      await started.stop();
    },
  };
}

/** Rows in `traces`, and the longest stored response body (in bytes) when asked for. */
export async function countPostgresRows(
  dsn: string,
  withMaxBody: boolean,
): Promise<{ rows: number; maxBody: number | null }> {
  const sql = postgres(dsn, { max: 1, onnotice: () => {} });
  try {
    const [count] = await sql<{ n: string }[]>`SELECT count(*)::text AS n FROM traces`;
    let maxBody: number | null = null;
    if (withMaxBody) {
      const [m] = await sql<{ m: string | null }[]>`
        SELECT max(octet_length(response_body))::text AS m FROM traces`;
      maxBody = m?.m == null ? null : Number(m.m);
    }
    return { rows: Number(count?.n), maxBody };
  } finally {
    await sql.end({ timeout: 1 });
  }
}
