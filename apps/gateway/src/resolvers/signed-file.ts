import { AqError } from "@aq/contracts";
import type { VideoRow } from "@aq/platform/db";
import { signPlaybackFileUrl } from "@aq/platform/playback";
import type { GatewayContext } from "../graphql/context.js";

/** A signed link's lifetime: the caller's within the configured maximum, else the default. */
export function linkLifetime(expiresInSeconds: number | null | undefined, runtime: GatewayContext["runtime"]): number {
  const { PLAYBACK_DEFAULT_TTL_SECONDS, PLAYBACK_MAX_TTL_SECONDS } = runtime.config;
  const ttl = expiresInSeconds ?? PLAYBACK_DEFAULT_TTL_SECONDS;
  if (ttl < 1 || ttl > PLAYBACK_MAX_TTL_SECONDS) {
    throw new AqError("INVALID_INPUT", `expiresInSeconds must be between 1 and ${PLAYBACK_MAX_TTL_SECONDS}, got ${ttl}`);
  }
  return ttl;
}

/** A signed URL of a file under videos/<id>/, once the video is READY and the file was made. */
export async function signedFile(
  row: VideoRow,
  path: string | undefined,
  expiresInSeconds: number | null | undefined,
  context: GatewayContext,
): Promise<string | null> {
  if (row.status !== "ready" || !path) return null;
  const { runtime } = context;
  return (await signPlaybackFileUrl(runtime.keyring, runtime.playbackBaseUrl(), row.id, path, linkLifetime(expiresInSeconds, runtime))).url;
}
