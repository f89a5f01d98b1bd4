import type { LadderConfig } from "@aq/config";
import { AqError, type RenditionPlan } from "@aq/contracts";
import { chooseFrameRate } from "./frame-rate.js";
import type { MediaInfo, VideoStreamInfo } from "./media-info.js";
import { formatRational, rationalValue } from "./media-info.js";

export interface Rung {
  /** The short side in pixels; the rendition is named after it ("720p"). */
  shortSide: number;
  videoKbps: number;
  audioKbps: number;
}

/** The guide's ladder (docs/encoding-guide.md §0) plus the optional 1080p rung. */
export const BASE_RUNGS: readonly Rung[] = [
  { shortSide: 240, videoKbps: 400, audioKbps: 64 },
  { shortSide: 360, videoKbps: 800, audioKbps: 96 },
  { shortSide: 480, videoKbps: 1400, audioKbps: 128 },
  { shortSide: 720, videoKbps: 2800, audioKbps: 128 },
];
export const RUNG_1080P: Rung = { shortSide: 1080, videoKbps: 5000, audioKbps: 128 };

export const SEGMENT_SECONDS = 6;
/** Every segment boundary (6 s) falls on this grid, so all renditions cut at the same frames. */
export const KEYFRAME_INTERVAL_SECONDS = 2;
/** Cap on the instantaneous rate relative to the target, and the VBV buffer in seconds of target rate. */
export const MAXRATE_FACTOR = 1.1;
export const BUFSIZE_SECONDS = 2;

export type { RenditionPlan } from "@aq/contracts";

/** The smallest short side a source may have under this configuration. */
export function minimumShortSide(ladder: LadderConfig): number {
  const rungs = BASE_RUNGS;
  return ladder.allowSmallerSources ? rungs[0]!.shortSide : rungs[rungs.length - 1]!.shortSide;
}

export function rungsFor(ladder: LadderConfig): Rung[] {
  return ladder.enable1080p ? [...BASE_RUNGS, RUNG_1080P] : [...BASE_RUNGS];
}

/**
 * The renditions for a source: every rung at or below its short side (never upscaled), each
 * keeping the source's displayed aspect ratio with the long side rounded to an even number,
 * portrait sources getting portrait renditions.
 */
export function planLadder(info: MediaInfo, ladder: LadderConfig): RenditionPlan[] {
  const video = info.video;
  if (!video) throw new AqError("SOURCE_NO_VIDEO", "source has no video stream");
  const { displayWidth, displayHeight } = video;
  const portrait = displayHeight > displayWidth;
  const sourceShort = Math.min(displayWidth, displayHeight);
  const sourceLong = Math.max(displayWidth, displayHeight);
  const minimum = minimumShortSide(ladder);
  if (sourceShort < minimum) throw tooSmall(video, minimum);

  const frameRate = chooseFrameRate(video, ladder.maxFps);
  const frameRateValue = rationalValue(frameRate);
  // Rounded up so x264's own interval never places a keyframe before the forced one.
  const gopFrames = Math.max(1, Math.ceil(frameRateValue * KEYFRAME_INTERVAL_SECONDS - 1e-6));
  const aspect = snapAspect(sourceLong / sourceShort);
  const withAudio = info.audio !== null;

  return rungsFor(ladder)
    .filter((rung) => rung.shortSide <= sourceShort)
    .map((rung) => {
      const long = Math.min(roundEven(rung.shortSide * aspect), floorEven(sourceLong));
      return {
        name: `${rung.shortSide}p`,
        width: portrait ? rung.shortSide : long,
        height: portrait ? long : rung.shortSide,
        videoBitrateKbps: rung.videoKbps,
        maxrateKbps: Math.round(rung.videoKbps * MAXRATE_FACTOR),
        bufsizeKbps: rung.videoKbps * BUFSIZE_SECONDS,
        audioBitrateKbps: rung.audioKbps,
        bandwidth: (Math.round(rung.videoKbps * MAXRATE_FACTOR) + (withAudio ? rung.audioKbps : 0)) * 1000,
        frameRate,
        frameRateText: formatRational(frameRate),
        frameRateValue,
        gopFrames,
        keyframeIntervalSeconds: KEYFRAME_INTERVAL_SECONDS,
        segmentSeconds: SEGMENT_SECONDS,
      };
    });
}

export function tooSmall(video: VideoStreamInfo, minimum: number): AqError {
  const short = Math.min(video.displayWidth, video.displayHeight);
  return new AqError(
    "SOURCE_TOO_SMALL",
    `source is ${video.displayWidth}x${video.displayHeight} (${short} px on the short side); AQ needs at least ${minimum} px`,
    { displayWidth: video.displayWidth, displayHeight: video.displayHeight, minimumShortSide: minimum },
  );
}

/** Common shapes, so an 854x480 or 1281x721 source gets the guide's (docs/encoding-guide.md §0) exact 16:9 sizes (426x240, not 428x240). */
const COMMON_ASPECTS = [16 / 9, 4 / 3, 1];
const ASPECT_TOLERANCE = 0.01;

function snapAspect(aspect: number): number {
  return COMMON_ASPECTS.find((common) => Math.abs(aspect - common) / common <= ASPECT_TOLERANCE) ?? aspect;
}

function roundEven(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2);
}

function floorEven(value: number): number {
  return Math.max(2, Math.floor(value / 2) * 2);
}
