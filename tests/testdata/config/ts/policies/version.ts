// Imports the module that imports it: the loader must survive the cycle as CommonJS does.
import { strictPolicy } from "./strict.ts";

export function policyVersion(): string {
  return strictPolicy === undefined ? "v2" : "cycle-not-handled";
}
