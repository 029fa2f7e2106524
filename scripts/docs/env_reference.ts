/** The environment variable table, from the same rows the config loader applies. */
import { envVariables } from "../../src/config/mod.ts";
import { code, table } from "./markdown_table.ts";

const otelSwitch = "observability.otel.enabled";

export function renderEnvReference(): string {
  const rows = envVariables.map((v) => [code(v.name), code(v.path), v.accepts, v.description]);
  // Said once under the table rather than in a dozen cells.
  const switching = envVariables.filter((v) => v.enablesOtel && v.path !== otelSwitch);
  return [
    "Precedence: built-in defaults < config file < environment. An empty variable counts as unset.",
    table(["Variable", "Config key", "Value", "Description"], rows),
    `Setting any of ${switching.map((v) => code(v.name)).join(", ")} also turns ${
      code(otelSwitch)
    } on.`,
  ].join("\n\n") + "\n";
}
