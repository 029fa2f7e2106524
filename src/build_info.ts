/** Replaced by `deno task compile` with the release's values. */
export const buildInfo = { version: "0.1.0-dev", commit: "none", date: "unknown" } as const;
