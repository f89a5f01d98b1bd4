import { join, resolve } from "node:path";
import { defaultLadderConfig, type RateControl, type X264Preset } from "@aq/config";
import { AqError } from "@aq/contracts";
import type { RenditionPlan } from "../ladder.js";
import type { MediaInfo } from "../media-info.js";
import { prepareOutputDir } from "../output-dir.js";
import { stageProgress, type EncodeProgress } from "../progress.js";
import { encodeSourceAudio, type AudioTrackInput } from "./audio.js";
import { encodeChunk, type EncodedChunk } from "./encode-chunk.js";
import { planChunks, type ChunkPlanOptions } from "./plan.js";
import { chunkedPlaylists, writePlaylistFiles, type ChunkedPlaylists } from "./playlists.js";

export interface EncodeInChunksOptions {
  /** The normalized source. */
  input: string;
  outDir: string;
  /** Holds the whole-source audio tracks. */
  workDir: string;
  info: MediaInfo;
  plan: RenditionPlan[];
  chunks: ChunkPlanOptions;
  logFile: string;
  onProgress?: (progress: EncodeProgress) => void;
  signal?: AbortSignal;
  /** Per ffmpeg run (the audio encode, each chunk). */
  timeoutMs?: number;
  stallTimeoutMs?: number;
  preset?: X264Preset;
  rateControl?: RateControl;
  threads?: number;
}

export interface ChunkedEncodeResult {
  outDir: string;
  chunks: EncodedChunk[];
  /** As written: complete (VOD). */
  playlists: ChunkedPlaylists;
  warnings: string[];
}

/**
 * The chunked encode on one machine, chunk after chunk (the CLI's `--chunk-seconds` and the bench's
 * comparison with the single run; the pipeline runs the same functions as jobs on many encoders):
 * the first chunk, the whole-source audio, the other chunks, then the VOD playlists and the measured master.
 */
export async function encodeInChunks(options: EncodeInChunksOptions): Promise<ChunkedEncodeResult> {
  const { info, plan } = options;
  if (!info.video) throw new AqError("SOURCE_NO_VIDEO", "source has no video stream");
  const duration = info.durationSeconds;
  if (!duration) throw new AqError("ENCODE_FAILED", "the normalized source has no duration to cut into chunks");
  const outDir = resolve(options.outDir);
  await prepareOutputDir(outDir);
  const limits = { signal: options.signal, timeoutMs: options.timeoutMs, stallTimeoutMs: options.stallTimeoutMs };
  const ranges = planChunks(duration, options.chunks);
  const done: EncodedChunk[] = [];
  // As in the pipeline: the first chunk encodes its own audio, the others copy the whole source's.
  let audio: AudioTrackInput[] | undefined;
  for (const chunk of ranges) {
    if (chunk.index > 0) {
      audio ??= await encodeSourceAudio({
        input: options.input,
        info,
        plan,
        outDir: join(options.workDir, "audio"),
        logFile: options.logFile,
        ...limits,
      });
    }
    done.push(
      await encodeChunk({
        input: options.input,
        audio,
        info,
        plan,
        chunk,
        outDir,
        logFile: options.logFile,
        preset: options.preset,
        rateControl: options.rateControl ?? defaultLadderConfig.rateControl,
        threads: options.threads,
        ...limits,
        onProgress:
          options.onProgress &&
          ((p) => {
            const seconds = chunk.startSeconds + (p.stagePercent / 100) * chunk.durationSeconds;
            const progress = { outTimeSeconds: seconds, fps: p.fps, speed: p.speed };
            options.onProgress?.(stageProgress("encode", Math.min(99.9, (seconds / duration) * 100), progress, duration));
          }),
      }),
    );
  }
  const playlists = chunkedPlaylists(plan, done, ranges.length, info.audio !== null);
  if (!playlists?.complete) throw new AqError("ENCODE_FAILED", "chunked encode ended without every chunk");
  await writePlaylistFiles(outDir, playlists.files);
  return { outDir, chunks: done, playlists, warnings: [...new Set(done.flatMap((c) => c.warnings))] };
}
