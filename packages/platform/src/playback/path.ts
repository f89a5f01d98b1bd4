import { isVideoId, MASTER_PLAYLIST } from "@aq/contracts";
import { videoPrefix } from "@aq/contracts";

/** The route prefix shared by the gateway and the edge worker. */
export const PLAYBACK_ROUTE_PREFIX = "/v/";

const EXPIRY_PATTERN = /^[1-9][0-9]{0,11}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,32}\.[A-Za-z0-9_-]{1,64}$/;
/** HLS output names only: no encoded characters, no dot-segments, no hidden files. */
const SEGMENT_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const MAX_DEPTH = 4;

export interface PlaybackRequest {
  expiry: number;
  token: string;
  videoId: string;
  /** Path below the video's prefix, e.g. "segments/720p_000.ts". */
  path: string;
  /** The storage key it maps to; always under videos/<videoId>/. */
  key: string;
}

/** `/v/<expiry>/<token>/<video_id>/<path>` for a signed token. */
export function playbackPath(videoId: string, expiry: number, token: string, path = MASTER_PLAYLIST): string {
  return `${PLAYBACK_ROUTE_PREFIX}${expiry}/${token}/${videoId}/${path}`;
}

/**
 * Parses a request path into the parts of a playback request, or null when it is not one
 * (including any attempt to leave the video's prefix: `..`, encoded slashes, empty segments).
 */
export function parsePlaybackPath(pathname: string): PlaybackRequest | null {
  if (!pathname.startsWith(PLAYBACK_ROUTE_PREFIX)) return null;
  const [expiryText, token, videoId, ...rest] = pathname.slice(PLAYBACK_ROUTE_PREFIX.length).split("/");
  if (!expiryText || !EXPIRY_PATTERN.test(expiryText)) return null;
  if (!token || !TOKEN_PATTERN.test(token)) return null;
  if (!videoId || !isVideoId(videoId)) return null;
  if (rest.length === 0 || rest.length > MAX_DEPTH) return null;
  if (!rest.every((segment) => SEGMENT_PATTERN.test(segment) && !segment.includes(".."))) return null;
  const path = rest.join("/");
  return { expiry: Number(expiryText), token, videoId, path, key: `${videoPrefix(videoId)}${path}` };
}
