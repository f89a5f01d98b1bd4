import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parse } from "hls-parser";
import { execa } from "execa";
import { playlistName, tailLog, type RenditionPlan } from "@aq/media";
import { percentile } from "./measure.js";

const require = createRequire(import.meta.url);

/**
 * A 2018 static ffmpeg built with libvmaf (npm @ffmpeg-installer/linux-x64, a bench-only
 * devDependency): Debian's ffmpeg has no libvmaf. It scores; it never encodes anything AQ serves.
 */
export const VMAF_FFMPEG = join(dirname(require.resolve("@ffmpeg-installer/linux-x64/package.json")), "ffmpeg");

/** Per-rendition scores: means over the scored frames and the worst frames' percentiles. */
export interface RungScores {
  frames: number;
  vmaf: number;
  /** 5th-percentile frame: what the worst moments look like. */
  vmafP5: number;
  ssimY: number;
  ssimYP1: number;
  psnrY: number;
  psnrYP1: number;
}

/**
 * Timestamps from the frame index, in the rendition's own time base: frame n at n/rate exactly.
 * `setpts=N/(rate)/TB` computed the same in floating point and truncated, so in a 1/1000 or
 * 1/90000 time base some frames landed a tick early and the metric filters' frame sync paired them
 * with the previous reference frame: about one frame in ten scored against its neighbour (VMAF
 * 87.9 instead of 96.7 for a 720p CRF 19 encode of the coffee clip; a lossless encode scored 10 of
 * 100 frames below 60 dB PSNR).
 */
export function frameIndexTimestamps(rung: Pick<RenditionPlan, "frameRate">): string {
  return `settb=${rung.frameRate.den}/${rung.frameRate.num},setpts=N`;
}

/** The segment files of a rendition, in order, as one `concat:` input (MPEG-TS segments join byte for byte). */
async function renditionInput(outDir: string, rung: RenditionPlan): Promise<string> {
  const playlist = parse(await readFile(join(outDir, playlistName(rung)), "utf8"));
  if (playlist.isMasterPlaylist) throw new Error(`${playlistName(rung)} is a master playlist`);
  return `concat:${playlist.segments.map((s) => join(outDir, s.uri)).join("|")}`;
}

/**
 * VMAF, SSIM-Y and PSNR-Y (libvmaf computes all three on luma) of every rendition against the
 * mezzanine scaled to the rendition's size with the encoders' bicubic scaler. Both sides have the
 * same constant frame rate and frame count, so frames pair one to one by index. `subsample` N scores every
 * Nth frame. One ffmpeg per rendition: this libvmaf build aborts now and then with several
 * instances in one filter graph.
 */
export async function scoreLadder(options: {
  mezzanine: string;
  outDir: string;
  plan: RenditionPlan[];
  model: string;
  subsample: number;
  workDir: string;
}): Promise<Map<string, RungScores>> {
  const scores = new Map<string, RungScores>();
  for (const rung of options.plan) {
    const log = join(options.workDir, `vmaf-${rung.name}.json`);
    // Timestamps from the frame index on both sides: the mezzanine's millisecond timestamps and the
    // segments' 90 kHz ones round 1/30 s differently, and libvmaf's frame sync would then pair a
    // rendition's frame with the reference frame before it for a third of the frames.
    const pts = frameIndexTimestamps(rung);
    const graph =
      `[0:v]${pts},scale=w=${rung.width}:h=${rung.height}:flags=bicubic,setsar=1,format=yuv420p[r];` +
      `[1:v]${pts},setsar=1,format=yuv420p[d];` +
      `[d][r]libvmaf=model_path=${options.model}:psnr=1:ssim=1:log_fmt=json:log_path=${log}:n_subsample=${options.subsample}:n_threads=2`;
    const args = [
      "-hide_banner",
      "-nostdin",
      "-nostats",
      "-i",
      options.mezzanine,
      "-i",
      await renditionInput(options.outDir, rung),
      "-lavfi",
      graph,
      "-f",
      "null",
      "-",
    ];
    const logFile = join(options.workDir, `vmaf-${rung.name}.log`);
    let run = await execa(VMAF_FFMPEG, args, { stdout: "ignore", stderr: { file: logFile }, reject: false });
    // Killed by a signal (the build's occasional abort): once more before giving up.
    if (run.signal) run = await execa(VMAF_FFMPEG, args, { stdout: "ignore", stderr: { file: logFile }, reject: false });
    if (run.exitCode !== 0)
      throw new Error(`VMAF scoring of ${rung.name} failed (${run.signal ?? `exit ${run.exitCode}`}):\n${await tailLog(logFile, 8)}`);
    scores.set(rung.name, summarizeVmafLog(await readFile(log, "utf8")));
  }
  return scores;
}

/** libvmaf 1.x's JSON log: `frames[].metrics.{vmaf,ssim,psnr}`. */
export function summarizeVmafLog(text: string): RungScores {
  const log = JSON.parse(text) as { frames?: { metrics: Record<string, number> }[] };
  const frames = log.frames ?? [];
  if (!frames.length) throw new Error("libvmaf logged no frames");
  const values = (key: string) =>
    frames.map((f) => {
      const v = f.metrics[key];
      if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`libvmaf logged no ${key} for a frame`);
      return v;
    });
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const vmaf = values("vmaf");
  const ssim = values("ssim");
  const psnr = values("psnr");
  return {
    frames: frames.length,
    vmaf: mean(vmaf),
    vmafP5: percentile(vmaf, 5),
    ssimY: mean(ssim),
    ssimYP1: percentile(ssim, 1),
    psnrY: mean(psnr),
    psnrYP1: percentile(psnr, 1),
  };
}
