import { AqError, newVideoId } from "@aq/contracts";
import { insertVideo, type Database, type VideoRow } from "@aq/platform/db";
import { assertSourceUrlAllowed } from "@aq/platform/sources";
import {
  createMultipartUpload,
  MAX_OBJECT_BYTES,
  MAX_SINGLE_PUT_BYTES,
  planParts,
  presignPut,
  uploadKey,
  type PartPlan,
  type PresignedPut,
  type Storage,
} from "@aq/platform/storage";

const MAX_TITLE_LENGTH = 200;
const MAX_FILENAME_LENGTH = 255;
/** Containers ffmpeg reads arrive as video/* or, from browsers that do not know the type, octet-stream. */
const UPLOAD_CONTENT_TYPE = /^(video\/[a-z0-9][a-z0-9.+-]{0,63}|application\/octet-stream)$/i;

export interface UploadSource {
  filename: string;
  contentType: string;
  sizeBytes: number;
}

export interface NewVideo {
  title?: string | null;
  /** Exactly one of upload and sourceUrl. */
  upload?: UploadSource | null;
  sourceUrl?: string | null;
  /** Also make an MP4 download; null: the deployment's default. */
  mp4Download?: boolean | null;
}

export interface CreateVideoDeps {
  db: Database;
  /** The service's bucket: an s3:// source must be in it. */
  storage: Storage;
  /** Signs the upload URL (the endpoint browsers reach). */
  uploadStorage: Storage;
  maxSourceBytes: number;
  uploadUrlTtlSeconds: number;
  allowPrivateSources: boolean;
  /** Whether a video makes an MP4 download when its input does not say. */
  mp4DownloadDefault: boolean;
  multipart: MultipartSettings;
}

/** MULTIPART_UPLOAD_THRESHOLD_BYTES, MULTIPART_PART_BYTES, MULTIPART_UPLOAD_TTL_SECONDS. */
export interface MultipartSettings {
  thresholdBytes: number;
  partBytes: number;
  ttlSeconds: number;
}

/** A multipart upload as its client sees it: how to cut the file, and when it must be done. */
export interface MultipartUploadPlan extends PartPlan {
  expiresAt: Date;
}

export interface CreatedVideo {
  video: VideoRow;
  /** Where to PUT the file, for an upload source up to the multipart threshold. */
  upload: PresignedPut | null;
  /** For a larger upload source: its parts, whose URLs signUploadParts gives. */
  multipart: MultipartUploadPlan | null;
}

function invalid(message: string): AqError {
  return new AqError("INVALID_INPUT", message);
}

function checkTitle(title: string | null | undefined): string | null {
  const trimmed = title?.trim();
  if (!trimmed) return null;
  if (trimmed.length > MAX_TITLE_LENGTH) throw invalid(`title is ${trimmed.length} characters; the limit is ${MAX_TITLE_LENGTH}`);
  return trimmed;
}

/**
 * The largest file a direct upload may send: the configured limit, within the largest object a
 * bucket stores (above the single-PUT limit the upload is a multipart one).
 */
export function largestUploadBytes(maxSourceBytes: number): number {
  return Math.min(maxSourceBytes, MAX_OBJECT_BYTES);
}

function checkUpload(upload: UploadSource, maxBytes: number): void {
  const { filename, contentType, sizeBytes } = upload;
  if (!filename.trim() || filename.length > MAX_FILENAME_LENGTH || /\p{Cc}/u.test(filename)) {
    throw invalid(`upload.filename must be 1-${MAX_FILENAME_LENGTH} printable characters`);
  }
  if (!UPLOAD_CONTENT_TYPE.test(contentType)) {
    throw invalid(`upload.contentType must be a video/* type or application/octet-stream, got "${contentType.slice(0, 80)}"`);
  }
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1)
    throw invalid(`upload.sizeBytes must be a positive whole number of bytes, got ${sizeBytes}`);
  if (sizeBytes > maxBytes)
    throw new AqError("SOURCE_TOO_LARGE", `upload.sizeBytes is ${sizeBytes}; the largest accepted source is ${maxBytes} bytes`);
  if (sizeBytes > MAX_OBJECT_BYTES) {
    throw new AqError(
      "SOURCE_TOO_LARGE",
      `upload.sizeBytes is ${sizeBytes}; the largest object a bucket stores is ${MAX_OBJECT_BYTES} bytes (5 TiB, R2 and S3)`,
    );
  }
}

