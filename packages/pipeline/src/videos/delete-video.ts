import { AqError, isAqError, VIDEO_STATUSES } from "@aq/contracts";
import { getVideo, transitionVideo, type Database } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import { abortMultipartUpload, deletePrefixWithBackoff, uploadPrefix, videoPrefix, workPrefix, type Storage } from "@aq/platform/storage";

const NOT_DELETED = VIDEO_STATUSES.filter((status) => status !== "deleted");

/**
 * Marks the video deleted first, so that no worker can move it on (their transitions are
 * compare-and-set), then removes its objects; answers how many. Deleting a deleted video
 * removes any objects left behind by an earlier failure. Throws NOT_FOUND, or CLEANUP_FAILED
 * when objects remain (the video is deleted; calling again retries).
 */
export async function deleteVideo(
  deps: { db: Database; storage: Storage; log: Logger },
  id: string,
  detail = "deleted through the API",
): Promise<{ removed: number }> {
  const video = await getVideo(deps.db, id);
  if (!video) throw new AqError("NOT_FOUND", `no video with id ${id}`);
  if (video.status !== "deleted") {
    await transitionVideo(deps.db, { id, from: NOT_DELETED, to: "deleted", set: { progress: 0 }, detail });
  }
  let removed = 0;
  try {
    // Parts of an unfinished multipart upload are no objects a prefix deletion sees; a completed upload is gone already (no error).
    if (video.multipartUploadId) await abortMultipartUpload(deps.storage, video.sourceLocation, video.multipartUploadId);
    for (const prefix of [videoPrefix(id), uploadPrefix(id), workPrefix(id)])
      removed += await deletePrefixWithBackoff(deps.storage, prefix, { log: deps.log });
  } catch (error) {
    if (!isAqError(error)) throw error;
    deps.log.error({ videoId: id, code: error.code, err: error.toValue() }, "video deleted, but objects remain in the bucket");
    throw new AqError(
      error.code,
      `the video is deleted, but its files could not all be removed (${error.message}); call deleteVideo again to retry`,
      error.details,
      { cause: error },
    );
  }
  return { removed };
}
