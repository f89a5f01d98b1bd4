import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { Storage } from "./client.js";
import { MAX_OBJECT_BYTES, MAX_PARTS, MAX_SINGLE_PUT_BYTES, MIN_PART_BYTES } from "./limits.js";

const MIB = 1024 * 1024;

/** How a file of a given size is cut into the parts of one multipart upload. */
export interface PartPlan {
  /** Every part but the last has exactly this size (R2 assembles objects from uniform parts). */
  partBytes: number;
  partCount: number;
  /** The last part's size (partBytes when the size divides evenly). */
  lastPartBytes: number;
}

/**
 * The part size for a file: `preferredPartBytes` unless the file would then need more than
 * MAX_PARTS parts, in which case the smallest whole number of MiB that fits it in MAX_PARTS.
 * 5 TiB comes out at 525 MiB parts, under the single-request limit a part also has.
 */
export function planParts(sizeBytes: number, preferredPartBytes: number): PartPlan {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1 || sizeBytes > MAX_OBJECT_BYTES) {
    throw new RangeError(`a multipart upload holds 1 to ${MAX_OBJECT_BYTES} bytes, not ${sizeBytes}`);
  }
  const fitting = Math.ceil(sizeBytes / MAX_PARTS / MIB) * MIB;
  const partBytes = Math.min(Math.max(preferredPartBytes, MIN_PART_BYTES, fitting), MAX_SINGLE_PUT_BYTES);
  const partCount = Math.ceil(sizeBytes / partBytes);
  return { partBytes, partCount, lastPartBytes: sizeBytes - (partCount - 1) * partBytes };
}

/** The size part `partNumber` (1-based) must have under a plan. */
export function partSize(plan: PartPlan, partNumber: number): number {
  return partNumber === plan.partCount ? plan.lastPartBytes : plan.partBytes;
}

/** Starts a multipart upload of `key`; answers its upload id. */
export async function createMultipartUpload(storage: Storage, key: string, contentType: string): Promise<string> {
  const out = await storage.client.send(new CreateMultipartUploadCommand({ Bucket: storage.bucket, Key: key, ContentType: contentType }));
  if (!out.UploadId) throw new Error(`the bucket started no multipart upload for ${key}`);
  return out.UploadId;
}

export interface PresignedPart {
  partNumber: number;
  url: string;
  /** The signature covers the part's Content-Length: a part of another size is refused (403). */
  headers: Record<string, string>;
  expiresAt: Date;
}

/** A URL a browser can PUT one part of exactly `contentLength` bytes to. */
export async function presignUploadPart(
  storage: Storage,
  target: { key: string; uploadId: string; partNumber: number; contentLength: number },
  expiresInSeconds: number,
): Promise<PresignedPart> {
  const command = new UploadPartCommand({
    Bucket: storage.bucket,
    Key: target.key,
    UploadId: target.uploadId,
    PartNumber: target.partNumber,
    ContentLength: target.contentLength,
  });
  const url = await getSignedUrl(storage.client, command, { expiresIn: expiresInSeconds });
  return {
    partNumber: target.partNumber,
    url,
    headers: { "Content-Length": String(target.contentLength) },
    expiresAt: new Date(Date.now() + expiresInSeconds * 1000),
  };
}

export interface StoredPart {
  partNumber: number;
  size: number;
  /** As the bucket gives it, with its quotes. */
  etag: string;
}

/** The parts the bucket holds for an upload (ListParts, every page), by part number; null when the upload does not exist (completed or aborted). */
export async function listUploadedParts(storage: Storage, key: string, uploadId: string): Promise<StoredPart[] | null> {
  const parts: StoredPart[] = [];
  let marker: string | undefined;
  try {
    do {
      const page = await storage.client.send(
        new ListPartsCommand({ Bucket: storage.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker, MaxParts: 1000 }),
      );
      for (const part of page.Parts ?? []) {
        if (part.PartNumber !== undefined && part.ETag !== undefined)
          parts.push({ partNumber: part.PartNumber, size: part.Size ?? 0, etag: part.ETag });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (error) {
    if (isNoSuchUpload(error)) return null;
    throw error;
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

/** Assembles the object from its parts, which must be listed in ascending order with their ETags. */
export async function completeMultipartUpload(
  storage: Storage,
  key: string,
  uploadId: string,
  parts: ReadonlyArray<{ partNumber: number; etag: string }>,
): Promise<void> {
  await storage.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: storage.bucket,
      Key: key,
      UploadId: uploadId,
      MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
    }),
  );
}

/** Aborts an upload and frees its parts; an upload that no longer exists is not an error. */
export async function abortMultipartUpload(storage: Storage, key: string, uploadId: string): Promise<void> {
  try {
    await storage.client.send(new AbortMultipartUploadCommand({ Bucket: storage.bucket, Key: key, UploadId: uploadId }));
  } catch (error) {
    if (!isNoSuchUpload(error)) throw error;
  }
}

export interface PendingMultipartUpload {
  key: string;
  uploadId: string;
  initiated: Date | undefined;
}

/** Multipart uploads started under a prefix and neither completed nor aborted (every page). */
export async function listMultipartUploads(storage: Storage, prefix: string): Promise<PendingMultipartUpload[]> {
  const uploads: PendingMultipartUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await storage.client.send(
      new ListMultipartUploadsCommand({ Bucket: storage.bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
    );
    for (const upload of page.Uploads ?? []) {
      if (upload.Key !== undefined && upload.UploadId !== undefined)
        uploads.push({ key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated });
    }
    const more = page.IsTruncated === true;
    keyMarker = more ? page.NextKeyMarker : undefined;
    uploadIdMarker = more ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return uploads;
}

function isNoSuchUpload(error: unknown): boolean {
  const shape = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | null;
  return shape?.name === "NoSuchUpload" || shape?.Code === "NoSuchUpload" || shape?.$metadata?.httpStatusCode === 404;
}
