import type { PlaybackKeyring } from "./keys.js";
import { MASTER_PLAYLIST } from "@aq/contracts";
import { playbackPath } from "./path.js";
import { signPlaybackToken } from "./token.js";

export interface SignedPlaybackUrl {
  url: string;
  expiresAt: Date;
}

/** The longest step a file URL's expiry is rounded up by (see cacheableExpiry). */
export const EXPIRY_WINDOW_SECONDS = 3600;

/**
 * now + lifetime rounded up to a window boundary: every request within one window gets the same
 * expiry, hence the same token and URL, so a browser's cache (keyed by URL) keeps a poster a
 * library shows on every render. The window is an hour, or the lifetime itself when that is
 * shorter, so a link lives at least the lifetime asked for and less than twice it (or an hour
 * more).
 */
export function cacheableExpiry(nowSeconds: number, lifetimeSeconds: number): number {
  const window = Math.min(EXPIRY_WINDOW_SECONDS, lifetimeSeconds);
  return Math.ceil((nowSeconds + lifetimeSeconds) / window) * window;
}

async function signUntil(
  keyring: PlaybackKeyring,
  baseUrl: string,
  videoId: string,
  path: string,
  expiry: number,
): Promise<SignedPlaybackUrl> {
  const token = await signPlaybackToken(keyring, videoId, expiry);
  return {
    url: `${baseUrl.replace(/\/+$/, "")}${playbackPath(videoId, expiry, token, path)}`,
    expiresAt: new Date(expiry * 1000),
  };
}

/** The URL a player opens: the master playlist under a token valid for `expiresInSeconds`. */
export async function signPlaybackUrl(
  keyring: PlaybackKeyring,
  baseUrl: string,
  videoId: string,
  expiresInSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<SignedPlaybackUrl> {
  return signUntil(keyring, baseUrl, videoId, MASTER_PLAYLIST, nowSeconds + expiresInSeconds);
}

/**
 * Any file under videos/<id>/ (a poster, a thumbnail, a storyboard, a caption track, a download)
 * under the same kind of token: the token binds the video and the expiry, so one signature
 * covers every file of the video (a storyboard's sprites, named relative to its VTT, included).
 * The expiry is rounded up (cacheableExpiry) so the URL stays the same within a window.
 */
export async function signPlaybackFileUrl(
  keyring: PlaybackKeyring,
  baseUrl: string,
  videoId: string,
  path: string,
  expiresInSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<SignedPlaybackUrl> {
  return signUntil(keyring, baseUrl, videoId, path, cacheableExpiry(nowSeconds, expiresInSeconds));
}
