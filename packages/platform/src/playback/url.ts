import type { PlaybackKeyring } from "./keys.js";
import { MASTER_PLAYLIST } from "@aq/contracts";
import { playbackPath } from "./path.js";
import { signPlaybackToken } from "./token.js";

export interface SignedPlaybackUrl {
  url: string;
  expiresAt: Date;
}

/** The URL a player opens: the master playlist under a token valid for `expiresInSeconds`. */
export async function signPlaybackUrl(
  keyring: PlaybackKeyring,
  baseUrl: string,
  videoId: string,
  expiresInSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<SignedPlaybackUrl> {
  return signPlaybackFileUrl(keyring, baseUrl, videoId, MASTER_PLAYLIST, expiresInSeconds, nowSeconds);
}

/**
 * Any file under videos/<id>/ (a poster, a storyboard, a download) under the same kind of token:
 * the token binds the video and the expiry, so one signature covers every file of the video.
 */
export async function signPlaybackFileUrl(
  keyring: PlaybackKeyring,
  baseUrl: string,
  videoId: string,
  path: string,
  expiresInSeconds: number,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<SignedPlaybackUrl> {
  const expiry = nowSeconds + expiresInSeconds;
  const token = await signPlaybackToken(keyring, videoId, expiry);
  return {
    url: `${baseUrl.replace(/\/+$/, "")}${playbackPath(videoId, expiry, token, path)}`,
    expiresAt: new Date(expiry * 1000),
  };
}
