import { ladderConfigFromEnv, type LadderConfig } from "@aq/config";
import { listLocalTree } from "@aq/platform/storage";
import type { BenchOptions } from "./options.js";
import type { SectionId } from "./results.js";
import type { SourceCache } from "./sources.js";

export interface BenchContext {
  options: BenchOptions;
  ladder: LadderConfig;
  /** Variables for processes that encode (the stack's services), matching `ladder`. */
  ladderEnv: Record<string, string>;
  workDir: string;
  sources: SourceCache;
  log(message: string): void;
  /** Saves a section's result so far to the partial results file (a stopped run keeps it). */
  checkpoint(id: SectionId, partial: unknown): Promise<void>;
}

/** The ladder every encode of the run uses: the environment's settings, plus smaller sources in quick mode. */
export function benchLadder(quick: boolean): { ladder: LadderConfig; env: Record<string, string> } {
  const env: Record<string, string> = quick ? { LADDER_ALLOW_SMALLER_SOURCES: "true" } : {};
  return { ladder: ladderConfigFromEnv({ ...process.env, ...env }), env };
}

/** Total size of the files under a directory. */
export async function treeBytes(dir: string): Promise<number> {
  return (await listLocalTree(dir)).reduce((sum, file) => sum + file.size, 0);
}
