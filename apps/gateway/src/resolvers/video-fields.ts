import { AqError, canPlay, explainError, nearestThumbnail, QC_REPORT, thumbnailFile, videoPrefix, type QcReport } from "@aq/contracts";
import { signPlaybackUrl } from "@aq/platform/playback";
import { getObjectStream } from "@aq/platform/storage";
import { presignGetText } from "@aq/platform/storage";
import type { StatusChangeResolvers, VideoErrorResolvers, VideoResolvers } from "../generated/resolvers.js";
import { publicError } from "../graphql/public-error.js";
import { linkLifetime, signedFile } from "./signed-file.js";

/** The probe result is stored typed (the media core's MediaInfo); only a few numbers are exposed. */
function finite(value: number | null | undefined): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export const Video: VideoResolvers = {
  progress: (row) => (row.status === "ready" ? 100 : row.progress),
  error: (row) => publicError(row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null),
  renditions: (row) => row.renditions ?? row.plannedRenditions ?? [],
  durationSeconds: (row) => finite(row.probe?.durationSeconds),
  width: (row) => finite(row.probe?.video?.displayWidth),
  height: (row) => finite(row.probe?.video?.displayHeight),
  playable: (row) => canPlay(row.status, row.playableAt !== null),
  playbackUrl: async (row, { expiresInSeconds }, { runtime }) => {
    if (!canPlay(row.status, row.playableAt !== null)) return null;
    return (await signPlaybackUrl(runtime.keyring, runtime.playbackBaseUrl(), row.id, linkLifetime(expiresInSeconds, runtime))).url;
  },
  // Signed for the endpoint browsers reach, like upload URLs.
  logUrl: (row, { expiresInSeconds }, { runtime }) =>
    row.logLocation ? presignGetText(runtime.uploadStorage, row.logLocation, linkLifetime(expiresInSeconds, runtime)) : null,
  posterUrl: (row, { expiresInSeconds }, context) => signedFile(row, row.assets?.poster.path, expiresInSeconds, context),
  thumbnailUrl: (row, { time, expiresInSeconds }, context) => {
    if (!Number.isFinite(time) || time < 0)
      throw new AqError("INVALID_INPUT", `time must be seconds from the start (0 or more), got ${time}`);
    const times = row.assets?.thumbnails.times;
    const path = times?.length ? thumbnailFile(nearestThumbnail(times, time)) : undefined;
    return signedFile(row, path, expiresInSeconds, context);
  },
  storyboardUrl: (row, { expiresInSeconds }, context) => signedFile(row, row.assets?.storyboard.path, expiresInSeconds, context),
  downloadUrl: (row, { expiresInSeconds }, context) => signedFile(row, row.assets?.download?.path, expiresInSeconds, context),
  captions: (row) => row.captions.map((track) => ({ ...track, video: row })),
  pendingCaptions: (row) => row.pendingCaptions.map((track) => ({ ...track, error: publicError(track.error) })),
  createdAt: (row) => row.createdAt.toISOString(),
  updatedAt: (row) => row.updatedAt.toISOString(),
  history: (row, _args, { history }) => history.load(row.id),
  // Read from the bucket, where the encoder's report was stored with the output: one source of truth.
  qc: async (row, _args, { runtime }) => {
    if (row.status !== "ready") return null;
    const object = await getObjectStream(runtime.storage, `${videoPrefix(row.id)}${QC_REPORT}`);
    if (!object) return null;
    return JSON.parse(Buffer.concat(await object.body.toArray()).toString("utf8")) as QcReport;
  },
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
