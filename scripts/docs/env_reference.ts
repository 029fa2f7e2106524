/** The environment variable table, from the same rows the config loader applies. */
import { envVariables } from "../../src/config/mod.ts";
import { code, table } from "./markdown_table.ts";

const otelSwitch = "observability.otel.enabled";

export function renderEnvReference(): string {
  const rows = envVariables.map((v) => [
    code(v.name),
    code(v.path),
    v.accepts,
    v.enablesOtel && v.path !== otelSwitch
      ? `${v.description} Setting it turns ${code(otelSwitch)} on.`
      : v.description,
  ]);
  return [
    "Precedence: built-in defaults < config file < environment. An empty variable counts as unset.",
    table(["Variable", "Config key", "Value", "Description"], rows),
  ].join("\n\n") + "\n";
}
