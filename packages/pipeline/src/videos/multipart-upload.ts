import { AqError } from "@aq/contracts";
import { getVideo, type Database, type VideoRow } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import {
  listUploadedParts,
  partSize,
  planParts,
  presignUploadPart,
  type PresignedPart,
  type Storage,
  type StoredPart,
} from "@aq/platform/storage";
import type { MultipartUploadPlan } from "./create-video.js";
import { deleteVideo } from "./delete-video.js";

/** Part URLs signed per signUploadParts call: a client asks for the next batch as it goes. */
export const MAX_PARTS_PER_SIGNING = 100;

/** A video whose multipart upload is still open, with its plan. */
export interface OpenMultipartUpload {
  video: VideoRow;
  uploadId: string;
  plan: MultipartUploadPlan;
}

/** The plan a multipart video was created with (planParts is deterministic given the stored part size). */
export function multipartPlanOf(video: VideoRow): MultipartUploadPlan | null {
  if (!video.multipartUploadId || !video.uploadPartBytes || !video.sourceSizeBytes || !video.uploadExpiresAt) return null;
  return { ...planParts(video.sourceSizeBytes, video.uploadPartBytes), expiresAt: video.uploadExpiresAt };
}

/** NOT_FOUND, or INVALID_INPUT unless the video is AWAITING_UPLOAD with a multipart upload. */
export async function openMultipartUpload(db: Database, id: string): Promise<OpenMultipartUpload> {
  const video = await getVideo(db, id);
  if (!video) throw new AqError("NOT_FOUND", `no video with id ${id}`);
  const plan = multipartPlanOf(video);
  if (!plan || !video.multipartUploadId) {
    throw new AqError("INVALID_INPUT", `video ${id} has no multipart upload: it was created with a single upload URL or a sourceUrl`);
  }
  if (video.status !== "awaiting_upload") {
    throw new AqError(
      "INVALID_INPUT",
      `video ${id} is ${video.status.toUpperCase()}: its upload is ${video.status === "deleted" ? "aborted" : "already complete"}`,
    );
  }
  return { video, uploadId: video.multipartUploadId, plan };
}

/**
 * Presigned PUT URLs for some parts of a video's multipart upload (at most
 * MAX_PARTS_PER_SIGNING per call), each signed for its exact size and valid for the upload URL
 * lifetime, never past the upload's own expiry. Throws NOT_FOUND or INVALID_INPUT.
 */
export async function signUploadParts(
  deps: { db: Database; uploadStorage: Storage; uploadUrlTtlSeconds: number },
  id: string,
  partNumbers: readonly number[],
): Promise<PresignedPart[]> {
  const { video, uploadId, plan } = await openMultipartUpload(deps.db, id);
  if (partNumbers.length < 1 || partNumbers.length > MAX_PARTS_PER_SIGNING)
    throw new AqError("INVALID_INPUT", `ask for 1 to ${MAX_PARTS_PER_SIGNING} parts at a time, not ${partNumbers.length}`);
  const wrong = partNumbers.find((n) => !Number.isInteger(n) || n < 1 || n > plan.partCount);
  if (wrong !== undefined) throw new AqError("INVALID_INPUT", `part numbers run from 1 to ${plan.partCount} for this upload, not ${wrong}`);
  if (new Set(partNumbers).size !== partNumbers.length) throw new AqError("INVALID_INPUT", "a part number is listed twice");
  const remainingSeconds = Math.floor((plan.expiresAt.getTime() - Date.now()) / 1000);
  if (remainingSeconds < 1) throw new AqError("INVALID_INPUT", `the upload of video ${id} expired at ${plan.expiresAt.toISOString()}`);
  const expiresIn = Math.min(deps.uploadUrlTtlSeconds, remainingSeconds);
  return Promise.all(
    partNumbers.map((partNumber) =>
      presignUploadPart(
        deps.uploadStorage,
        { key: video.sourceLocation, uploadId, partNumber, contentLength: partSize(plan, partNumber) },
        expiresIn,
      ),
    ),
  );
}

/**
 * Where a multipart upload stands: its plan and the parts the bucket holds with the planned
 * size (ListParts), so that a client that lost its state uploads only the others. Throws
 * NOT_FOUND, INVALID_INPUT, or SOURCE_NOT_FOUND when the bucket no longer has the upload.
 */
export async function resumeVideoUpload(
  deps: { db: Database; storage: Storage },
  id: string,
): Promise<{ video: VideoRow; plan: MultipartUploadPlan; parts: StoredPart[] }> {
  const { video, uploadId, plan } = await openMultipartUpload(deps.db, id);
  const parts = await listUploadedParts(deps.storage, video.sourceLocation, uploadId);
  if (!parts) throw new AqError("SOURCE_NOT_FOUND", `the bucket no longer has the multipart upload of video ${id}; create the video again`);
  return {
    video,
    plan,
    parts: parts.filter((part) => part.partNumber <= plan.partCount && part.size === partSize(plan, part.partNumber)),
  };
}

/**
 * Gives up an upload in progress: the video becomes DELETED and its parts leave the bucket
 * (deleteVideo aborts the multipart upload). Only for AWAITING_UPLOAD videos; a video whose
 * upload is complete is removed with deleteVideo. Throws NOT_FOUND or INVALID_INPUT.
 */
export async function abortVideoUpload(deps: { db: Database; storage: Storage; log: Logger }, id: string): Promise<VideoRow> {
  const video = await getVideo(deps.db, id);
  if (!video) throw new AqError("NOT_FOUND", `no video with id ${id}`);
  if (video.status !== "awaiting_upload" && video.status !== "deleted") {
    throw new AqError(
      "INVALID_INPUT",
      `video ${id} is ${video.status.toUpperCase()}: its upload is complete; use deleteVideo to remove it`,
    );
  }
  await deleteVideo(deps, id, "upload aborted through the API");
  return (await getVideo(deps.db, id)) ?? video;
}
