/** Command line of `deno task bench`. */
import { parseArgs } from "node:util";

export const scenarioIds = [
  "chat",
  "latency",
  "streaming",
  "large",
  "traces_sqlite",
  "traces_postgres",
  "auth",
  "pii",
  "pii_stall",
  "telemetry",
  "streams_200",
  "store_write",
  "analytics",
  "bomb",
  "translate",
  "routing",
  "native",
  "workers",
] as const;
export type ScenarioId = typeof scenarioIds[number];

export interface BenchArgs {
  smoke: boolean;
  duration: number | undefined;
  only: ScenarioId[] | null;
  out: string | null;
  load: "auto" | "wrk" | "deno";
  nginx: boolean;
}

export const usage = `deno task bench [options]

  --smoke             a few seconds in total: checks that every scenario still works and that no
                      trace is dropped (exit 1 if not); figures are not meaningful
  --duration SECONDS  length of one measurement (default 10; smoke 0.5)
  --only a,b          run only these scenarios (the others are listed as not selected):
                      ${scenarioIds.join(", ")}
  --out DIR           where results go (default bench/results; smoke: a temporary directory)
  --load auto|wrk|deno  saturation load generator (default auto: wrk when installed)
  --no-nginx          skip the nginx baseline even when nginx is installed
`;

/** Parsed arguments, or an error message for a usage error (exit code 2). */
export function parseBenchArgs(argv: string[]): BenchArgs | string {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        smoke: { type: "boolean", default: false },
        duration: { type: "string" },
        only: { type: "string" },
        out: { type: "string" },
        load: { type: "string", default: "auto" },
        "no-nginx": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (values.help) return "";
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0 && duration <= 3600)) {
    return `--duration must be a number of seconds between 0 and 3600 (got "${values.duration}")`;
  }
  let only: ScenarioId[] | null = null;
  if (values.only !== undefined) {
    const ids = values.only.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !(scenarioIds as readonly string[]).includes(id));
    if (unknown.length > 0) {
      return `--only: unknown scenario ${unknown.join(", ")}; known: ${scenarioIds.join(", ")}`;
    }
    only = ids as ScenarioId[];
  }
  if (!["auto", "wrk", "deno"].includes(values.load)) return `--load must be auto, wrk or deno`;
  return {
    smoke: values.smoke,
    duration,
    only,
    out: values.out ?? null,
    load: values.load as BenchArgs["load"],
    nginx: !values["no-nginx"],
  };
}
