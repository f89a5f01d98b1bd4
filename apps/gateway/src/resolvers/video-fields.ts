import type { VideoRow } from "@aq/platform/db";
import { AqError } from "@aq/contracts";
import { signPlaybackUrl } from "@aq/platform/playback";
import type { StatusChangeResolvers, VideoResolvers } from "../generated/resolvers.js";
import { publicError } from "../graphql/public-error.js";

/** The probe result is stored as the media core's MediaInfo; only a few numbers are exposed. */
function probeNumber(row: VideoRow, read: (probe: Record<string, unknown>) => unknown): number | null {
  const value = row.probe ? read(row.probe) : null;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function probeVideoStream(probe: Record<string, unknown>): Record<string, unknown> {
  return typeof probe.video === "object" && probe.video !== null ? (probe.video as Record<string, unknown>) : {};
}

export const Video: VideoResolvers = {
  progress: (row) => (row.status === "ready" ? 100 : row.progress),
  error: (row) => publicError(row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null),
  renditions: (row) => row.renditions ?? row.plannedRenditions ?? [],
  durationSeconds: (row) => probeNumber(row, (probe) => probe.durationSeconds),
  width: (row) => probeNumber(row, (probe) => probeVideoStream(probe).displayWidth),
  height: (row) => probeNumber(row, (probe) => probeVideoStream(probe).displayHeight),
  playbackUrl: async (row, { expiresInSeconds }, { runtime }) => {
    if (row.status !== "ready") return null;
    const { PLAYBACK_DEFAULT_TTL_SECONDS, PLAYBACK_MAX_TTL_SECONDS } = runtime.config;
    const ttl = expiresInSeconds ?? PLAYBACK_DEFAULT_TTL_SECONDS;
    if (ttl < 1 || ttl > PLAYBACK_MAX_TTL_SECONDS) {
      throw new AqError("INVALID_INPUT", `expiresInSeconds must be between 1 and ${PLAYBACK_MAX_TTL_SECONDS}, got ${ttl}`);
    }
    return (await signPlaybackUrl(runtime.keyring, runtime.playbackBaseUrl(), row.id, ttl)).url;
  },
  createdAt: (row) => row.createdAt.toISOString(),
  updatedAt: (row) => row.updatedAt.toISOString(),
  history: (row, _args, { history }) => history.load(row.id),
};

export const StatusChange: StatusChangeResolvers = {
  from: (change) => change.fromStatus,
  to: (change) => change.toStatus,
  at: (change) => change.at.toISOString(),
};
