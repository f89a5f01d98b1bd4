import { AqError, explainError } from "@aq/contracts";
import { signPlaybackUrl } from "@aq/platform/playback";
import { presignGetText } from "@aq/platform/storage";
import type { GatewayContext } from "../graphql/context.js";
import type { StatusChangeResolvers, VideoErrorResolvers, VideoResolvers } from "../generated/resolvers.js";
import { publicError } from "../graphql/public-error.js";

/** The probe result is stored typed (the media core's MediaInfo); only a few numbers are exposed. */
function finite(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** A signed link's lifetime: the caller's within the configured maximum, else the default. */
function linkLifetime(expiresInSeconds: number | null | undefined, runtime: GatewayContext["runtime"]): number {
  const { PLAYBACK_DEFAULT_TTL_SECONDS, PLAYBACK_MAX_TTL_SECONDS } = runtime.config;
  const ttl = expiresInSeconds ?? PLAYBACK_DEFAULT_TTL_SECONDS;
  if (ttl < 1 || ttl > PLAYBACK_MAX_TTL_SECONDS) {
    throw new AqError("INVALID_INPUT", `expiresInSeconds must be between 1 and ${PLAYBACK_MAX_TTL_SECONDS}, got ${ttl}`);
  }
  return ttl;
}

export const Video: VideoResolvers = {
  progress: (row) => (row.status === "ready" ? 100 : row.progress),
  error: (row) => publicError(row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null),
  renditions: (row) => row.renditions ?? row.plannedRenditions ?? [],
  durationSeconds: (row) => finite(row.probe?.durationSeconds),
  width: (row) => finite(row.probe?.video?.displayWidth),
  height: (row) => finite(row.probe?.video?.displayHeight),
  playbackUrl: async (row, { expiresInSeconds }, { runtime }) => {
    if (row.status !== "ready") return null;
    return (await signPlaybackUrl(runtime.keyring, runtime.playbackBaseUrl(), row.id, linkLifetime(expiresInSeconds, runtime))).url;
  },
  // Signed for the endpoint browsers reach, like upload URLs.
  logUrl: (row, { expiresInSeconds }, { runtime }) =>
    row.logLocation ? presignGetText(runtime.uploadStorage, row.logLocation, linkLifetime(expiresInSeconds, runtime)) : null,
  createdAt: (row) => row.createdAt.toISOString(),
  updatedAt: (row) => row.updatedAt.toISOString(),
  history: (row, _args, { history }) => history.load(row.id),
};

export const StatusChange: StatusChangeResolvers = {
  from: (change) => change.fromStatus,
  to: (change) => change.toStatus,
  at: (change) => change.at.toISOString(),
};

/** The plain words beside a stored error come from the contracts, as the web app's do. */
export const VideoError: VideoErrorResolvers = {
  summary: (error) => explainError(error.code).summary,
  nextStep: (error) => explainError(error.code).nextStep,
  retryable: (error) => explainError(error.code).retryable,
};
