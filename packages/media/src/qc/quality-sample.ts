import { join } from "node:path";
import type { QcQualitySample } from "@aq/contracts";
import { renditionScaleFilter } from "../encode-args.js";
import type { SegmentSize } from "../hls-playlists.js";
import { fileArg, inputSafetyArgs } from "../input-safety.js";
import type { RenditionPlan } from "../ladder.js";
import { runMeasurement } from "./ffmpeg-measure.js";

/** Where the sample is taken: the segment at this share of the video, past titles and fades. */
const SAMPLE_AT = 0.1;

/** "SSIM Y:0.981 (17.2) U:... All:..." and "PSNR y:41.2 u:... average:..." as the ssim and psnr filters print them. */
export function parseQualitySummary(log: string): { ssimY: number; psnrY: number | null } {
  const ssim = /SSIM Y:([\d.]+)/.exec(log.slice(log.lastIndexOf("SSIM Y:")));
  const psnr = /PSNR y:([\d.]+|inf)/.exec(log.slice(log.lastIndexOf("PSNR y:")));
  if (!ssim || !psnr) throw new Error("ffmpeg printed no SSIM/PSNR summary");
  return { ssimY: Number(ssim[1]), psnrY: psnr[1] === "inf" ? null : Number(psnr[1]) };
}

/**
 * SSIM and PSNR (luma) of one segment of a rendition against the same seconds of the source,
 * scaled to the rendition's size and frame rate as the encode did, so only the encode's loss is
 * measured.
 */
export async function measureQualitySample(options: {
  source: string;
  outDir: string;
  rendition: RenditionPlan;
  segments: SegmentSize[];
  workDir: string;
  signal?: AbortSignal;
}): Promise<QcQualitySample> {
  const { rendition, segments } = options;
  const index = Math.min(segments.length - 1, Math.floor(segments.length * SAMPLE_AT));
  const segment = segments[index];
  if (!segment) throw new Error(`${rendition.name} has no segments`);
  const startSeconds = segments.slice(0, index).reduce((t, s) => t + s.durationSeconds, 0);
  const reference = `fps=fps=${rendition.frameRateText},${renditionScaleFilter(rendition)},setpts=PTS-STARTPTS`;
  const log = await runMeasurement(
    options.workDir,
    "quality",
    [
      "-ss",
      String(startSeconds),
      "-t",
      String(segment.durationSeconds),
      ...inputSafetyArgs(),
      "-i",
      fileArg(options.source),
      "-format_whitelist",
      "mpegts",
      "-protocol_whitelist",
      "file",
      "-i",
      fileArg(join(options.outDir, segment.uri)),
      "-filter_complex",
      // ssim passes its first input through, so psnr compares the same frames next.
      `[0:v:0]${reference},split[r1][r2];[1:v:0]setpts=PTS-STARTPTS[d];[d][r1]ssim[m];[m][r2]psnr[out]`,
      "-map",
      "[out]",
    ],
    options.signal,
  );
  return { rendition: rendition.name, startSeconds, seconds: segment.durationSeconds, ...parseQualitySummary(log) };
}
