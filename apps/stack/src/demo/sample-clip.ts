import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { makeTestClip } from "@aq/devkit";

export interface SampleSpec {
  width: number;
  height: number;
  seconds: number;
}

export const DEFAULT_SAMPLE: SampleSpec = { width: 1920, height: 1080, seconds: 20 };

/**
 * A synthetic clip (devkit's test clip: moving test pattern with a running timestamp, and a
 * tone), kept in `directory` and reused on later runs.
 */
export async function sampleClip(directory: string, spec: SampleSpec): Promise<string> {
  const path = join(directory, `sample-${spec.width}x${spec.height}-${spec.seconds}s.mp4`);
  const existing = await stat(path).catch(() => null);
  if (existing && existing.size > 0) return path;
  await mkdir(directory, { recursive: true });
  const partial = `${path}.partial.mp4`;
  await makeTestClip(partial, { width: spec.width, height: spec.height, seconds: spec.seconds, fps: 30 }).catch(async (error: Error) => {
    await rm(partial, { force: true });
    throw new Error(`could not make the sample clip: ${error.message}`, { cause: error });
  });
  await rename(partial, path);
  return path;
}
