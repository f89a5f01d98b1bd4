import { mkdir, rename, rm, stat } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { execa } from "execa";
import { probeMedia } from "@aq/media";
import type { BenchContext } from "./context.js";
import type { SourceSpec } from "./sources.js";

export interface LoopedSource {
  path: string;
  /** What the report says the source is. */
  description: string;
  seconds: number;
  width: number;
  height: number;
  fps: number;
}

/**
 * A real recording repeated to `seconds` by stream copy (-stream_loop): the decode and the
 * encoder see real footage, and making a 5-minute source costs no encode. Kept in `dir`.
 */
export async function loopedSource(dir: string, file: string, seconds: number): Promise<LoopedSource> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${basename(file, extname(file))}-loop-${seconds}s.mp4`);
  if (!(await stat(path).catch(() => null))?.size) {
    const partial = `${path}.partial.mp4`;
    try {
      await execa("ffmpeg", [
        ...["-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", file, "-t", String(seconds)],
        ...["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", partial],
      ]);
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  }
  const info = await probeMedia(path);
  const video = info.video;
  return {
    path,
    description: `${basename(file)} looped by stream copy to ${seconds} s`,
    seconds: Math.round((info.durationSeconds ?? 0) * 100) / 100,
    width: video?.displayWidth ?? 0,
    height: video?.displayHeight ?? 0,
    fps: Math.round((video?.avgFrameRate ?? 0) * 100) / 100,
  };
}

/** A source of the pipeline sections: real footage looped to a length, or (quick mode) a generated clip. */
export type VideoSourceInput = { kind: "looped"; file: string; seconds: number } | { kind: "synthetic"; spec: SourceSpec };

export async function videoSource(ctx: BenchContext, input: VideoSourceInput): Promise<LoopedSource> {
  if (input.kind === "looped") return loopedSource(ctx.options.sourcesDir, input.file, input.seconds);
  const { path, spec, description } = await ctx.sources.get(input.spec);
  return { path, description: description.description, seconds: spec.seconds, width: spec.width, height: spec.height, fps: spec.fps };
}

/** How a section's report names its source and its size. */
export function sourceFacts(source: LoopedSource): Pick<LoopedSource, "seconds" | "width" | "height" | "fps"> & { source: string } {
  return { source: source.description, seconds: source.seconds, width: source.width, height: source.height, fps: source.fps };
}
