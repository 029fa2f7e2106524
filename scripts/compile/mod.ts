/**
 * Release builds: targets and arguments of `deno task compile`, the build stamp written into
 * `src/build_info.ts`, and the checksum file. Pure, so tests cover them without compiling.
 */
export {
  type CompileOptions,
  compileUsage,
  CompileUsageError,
  parseCompileArgs,
  type Target,
  targets,
} from "./options.ts";
export {
  buildDate,
  type BuildInfo,
  buildInfoSource,
  commitLabel,
  commitOverride,
  dateOverride,
} from "./stamp.ts";
export {
  checksumsText,
  compileFailureHint,
  denoCompileArgs,
  runtimePermissions,
} from "./commands.ts";
