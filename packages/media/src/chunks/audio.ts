import { appendFile, mkdir, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { AqError } from "@aq/contracts";
import { runFfmpeg } from "../ffmpeg-process.js";
import { inputArg, inputSafetyArgs } from "../input-safety.js";
import type { RenditionPlan } from "../ladder.js";
import type { MediaInfo } from "../media-info.js";
import { FFMPEG_RUN_ARGS, ffmpegStageProgress, type EncodeProgress } from "../progress.js";
import { sideBySide } from "../side-by-side.js";

/** AAC frames hold 1024 samples; AQ's audio is 48 kHz (docs/encoding-guide.md §4). */
export const AAC_FRAME_SAMPLES = 1024;
export const AUDIO_SAMPLE_RATE = 48_000;

/** One whole-source AAC encode, shared by every rung of that audio bit rate. */
export interface AudioTrack {
  bitrateKbps: number;
  /** "audio-128k.m4a" */
  fileName: string;
}

/** Where a chunk reads an audio track: a local path or an http(s) URL (e.g. a presigned GET). */
export interface AudioTrackInput {
  bitrateKbps: number;
  input: string;
}

/** The distinct audio bit rates of a plan, lowest first (the guide's ladder has 64k, 96k and 128k). */
export function audioTracksFor(plan: RenditionPlan[]): AudioTrack[] {
  return [...new Set(plan.map((r) => r.audioBitrateKbps))]
    .sort((a, b) => a - b)
    .map((bitrateKbps) => ({ bitrateKbps, fileName: `audio-${bitrateKbps}k.m4a` }));
}

export interface EncodeSourceAudioOptions {
  /** The normalized source: a local path or an http(s) URL. */
  input: string;
  info: MediaInfo;
  plan: RenditionPlan[];
  /** Receives one `audio-<kbps>k.m4a` per distinct bit rate. */
  outDir: string;
  /** Encode only the source's first this many seconds (the first chunk's own audio, see encodeChunk). */
  untilSeconds?: number;
  /** See RunFfmpegOptions.background. */
  background?: boolean;
  logFile: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  stallTimeoutMs?: number;
  onProgress?: (progress: EncodeProgress) => void;
}

/**
 * Encodes the source's audio once for the whole duration, with the single run's settings (AAC
 * stereo 48 kHz at each rung's bit rate), into MP4 files whose packets keep their exact 1/48000 s
 * timestamps. Chunks copy whole AAC frames out of these, so the audio at a join is the same
 * bitstream as anywhere else: no encoder priming silence and no click where chunks meet
 * (a fresh AAC encoder per chunk would add ~21 ms of priming at every join).
 * One ffmpeg per bit rate, side by side: ffmpeg 5.1 encodes the outputs of one run one after the
 * other on one thread (measured: three tracks of 12.5 s took 0.9-1.0 s in one run, the slowest,
 * 128k, 0.66 s alone), and both the first chunk and every chunk after it wait for these files.
 * Returns nothing for a source without audio.
 */
export async function encodeSourceAudio(options: EncodeSourceAudioOptions): Promise<AudioTrackInput[]> {
  const { info, plan } = options;
  if (!info.audio) return [];
  const tracks = audioTracksFor(plan);
  if (tracks.length === 0) throw new AqError("ENCODE_FAILED", "the ladder plan has no renditions");
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  const logFile = resolve(options.logFile);
  try {
    // A failed track stops the others: the caller gets that track's error and no ffmpeg left running.
    await sideBySide(
      options.signal,
      tracks.map(
        (track, i) => (signal: AbortSignal) =>
          runFfmpeg({
            args: [
              ...FFMPEG_RUN_ARGS,
              ...inputSafetyArgs({ remote: isRemote(options.input) }),
              ...(options.untilSeconds === undefined ? [] : ["-t", options.untilSeconds.toFixed(6)]),
              "-i",
              inputArg(options.input),
              "-vn",
              ...trackOutputArgs(info.audio!.index, track, outDir),
            ],
            logFile: trackLogFile(logFile, track),
            label: `audio ${track.bitrateKbps}k`,
            failureCode: "ENCODE_FAILED",
            background: options.background,
            signal,
            timeoutMs: options.timeoutMs,
            stallTimeoutMs: options.stallTimeoutMs,
            redact: redactionsFor(options.input),
            // The tracks advance together: one of them speaks for all.
            onProgress:
              i === 0 && options.onProgress
                ? (p) => options.onProgress?.(ffmpegStageProgress("encode", p, info.durationSeconds ?? 0))
                : undefined,
          }),
      ),
    );
  } finally {
    // Every track's ffmpeg output lands in the one log, in bit-rate order, whatever happened.
    for (const track of tracks) {
      const own = trackLogFile(logFile, track);
      const text = await readFile(own, "utf8").catch(() => "");
      await appendFile(logFile, text);
      await rm(own, { force: true });
    }
  }
  return tracks.map((t) => ({ bitrateKbps: t.bitrateKbps, input: join(outDir, t.fileName) }));
}

function trackLogFile(logFile: string, track: AudioTrack): string {
  return `${logFile}.audio-${track.bitrateKbps}k`;
}

function trackOutputArgs(streamIndex: number, track: AudioTrack, outDir: string): string[] {
  return [
    "-map",
    `0:${streamIndex}`,
    "-c:a",
    "aac",
    "-ac",
    "2",
    "-ar",
    String(AUDIO_SAMPLE_RATE),
    "-b:a",
    `${track.bitrateKbps}k`,
    "-map_metadata",
    "-1",
    "-map_chapters",
    "-1",
    // The index first: a chunk reading over HTTP seeks without fetching the whole file.
    "-movflags",
    "+faststart",
    "-f",
    "mp4",
    `file:${join(outDir, track.fileName)}`,
  ];
}

export function isRemote(input: string): boolean {
  return /^https?:\/\//i.test(input);
}

/** A URL's query string may hold a signature (a presigned GET): never in a log. */
export function redactionsFor(...inputs: string[]): string[] {
  return inputs.filter(isRemote).flatMap((url) => {
    const query = url.indexOf("?");
    return query >= 0 && query < url.length - 1 ? [url.slice(query + 1)] : [];
  });
}
