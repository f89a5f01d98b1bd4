import { z } from "zod";
import { described } from "./describe.js";
import { envBoolean, envInt, loadConfig, type Env } from "./load.js";

export const X264_PRESETS = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"] as const;
export type X264Preset = (typeof X264_PRESETS)[number];

export const RATE_CONTROL_MODES = ["capped-crf", "bitrate"] as const;
/**
 * How x264 spends bits on a rung. "capped-crf": constant quality, never above the rung's bit rate
 * (a simple source costs less); "bitrate": the guide's fixed bit rates.
 */
export type RateControl = { mode: "capped-crf"; crf: number } | { mode: "bitrate" };
/** The highest CRF whose every rung kept its 5th-percentile VMAF frame within 2 points of the guide's fixed rates (BENCHMARKS.md). */
export const DEFAULT_CRF = 19;

/** Environment variables of the ladder and the encoder (read by the CLI, the probe and the encoder services). */
export const ladderEnv = {
  LADDER_ENABLE_1080P: described(
    envBoolean(false),
    'Add the 1080p rung (5000 kbit/s) for sources at least 1080 px on the short side. The guide: "skip 1080p unless absolutely required".',
  ),
  LADDER_ALLOW_SMALLER_SOURCES: described(
    envBoolean(false),
    "Accept sources under 720p (down to 240 px on the short side); only rungs at or below the source are made, never upscaled.",
  ),
  SOURCE_MIN_DURATION_SECONDS: described(envInt(5, 0, 3600), 'A source must be longer than this (the guide: "Duration > 5 seconds").'),
  SOURCE_MAX_DURATION_SECONDS: described(envInt(6 * 3600, 1, 7 * 24 * 3600), "Longest accepted source."),
  SOURCE_MAX_DIMENSION: described(
    envInt(8192, 720, 16384),
    "Longest side in pixels above which a source is refused as absurd (8K is 7680).",
  ),
  SOURCE_MAX_DECODED_PIXELS: described(
    envInt(3e12, 1e6),
    "Cap on width × height × frames of a source (about 6 h of 1080p60 by default): checked on the probe and on the frames actually found before decoding, `SOURCE_TOO_LARGE` beyond.",
  ),
  ENCODE_MAX_FPS: described(envInt(60, 1, 240), "Higher frame rates are encoded at an integer fraction of the source's (120 → 60)."),
  X264_PRESET: described(
    z.enum(X264_PRESETS).default("medium"),
    "libx264 preset (`ultrafast` … `veryslow`); faster presets trade quality for time.",
  ),
  ENCODE_RATE_CONTROL: described(
    z.enum(RATE_CONTROL_MODES).default("capped-crf"),
    "`capped-crf`: constant quality (`ENCODE_CRF`) with each rung's bit rate as its cap, so simple footage costs fewer bytes; `bitrate`: the guide's fixed bit rates. Chosen by `npm run bench` (docs/encoding.md).",
  ),
  ENCODE_CRF: described(
    envInt(DEFAULT_CRF, 0, 51),
    "x264 CRF of `capped-crf` (lower is better and bigger); the default is the bench's choice (BENCHMARKS.md).",
  ),
  ENCODE_THREADS: described(envInt(0, 0, 256), "libx264 threads per encode; `0` lets ffmpeg decide."),
  ENCODE_STALL_TIMEOUT_SECONDS: described(
    envInt(120, 1, 24 * 3600),
    "ffmpeg is killed when its output time stops advancing this long; time its threads wait for a busy CPU does not count.",
  ),
  ENCODE_TIMEOUT_SECONDS: described(
    envInt(0, 0, 7 * 24 * 3600),
    "Wall-clock limit of one ffmpeg run; `0` derives it from the source duration (10 min + 20 × duration).",
  ),
  PROBE_TIMEOUT_SECONDS: described(envInt(60, 1, 3600), "Time limit of one ffprobe run on a source."),
  MP4_DOWNLOAD_RENDITION: described(
    z
      .string()
      .regex(/^\d{3,4}p$/)
      .default("720p"),
    "The rung a video's MP4 download is remuxed from (when it asked for one); the largest rung below it when the video has no such rung.",
  ),
};

/**
 * The source limits the gateway states in its uploadRules query (the probe applies them), so a
 * client can check a file before uploading it. The same declarations: set them alike on both.
 */
export const sourceRulesEnv = {
  LADDER_ALLOW_SMALLER_SOURCES: ladderEnv.LADDER_ALLOW_SMALLER_SOURCES,
  SOURCE_MIN_DURATION_SECONDS: ladderEnv.SOURCE_MIN_DURATION_SECONDS,
  SOURCE_MAX_DURATION_SECONDS: ladderEnv.SOURCE_MAX_DURATION_SECONDS,
  SOURCE_MAX_DIMENSION: ladderEnv.SOURCE_MAX_DIMENSION,
};

export interface LadderConfig {
  enable1080p: boolean;
  allowSmallerSources: boolean;
  minDurationSeconds: number;
  maxDurationSeconds: number;
  maxDimension: number;
  /** Width × height × frames: what decoding the source costs. */
  maxDecodedPixels: number;
  maxFps: number;
  x264Preset: X264Preset;
  rateControl: RateControl;
  encodeThreads: number;
  stallTimeoutSeconds: number;
  /** 0: derived from the source duration. */
  encodeTimeoutSeconds: number;
  probeTimeoutSeconds: number;
  /** The rung an MP4 download is made from ("720p"). */
  downloadRendition: string;
}

type LadderEnv = z.output<z.ZodObject<typeof ladderEnv>>;

/** The ladder settings out of variables already parsed by a schema that includes `ladderEnv`. */
export function ladderSettings(e: LadderEnv): LadderConfig {
  return {
    enable1080p: e.LADDER_ENABLE_1080P,
    allowSmallerSources: e.LADDER_ALLOW_SMALLER_SOURCES,
    minDurationSeconds: e.SOURCE_MIN_DURATION_SECONDS,
    maxDurationSeconds: e.SOURCE_MAX_DURATION_SECONDS,
    maxDimension: e.SOURCE_MAX_DIMENSION,
    maxDecodedPixels: e.SOURCE_MAX_DECODED_PIXELS,
    maxFps: e.ENCODE_MAX_FPS,
    x264Preset: e.X264_PRESET,
    rateControl: e.ENCODE_RATE_CONTROL === "bitrate" ? { mode: "bitrate" } : { mode: "capped-crf", crf: e.ENCODE_CRF },
    encodeThreads: e.ENCODE_THREADS,
    stallTimeoutSeconds: e.ENCODE_STALL_TIMEOUT_SECONDS,
    encodeTimeoutSeconds: e.ENCODE_TIMEOUT_SECONDS,
    probeTimeoutSeconds: e.PROBE_TIMEOUT_SECONDS,
    downloadRendition: e.MP4_DOWNLOAD_RENDITION,
  };
}

/** A schema's parsed variables plus the ladder settings built from them, in the same parse. */
export function withLadder<E extends LadderEnv>(env: E): E & { ladder: LadderConfig } {
  return { ...env, ladder: ladderSettings(env) };
}

/** The ladder settings of the `aq` CLI and the bench, from raw environment variables. */
export function ladderConfigFromEnv(env: Env = process.env): LadderConfig {
  return loadConfig(z.object(ladderEnv).transform(ladderSettings), env);
}

export const defaultLadderConfig: Readonly<LadderConfig> = Object.freeze(ladderConfigFromEnv({}));
