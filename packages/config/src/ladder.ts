import { z } from "zod";
import { envBoolean, envInt, loadConfig } from "./load.js";

export const X264_PRESETS = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"] as const;
export type X264Preset = (typeof X264_PRESETS)[number];

/** Environment variables of the ladder and the encoder (read by the CLI, the probe and the encoder services). */
export const ladderEnv = {
  /** Adds the 1080p rung (5000 kbps) for sources at least 1080 px on the short side. The guide (docs/encoding-guide.md §0): "skip 1080p unless absolutely required". */
  LADDER_ENABLE_1080P: envBoolean(false),
  /** Accepts sources smaller than 720p (down to 240 px on the short side); only rungs at or below the source are produced. */
  LADDER_ALLOW_SMALLER_SOURCES: envBoolean(false),
  /** A source must be longer than this (the guide, docs/encoding-guide.md §1: "Duration > 5 seconds"). */
  SOURCE_MIN_DURATION_SECONDS: envInt(5, 0, 3600),
  SOURCE_MAX_DURATION_SECONDS: envInt(6 * 3600, 1, 7 * 24 * 3600),
  /** Longest side in pixels above which a source is refused as absurd (8K is 7680). */
  SOURCE_MAX_DIMENSION: envInt(8192, 720, 16384),
  /** Sources above this frame rate are encoded at an integer fraction of it (120 -> 60). */
  ENCODE_MAX_FPS: envInt(60, 1, 240),
  X264_PRESET: z.enum(X264_PRESETS).default("medium"),
  /** libx264 threads per encoder; 0 lets ffmpeg decide. */
  ENCODE_THREADS: envInt(0, 0, 256),
  /** ffmpeg is killed when its output time has not advanced for this long. */
  ENCODE_STALL_TIMEOUT_SECONDS: envInt(120, 1, 24 * 3600),
  /** Wall-clock limit for one ffmpeg run; 0 derives it from the source duration (10 min + 20 x duration). */
  ENCODE_TIMEOUT_SECONDS: envInt(0, 0, 7 * 24 * 3600),
  PROBE_TIMEOUT_SECONDS: envInt(60, 1, 3600),
};

export interface LadderConfig {
  enable1080p: boolean;
  allowSmallerSources: boolean;
  minDurationSeconds: number;
  maxDurationSeconds: number;
  maxDimension: number;
  maxFps: number;
  x264Preset: X264Preset;
  encodeThreads: number;
  stallTimeoutSeconds: number;
  /** 0: derived from the source duration. */
  encodeTimeoutSeconds: number;
  probeTimeoutSeconds: number;
}

/**
 * Reads the ladder settings from raw environment variables or from a config object another schema
 * already parsed with `...ladderEnv` (its booleans and numbers are read back as text).
 */
export function ladderConfigFromEnv(env: Record<string, unknown> = process.env): LadderConfig {
  const raw = Object.fromEntries(
    Object.keys(ladderEnv).map((key) => {
      const value = env[key];
      return [key, typeof value === "boolean" || typeof value === "number" ? String(value) : typeof value === "string" ? value : undefined];
    }),
  );
  const e = loadConfig(z.object(ladderEnv), raw);
  return {
    enable1080p: e.LADDER_ENABLE_1080P,
    allowSmallerSources: e.LADDER_ALLOW_SMALLER_SOURCES,
    minDurationSeconds: e.SOURCE_MIN_DURATION_SECONDS,
    maxDurationSeconds: e.SOURCE_MAX_DURATION_SECONDS,
    maxDimension: e.SOURCE_MAX_DIMENSION,
    maxFps: e.ENCODE_MAX_FPS,
    x264Preset: e.X264_PRESET,
    encodeThreads: e.ENCODE_THREADS,
    stallTimeoutSeconds: e.ENCODE_STALL_TIMEOUT_SECONDS,
    encodeTimeoutSeconds: e.ENCODE_TIMEOUT_SECONDS,
    probeTimeoutSeconds: e.PROBE_TIMEOUT_SECONDS,
  };
}

export const defaultLadderConfig: Readonly<LadderConfig> = Object.freeze(ladderConfigFromEnv({}));