/** One presigned PUT carries at most MAX_SINGLE_PUT_BYTES on R2 (EntityTooLarge above), whatever the threshold says. */
function needsMultipart(sizeBytes: number, settings: MultipartSettings): boolean {
  return sizeBytes > settings.thresholdBytes || sizeBytes > MAX_SINGLE_PUT_BYTES;
}

async function checkSourceUrl(deps: CreateVideoDeps, sourceUrl: string): Promise<string> {
  const source = await assertSourceUrlAllowed(sourceUrl.trim(), { allowPrivate: deps.allowPrivateSources });
  if (source.kind === "s3" && source.bucket !== deps.storage.bucket) {
    throw new AqError("SOURCE_URL_REFUSED", "an s3:// sourceUrl must name the service's own bucket");
  }
  return source.url.href;
}

/**
 * A new video: from a direct upload (AWAITING_UPLOAD, with a presigned PUT for the declared
 * size and type, or above the multipart threshold a multipart upload started in the bucket)
 * or from a source URL the probe service fetches (UPLOADED). Throws
 * INVALID_INPUT, SOURCE_TOO_LARGE or SOURCE_URL_REFUSED with what to change.
 */
export async function createVideo(deps: CreateVideoDeps, input: NewVideo): Promise<CreatedVideo> {
  const given = [input.upload, input.sourceUrl].filter((source) => source !== null && source !== undefined).length;
  if (given !== 1) throw invalid("give exactly one source: either input.upload or input.sourceUrl");
  const title = checkTitle(input.title);
  const id = newVideoId();
  const mp4Download = input.mp4Download ?? deps.mp4DownloadDefault;
  // Millisecond timestamps set here (rather than the database's microsecond now()) keep the
  // keyset cursors of `videos`, which carry JavaScript dates, exact.
  const now = new Date();
  const times = { createdAt: now, updatedAt: now, statusChangedAt: now };

  if (input.upload) {
    checkUpload(input.upload, deps.maxSourceBytes);
    const key = uploadKey(id, input.upload.filename);
    const { sizeBytes, contentType } = input.upload;
    const base = {
      id,
      title,
      status: "awaiting_upload",
      sourceKind: "upload",
      sourceLocation: key,
      sourceSizeBytes: sizeBytes,
      mp4Download,
      ...times,
    } as const;
    if (needsMultipart(sizeBytes, deps.multipart)) {
      const plan = planParts(sizeBytes, deps.multipart.partBytes);
      const expiresAt = new Date(now.getTime() + deps.multipart.ttlSeconds * 1000);
      // Started before the row exists: an upload whose row never got written is an orphan the upload sweep aborts.
      const multipartUploadId = await createMultipartUpload(deps.storage, key, contentType);
      const video = await insertVideo(deps.db, { ...base, multipartUploadId, uploadPartBytes: plan.partBytes, uploadExpiresAt: expiresAt });
      return { video, upload: null, multipart: { ...plan, expiresAt } };
    }
    const upload = await presignPut(deps.uploadStorage, key, {
      contentType,
      contentLength: sizeBytes,
      expiresInSeconds: deps.uploadUrlTtlSeconds,
    });
    const video = await insertVideo(deps.db, { ...base, uploadExpiresAt: upload.expiresAt });
    return { video, upload, multipart: null };
  }
  const sourceUrl = await checkSourceUrl(deps, input.sourceUrl!);
  const video = await insertVideo(deps.db, {
    id,
    title,
    status: "uploaded",
    sourceKind: "url",
    sourceLocation: sourceUrl,
    mp4Download,
    ...times,
  });
  return { video, upload: null, multipart: null };
}
