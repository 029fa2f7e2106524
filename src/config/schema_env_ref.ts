/** A secret given by reference: `env("TEAM_A_KEY")` in TypeScript, `{ env: TEAM_A_KEY }` in YAML. */
import { z } from "zod";

export const envRefSchema = z.strictObject({
  env: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"),
});

export type EnvRef = z.output<typeof envRefSchema>;
