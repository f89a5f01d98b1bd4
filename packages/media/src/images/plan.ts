import type { ImageSize } from "@aq/contracts";
import { KEYFRAME_INTERVAL_SECONDS } from "../ladder.js";

/** At most this many thumbnails (and storyboard tiles) per video: a 1-hour video gets one every 18 s. */
export const MAX_FRAMES = 200;
export const THUMBNAIL_LONG_SIDE = 640;
export const TILE_LONG_SIDE = 160;
export const SHEET_COLUMNS = 10;
export const SHEET_ROWS = 10;
/** The poster is picked among this many frames around POSTER_AT of the duration. */
export const POSTER_CANDIDATES = 5;
export const POSTER_AT = 0.1;

export interface ImagePlan {
  /** Seconds between thumbnails: a whole number of keyframe intervals, as only keyframes are decoded. */
  intervalSeconds: number;
  thumbnail: ImageSize;
  tile: ImageSize;
  columns: number;
  rows: number;
  poster: ImageSize & { targetSeconds: number; fromSeconds: number; toSeconds: number; stepSeconds: number };
}

function even(value: number): number {
  return Math.max(2, 2 * Math.round(value / 2));
}

/** A size with the source's shape whose long side is at most `longSide` (never upscaled). */
export function fitWithin(size: ImageSize, longSide: number): ImageSize {
  const scale = Math.min(1, longSide / Math.max(size.width, size.height));
  return { width: even(size.width * scale), height: even(size.height * scale) };
}

/** What the image pass makes from a rendition of this size and a video of this duration. */
export function planImages(rendition: ImageSize, durationSeconds: number): ImagePlan {
  const frames = Math.ceil(durationSeconds / MAX_FRAMES / KEYFRAME_INTERVAL_SECONDS);
  const intervalSeconds = Math.max(1, frames) * KEYFRAME_INTERVAL_SECONDS;
  const expected = Math.floor(durationSeconds / intervalSeconds) + 1;
  const columns = Math.min(SHEET_COLUMNS, expected);
  const rows = Math.min(SHEET_ROWS, Math.ceil(expected / columns));
  const targetSeconds = durationSeconds * POSTER_AT;
  // Wide enough to hold several keyframes in a short video, a tenth of a long one.
  const halfWindow = Math.max(2 * KEYFRAME_INTERVAL_SECONDS, durationSeconds * 0.05);
  const fromSeconds = Math.max(0, targetSeconds - halfWindow);
  const toSeconds = Math.min(durationSeconds, targetSeconds + halfWindow);
  const stepSeconds = Math.max(KEYFRAME_INTERVAL_SECONDS, (toSeconds - fromSeconds) / POSTER_CANDIDATES);
  return {
    intervalSeconds,
    thumbnail: fitWithin(rendition, THUMBNAIL_LONG_SIDE),
    tile: fitWithin(rendition, TILE_LONG_SIDE),
    columns,
    rows,
    poster: { ...rendition, targetSeconds, fromSeconds, toSeconds, stepSeconds },
  };
}
