/** `ongoingai version`: the build's version, commit and date. */
import { versionString } from "../version.ts";
import type { CliCommand } from "./io.ts";

export const versionSpec = {
  name: "version",
  summary: "Print the version, commit and build date (also --version, -v)",
  usage: "ongoingai version",
  flags: [],
} as const;

export const version: CliCommand = (_args, io) => {
  io.stdout(`${versionString()}\n`);
  return Promise.resolve(0);
};
