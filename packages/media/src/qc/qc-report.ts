import type { QcAudio, QcQualitySample, QcRendition, QcReport } from "@aq/contracts";
import { toErrorValue } from "@aq/contracts";
import { MASTER_PLAYLIST, QC_REPORT } from "@aq/contracts";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { peakSegmentBitrate, readPlaylist, readSegmentSizes } from "../hls-playlists.js";
import type { RenditionPlan } from "../ladder.js";
import type { MediaInfo } from "../media-info.js";
import { keyframesAligned } from "./keyframes.js";
import { measureLoudness } from "./loudness.js";
import { measureQualitySample } from "./quality-sample.js";

/** A rendition this much shorter or longer than the source is worth a word. */
const DURATION_WARNING_SECONDS = 0.5;
/** Below this luma SSIM on the sample, the encode visibly lost detail. */
const LOW_SSIM = 0.9;

export interface QcOptions {
  /** The file the encode read (the normalized source): the reference for quality and loudness. */
  source: string;
  info: MediaInfo;
  /** A verified output in the guide's layout. */
  outDir: string;
  plan: RenditionPlan[];
  /** Holds the measurement logs. */
  workDir: string;
  signal?: AbortSignal;
  /** Called for a measurement that failed (it becomes a warning). */
  onMeasurementError?: (what: string, error: unknown) => void;
}

/**
 * Measures a finished output for the user: bit rates against what the master declares,
 * durations, segments, keyframe alignment, a quality sample and loudness. Warnings tell what a
 * user should know; a measurement that fails becomes a warning too, never a failed video.
 */
export async function measureQc(options: QcOptions): Promise<QcReport> {
  const { info, outDir, plan } = options;
  const warnings: string[] = [];
  const failed = (what: string, error: unknown) => {
    options.onMeasurementError?.(what, error);
    warnings.push(`${what} could not be measured (${toErrorValue(error).message})`);
  };

  const master = await readPlaylist(join(outDir, MASTER_PLAYLIST));
  const declared = new Map(master.isMasterPlaylist ? master.variants.map((v) => [v.uri, v.bandwidth]) : []);
  const measured = await Promise.all(plan.map(async (r) => ({ plan: r, ...(await readSegmentSizes(outDir, r)) })));
  const renditions: QcRendition[] = measured.map(({ plan: r, segments, targetDuration }) => {
    const bytes = segments.reduce((n, s) => n + s.bytes, 0);
    const seconds = segments.reduce((n, s) => n + s.durationSeconds, 0);
    return {
      name: r.name,
      declaredBandwidth: declared.get(`${r.name}.m3u8`) ?? 0,
      averageBitrate: seconds > 0 ? Math.round((bytes * 8) / seconds) : 0,
      peakBitrate: peakSegmentBitrate(segments, targetDuration),
      durationSeconds: Math.round(seconds * 1000) / 1000,
      segmentCount: segments.length,
      longestSegmentSeconds: Math.max(0, ...segments.map((s) => s.durationSeconds)),
    };
  });
  for (const r of renditions) {
    if (r.peakBitrate > r.declaredBandwidth) {
      warnings.push(`${r.name} peaks at ${r.peakBitrate} bit/s, above the ${r.declaredBandwidth} the master playlist declares`);
    }
    const source = info.durationSeconds;
    if (source !== null && Math.abs(r.durationSeconds - source) > DURATION_WARNING_SECONDS) {
      warnings.push(`${r.name} lasts ${r.durationSeconds.toFixed(2)} s, the source ${source.toFixed(2)} s`);
    }
  }

  const aligned = await keyframesAligned(
    outDir,
    measured.map((m) => ({ name: m.plan.name, segments: m.segments })),
  );
  if (!aligned) warnings.push("segment starts are not keyframes at the same times in every rendition: players may stall when switching");

  let qualitySample: QcQualitySample | null = null;
  const top = measured.at(-1);
  if (info.video?.hdr) {
    warnings.push("no quality sample: the HDR source was tone-mapped, so the output cannot be compared with it");
  } else if (top) {
    try {
      qualitySample = await measureQualitySample({ ...options, rendition: top.plan, segments: top.segments });
      if (qualitySample.ssimY < LOW_SSIM) {
        warnings.push(
          `${top.plan.name} keeps little detail on the sample (SSIM ${qualitySample.ssimY.toFixed(3)} at ${qualitySample.startSeconds} s)`,
        );
      }
    } catch (error) {
      failed("the quality sample", error);
    }
  }

  let audio: QcAudio | null = null;
  if (!info.audio) {
    warnings.push("the video has no audio track");
  } else {
    try {
      audio = await measureLoudness(options.source, info.audio.index, options.workDir, options.signal);
      if (audio.silent) warnings.push("the audio track is silent");
    } catch (error) {
      failed("loudness", error);
    }
  }

  return {
    measuredAt: new Date().toISOString(),
    sourceDurationSeconds: info.durationSeconds,
    renditions,
    keyframesAligned: aligned,
    qualitySample,
    audio,
    warnings,
  };
}

/**
 * The QC report of a verified output, written beside the guide's files (`<outDir>/qc.json`);
 * a report that cannot be made is a warning, null here, never a failed video.
 */
export async function writeQcReport(options: QcOptions, warnings: string[]): Promise<QcReport | null> {
  try {
    const qc = await measureQc(options);
    await writeFile(join(options.outDir, QC_REPORT), `${JSON.stringify(qc, null, 2)}\n`);
    return qc;
  } catch (error) {
    if (options.signal?.aborted) throw error;
    warnings.push(`no quality-control report: ${toErrorValue(error).message}`);
    return null;
  }
}
