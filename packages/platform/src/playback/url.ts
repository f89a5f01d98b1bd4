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
  const expiry = nowSeconds + expiresInSeconds;
  const token = await signPlaybackToken(keyring, videoId, expiry);
  return {
    url: `${baseUrl.replace(/\/+$/, "")}${playbackPath(videoId, expiry, token, MASTER_PLAYLIST)}`,
    expiresAt: new Date(expiry * 1000),
  };
}
