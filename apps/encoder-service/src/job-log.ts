import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { toErrorValue } from "@aq/contracts";
import { logKey, uploadFile } from "@aq/platform/storage";
import type { StageDeps } from "@aq/pipeline";
import { logsDir } from "@aq/pipeline";

/** Moves an attempt's log to the bucket (kept on disk if that fails); returns where an operator can read it. */
export async function keepLog(deps: StageDeps, videoId: string, name: string, logFile: string): Promise<string | null> {
  const exists = await stat(logFile).catch(() => null);
  if (!exists) return null;
  const local = join(logsDir(deps.workDir, videoId), name);
  await mkdir(logsDir(deps.workDir, videoId), { recursive: true });
  await rename(logFile, local);
  const key = logKey(videoId, name);
  try {
    await uploadFile(deps.storage, local, key);
    // In the bucket now: no copy stays on this encoder's disk (nothing else reads it).
    await rm(local, { force: true });
    return key;
  } catch (error) {
    deps.log.warn({ videoId, err: toErrorValue(error) }, "encode: could not copy the log to the bucket; it stays on disk");
    return local;
  }
}
