import { spawn } from "node:child_process";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";

export interface SampleSpec {
  width: number;
  height: number;
  seconds: number;
}

export const DEFAULT_SAMPLE: SampleSpec = { width: 1920, height: 1080, seconds: 20 };

/**
 * A synthetic clip made by ffmpeg (moving test pattern with a running timestamp, and a tone),
 * kept in `directory` and reused on later runs.
 */
export async function sampleClip(directory: string, spec: SampleSpec): Promise<string> {
  const path = join(directory, `sample-${spec.width}x${spec.height}-${spec.seconds}s.mp4`);
  const existing = await stat(path).catch(() => null);
  if (existing && existing.size > 0) return path;
  await mkdir(directory, { recursive: true });
  const partial = `${path}.partial.mp4`;
  const args = [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${spec.width}x${spec.height}:rate=30:duration=${spec.seconds}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:sample_rate=48000:duration=${spec.seconds}`,
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "aac",
    "-shortest",
    partial,
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn("ffmpeg", args, { stdio: ["ignore", "ignore", "pipe"] });
    let text = "";
    child.stderr.on("data", (chunk: Buffer) => (text = (text + chunk.toString()).slice(-2000)));
    child.once("error", (error) => reject(new Error(`could not run ffmpeg to make the sample clip: ${error.message}`)));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg could not make the sample clip (exit ${code}): ${text.trim()}`))));
  }).catch(async (error: Error) => {
    await rm(partial, { force: true });
    throw error;
  });
  await rename(partial, path);
  return path;
}
