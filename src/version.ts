/**
 * Build identity. Release builds overwrite `build_info.ts` before `deno compile` (see
 * `scripts/compile.ts`); a source checkout reports `dev`.
 */
import { buildInfo } from "./build_info.ts";

export const VERSION: string = buildInfo.version;
export const COMMIT: string = buildInfo.commit;
export const BUILD_DATE: string = buildInfo.date;

/** `0.1.0 (abc1234, 2026-11-22T00:00:00Z)`, the format of the original's `version`. */
export function versionString(): string {
  return `${VERSION} (${COMMIT}, ${BUILD_DATE})`;
}
