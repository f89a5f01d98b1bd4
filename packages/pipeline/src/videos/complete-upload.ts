import { AqError } from "@aq/contracts";
import { getVideo, transitionVideo, type Database, type VideoRow } from "@aq/platform/db";
import { completeMultipartUpload, headObject, listUploadedParts, partSize, type Storage } from "@aq/platform/storage";
import { multipartPlanOf } from "./multipart-upload.js";

/** A part as the client uploaded it: its number and the ETag the bucket answered the PUT with. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** Parts named in a message: the first few, then how many more. */
function named(numbers: number[]): string {
  const shown = numbers.slice(0, 5).join(", ");
  return numbers.length > 5 ? `${shown} and ${numbers.length - 5} more` : shown;
}

const unquoted = (etag: string) => etag.replace(/"/g, "");

/**
 * Assembles a multipart upload once every planned part is in the bucket with its planned size
 * and, when the client lists its parts, the ETags it was given. Throws SOURCE_NOT_FOUND (the
 * upload is gone), UPLOAD_INCOMPLETE or INVALID_INPUT.
 */
async function assembleParts(storage: Storage, video: VideoRow, given: readonly CompletedPart[] | null | undefined): Promise<void> {
  const plan = multipartPlanOf(video)!;
  const stored = await listUploadedParts(storage, video.sourceLocation, video.multipartUploadId!);
  if (!stored)
    throw new AqError("SOURCE_NOT_FOUND", `the bucket no longer has the multipart upload of video ${video.id}; create the video again`);
  const byNumber = new Map(stored.map((part) => [part.partNumber, part]));
  const missing: number[] = [];
  for (let n = 1; n <= plan.partCount; n++) {
    if (byNumber.get(n)?.size !== partSize(plan, n)) missing.push(n);
  }
  if (missing.length > 0) {
    throw new AqError(
      "UPLOAD_INCOMPLETE",
      `parts ${named(missing)} of ${plan.partCount} are not in the bucket yet: upload them, then call completeVideoUpload again`,
      { missingParts: missing.length },
    );
  }
  if (given) {
    const numbers = given.map((part) => part.partNumber);
    if (numbers.length !== plan.partCount || numbers.some((n, i) => n !== i + 1)) {
      throw new AqError("INVALID_INPUT", `list every part once, in order, 1 to ${plan.partCount} (or leave parts out)`);
    }
    const differing = given
      .filter((part) => unquoted(part.etag) !== unquoted(byNumber.get(part.partNumber)!.etag))
      .map((p) => p.partNumber);
    if (differing.length > 0) {
      throw new AqError(
        "UPLOAD_INCOMPLETE",
        `parts ${named(differing)} in the bucket are not the ones uploaded (their ETags differ): upload them again, then call completeVideoUpload`,
      );
    }
  }
  await completeMultipartUpload(storage, video.sourceLocation, video.multipartUploadId!, stored.slice(0, plan.partCount));
}

/**
 * awaiting_upload -> uploaded once the object is in the bucket with the declared size; for a
 * multipart upload, after assembling its parts (see assembleParts). Calling it again after that
 * returns the video as it is, so a client may safely retry. Throws NOT_FOUND, INVALID_INPUT,
 * SOURCE_NOT_FOUND (nothing uploaded yet), UPLOAD_INCOMPLETE or UPLOAD_MISMATCH.
 */
export async function completeVideoUpload(
  deps: { db: Database; storage: Storage },
  id: string,
  parts?: readonly CompletedPart[] | null,
): Promise<{ video: VideoRow; completed: boolean }> {
  const video = await getVideo(deps.db, id);
  if (!video) throw new AqError("NOT_FOUND", `no video with id ${id}`);
  if (video.status === "deleted") throw new AqError("INVALID_INPUT", `video ${id} has been deleted`);
  if (video.sourceKind !== "upload")
    throw new AqError("INVALID_INPUT", `video ${id} was created from a source URL; it has no upload to complete`);
  if (video.status !== "awaiting_upload") return { video, completed: false };
  if (parts && !video.multipartUploadId)
    throw new AqError(
      "INVALID_INPUT",
      `video ${id} has a single upload URL, not a multipart upload: call completeVideoUpload without parts`,
    );

  let object = await headObject(deps.storage, video.sourceLocation);
  // An earlier call may have assembled the parts and failed before moving the video on.
  if (video.multipartUploadId && !object) {
    await assembleParts(deps.storage, video, parts);
    object = await headObject(deps.storage, video.sourceLocation);
  }
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
