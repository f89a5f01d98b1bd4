import { AqError } from "@aq/contracts";
import { getVideo, transitionVideo, type Database, type VideoRow } from "@aq/platform/db";
import { headObject, type Storage } from "@aq/platform/storage";

/**
 * awaiting_upload -> uploaded once the object is in the bucket with the declared size. Calling
 * it again after that returns the video as it is, so a client may safely retry. Throws
 * NOT_FOUND, INVALID_INPUT, SOURCE_NOT_FOUND (nothing uploaded yet) or UPLOAD_MISMATCH.
 */
export async function completeVideoUpload(
  deps: { db: Database; storage: Storage },
  id: string,
): Promise<{ video: VideoRow; completed: boolean }> {
  const video = await getVideo(deps.db, id);
  if (!video) throw new AqError("NOT_FOUND", `no video with id ${id}`);
  if (video.status === "deleted") throw new AqError("INVALID_INPUT", `video ${id} has been deleted`);
  if (video.sourceKind !== "upload")
    throw new AqError("INVALID_INPUT", `video ${id} was created from a source URL; it has no upload to complete`);
  if (video.status !== "awaiting_upload") return { video, completed: false };

  const object = await headObject(deps.storage, video.sourceLocation);
  if (!object) throw new AqError("SOURCE_NOT_FOUND", `nothing has been uploaded for video ${id} yet: PUT the file to the upload URL first`);
  if (video.sourceSizeBytes !== null && object.size !== video.sourceSizeBytes) {
    throw new AqError(
      "UPLOAD_MISMATCH",
      `the uploaded file is ${object.size} bytes but ${video.sourceSizeBytes} were declared; upload it again`,
    );
  }
  const updated = await transitionVideo(deps.db, { id, from: "awaiting_upload", to: "uploaded", detail: "upload completed" });
  if (updated) return { video: updated, completed: true };
  // Another request completed (or deleted) it in between.
  const current = await getVideo(deps.db, id);
  if (!current) throw new AqError("NOT_FOUND", `no video with id ${id}`);
  return { video: current, completed: false };
}
