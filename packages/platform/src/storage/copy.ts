import { CopyObjectCommand } from "@aws-sdk/client-s3";
import { AqError, cacheControlFor, contentTypeFor } from "@aq/contracts";
import type { Logger } from "../log/index.js";
import { withBackoff } from "../service/backoff.js";
import { BUCKET_BACKOFF } from "./bucket-backoff.js";
import type { Storage } from "./client.js";
import { describeSafely } from "./describe-safely.js";
import { MAX_SINGLE_PUT_BYTES } from "./limits.js";
import { getObjectStream } from "./objects.js";
import { forEachAtOnce, keyFor, putStream, type TreeEntry } from "./upload-directory.js";

/**
 * x-amz-copy-source is "bucket/key" percent-encoded (S3 and R2 look the key up decoded; the SDK
 * sends the value as given). Each segment is encoded so that "/" stays a separator.
 */
export function copySourceOf(bucket: string, key: string): string {
  return [bucket, ...key.split("/")].map(encodeURIComponent).join("/");
}

export interface CopyObjectOptions {
  /** The source's size: above `maxCopyBytes` it cannot be copied in one request. */
  sizeBytes: number;
  /** The most one CopyObject request copies (R2: the single-request limit, 5 GiB - 5 MiB). */
  maxCopyBytes?: number;
  signal?: AbortSignal;
}

/**
 * Copies one object inside the bucket with the content type and cache headers the target's name
 * calls for (MetadataDirective REPLACE: the copy never inherits what the source was stored with).
 * A server-side CopyObject when the object fits in one request; larger objects are streamed
 * through this process into a multipart upload with the same headers (R2 and S3 cap a single
 * copy like a single PUT, and s3rver has no UploadPartCopy to test a part-wise copy against).
 */
export async function copyObject(storage: Storage, sourceKey: string, targetKey: string, options: CopyObjectOptions): Promise<void> {
  const headers = { ContentType: contentTypeFor(targetKey), CacheControl: cacheControlFor(targetKey) };
  if (options.sizeBytes <= (options.maxCopyBytes ?? MAX_SINGLE_PUT_BYTES)) {
    await storage.client.send(
      new CopyObjectCommand({
        Bucket: storage.bucket,
        Key: targetKey,
        CopySource: copySourceOf(storage.bucket, sourceKey),
        MetadataDirective: "REPLACE",
        ...headers,
      }),
      { abortSignal: options.signal },
    );
    return;
  }
  const source = await getObjectStream(storage, sourceKey);
  if (!source) throw new AqError("NOT_FOUND", `object ${sourceKey} does not exist in the bucket`);
  try {
    await putStream(storage, targetKey, source.body, { signal: options.signal });
  } finally {
    source.body.destroy();
  }
}

export interface CopyTreeOptions {
  /** Objects copied at once. */
  concurrency: number;
  log?: Logger;
  signal?: AbortSignal;
  /** Tries per object before the copy fails. */
  attempts?: number;
  retryBaseMs?: number;
  maxCopyBytes?: number;
}

/**
 * Copies every entry of a tree from `fromPrefix` to `toPrefix` (same relative paths), several at
 * once, each retried with backoff; fails with UPLOAD_FAILED naming the object and the cause.
 */
export async function copyTree(
  storage: Storage,
  entries: readonly TreeEntry[],
  fromPrefix: string,
  toPrefix: string,
  options: CopyTreeOptions,
): Promise<void> {
  const attempts = options.attempts ?? BUCKET_BACKOFF.attempts;
  const copies = entries.map((entry) => ({ ...entry, from: keyFor(fromPrefix, entry.path), key: keyFor(toPrefix, entry.path) }));
  await forEachAtOnce(copies, options.concurrency, options.signal, async (copy) => {
    try {
      await withBackoff(
        () =>
          copyObject(storage, copy.from, copy.key, { sizeBytes: copy.size, maxCopyBytes: options.maxCopyBytes, signal: options.signal }),
        {
          attempts,
          baseMs: options.retryBaseMs ?? BUCKET_BACKOFF.baseMs,
          maxMs: BUCKET_BACKOFF.maxMs,
          signal: options.signal,
          onBackoff: (error, attempt, delayMs) =>
            options.log?.warn({ key: copy.key, attempt, delayMs, err: error }, "object copy failed, retrying"),
        },
      );
    } catch (error) {
      const reason = await describeSafely(storage, error);
      throw new AqError("UPLOAD_FAILED", `copy of ${copy.from} to ${copy.key} failed after ${attempts} attempts: ${reason}`, {
        key: copy.key,
      });
    }
    options.log?.debug({ key: copy.key }, "object copied");
  });
}
