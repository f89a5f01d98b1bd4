import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type GetObjectCommandOutput,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { AqError, cacheControlFor, contentTypeFor } from "@aq/contracts";
import type { Storage } from "./client.js";

interface S3ErrorShape {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

function httpStatus(error: unknown): number | undefined {
  return (error as S3ErrorShape | null)?.$metadata?.httpStatusCode;
}

export function isNotFoundError(error: unknown): boolean {
  const name = (error as S3ErrorShape | null)?.name;
  return name === "NoSuchKey" || name === "NotFound" || name === "NoSuchBucket" || httpStatus(error) === 404;
}

/** The server could not satisfy the requested byte range (HTTP 416). */
export function isInvalidRangeError(error: unknown): boolean {
  return (error as S3ErrorShape | null)?.name === "InvalidRange" || httpStatus(error) === 416;
}

export interface ObjectHead {
  size: number;
  contentType: string | undefined;
  cacheControl: string | undefined;
}

export async function headObject(storage: Storage, key: string): Promise<ObjectHead | null> {
  try {
    const head = await storage.client.send(new HeadObjectCommand({ Bucket: storage.bucket, Key: key }));
    return { size: head.ContentLength ?? 0, contentType: head.ContentType, cacheControl: head.CacheControl };
  } catch (error) {
    if (isNotFoundError(error)) return null;
    throw error;
  }
}

export interface ObjectStream {
  body: Readable;
  contentLength: number | undefined;
  /** Set when a range was requested and served ("bytes 0-99/1234"). */
  contentRange: string | undefined;
  contentType: string | undefined;
  etag: string | undefined;
}

/**
 * Opens an object for streaming, optionally a byte range (an HTTP Range header value such as
 * "bytes=0-99"). Returns null when the object does not exist; an unsatisfiable range throws
 * (see isInvalidRangeError).
 */
export async function getObjectStream(storage: Storage, key: string, range?: string): Promise<ObjectStream | null> {
  let out: GetObjectCommandOutput;
  try {
    out = await storage.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: key, Range: range }));
  } catch (error) {
    if (isNotFoundError(error)) return null;
    throw error;
  }
  if (!(out.Body instanceof Readable)) throw new Error(`object ${key} has no readable body`);
  return {
    body: out.Body,
    contentLength: out.ContentLength,
    contentRange: out.ContentRange,
    contentType: out.ContentType,
    etag: out.ETag,
  };
}

/**
 * Streams an object to a local file. It is written beside the target and renamed into place,
 * so a failed download never leaves a truncated file under the final name.
 */
export async function downloadObject(storage: Storage, key: string, path: string): Promise<{ size: number }> {
  const object = await getObjectStream(storage, key);
  if (!object) throw new AqError("NOT_FOUND", `object ${key} does not exist in the bucket`);
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.part`;
  let size = 0;
  object.body.on("data", (chunk: Buffer) => {
    size += chunk.length;
  });
  try {
    await pipeline(object.body, createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw new Error(`download of ${key} to ${path} failed`, { cause: error });
  }
  return { size };
}

export interface ListedObject {
  key: string;
  size: number;
}

/** Every object under a prefix (all pages of up to `pageSize` keys). */
export async function listPrefix(storage: Storage, prefix: string, { pageSize = 1000 } = {}): Promise<ListedObject[]> {
  const objects: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await storage.client.send(
      new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: pageSize }),
    );
    for (const item of page.Contents ?? []) {
      if (item.Key !== undefined) objects.push({ key: item.Key, size: item.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return objects;
}

/** Deletes every object under a prefix, `batchSize` (at most 1000) per request. Returns how many were deleted. */
export async function deletePrefix(storage: Storage, prefix: string, { batchSize = 1000 } = {}): Promise<number> {
  if (!prefix) throw new Error("refusing to delete an empty prefix (the whole bucket)");
  let deleted = 0;
  for (;;) {
    // Listing again after each batch (rather than paging) stays correct while keys disappear.
    const page = await storage.client.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix, MaxKeys: batchSize }));
    const keys = (page.Contents ?? []).flatMap((item) => (item.Key === undefined ? [] : [{ Key: item.Key }]));
    if (keys.length === 0) return deleted;
    const out = await storage.client.send(new DeleteObjectsCommand({ Bucket: storage.bucket, Delete: { Objects: keys, Quiet: true } }));
    if (out.Errors?.length) {
      const first = out.Errors[0];
      throw new Error(`could not delete ${out.Errors.length} object(s) under ${prefix}, e.g. ${first?.Key}: ${first?.Code}`);
    }
    deleted += keys.length;
  }
}

/** Writes a small text object (a playlist, a caption file) with the content type and caching its name calls for. */
export async function putTextObject(storage: Storage, key: string, text: string): Promise<void> {
  await storage.client.send(
    new PutObjectCommand({
      Bucket: storage.bucket,
      Key: key,
      Body: text,
      ContentType: contentTypeFor(key),
      CacheControl: cacheControlFor(key),
    }),
  );
}

/** A URL that reads one object for a while (a chunk encode's input: ffmpeg reads it with range requests, no shared disk). */
export async function presignGet(storage: Storage, key: string, expiresInSeconds: number): Promise<string> {
  return getSignedUrl(storage.client, new GetObjectCommand({ Bucket: storage.bucket, Key: key }), { expiresIn: expiresInSeconds });
}

export interface PresignedPut {
  url: string;
  method: "PUT";
  /**
   * Every header the signature covers besides Host, with the value the client must send: a
   * different Content-Type or length, or none (a chunked stream), is refused with 403.
   * Browsers set Content-Length themselves from the body.
   */
  headers: Record<string, string>;
  expiresAt: Date;
}

/** A URL a browser can PUT one object to directly, with this content type and length. */
export async function presignPut(
  storage: Storage,
  key: string,
  options: { contentType: string; contentLength?: number; expiresInSeconds: number },
): Promise<PresignedPut> {
  const command = new PutObjectCommand({
    Bucket: storage.bucket,
    Key: key,
    ContentType: options.contentType,
    ContentLength: options.contentLength,
  });
  const url = await getSignedUrl(storage.client, command, {
    expiresIn: options.expiresInSeconds,
    signableHeaders: new Set(["content-type"]),
  });
  return {
    url,
    method: "PUT",
    headers: {
      "Content-Type": options.contentType,
      ...(options.contentLength === undefined ? {} : { "Content-Length": String(options.contentLength) }),
    },
    expiresAt: new Date(Date.now() + options.expiresInSeconds * 1000),
  };
}

/**
 * A URL that reads one object for `expiresInSeconds`, shown to the browser as text/plain: for
 * operators' files such as the ffmpeg logs, which are not part of the playback route.
 */
export async function presignGetText(storage: Storage, key: string, expiresInSeconds: number): Promise<string> {
  const command = new GetObjectCommand({ Bucket: storage.bucket, Key: key, ResponseContentType: "text/plain; charset=utf-8" });
  return getSignedUrl(storage.client, command, { expiresIn: expiresInSeconds });
}

/** An object's bytes, at most `maxBytes` of them (null when there is no such object). */
export async function readObjectBytes(storage: Storage, key: string, maxBytes: number): Promise<Buffer | null> {
  const object = await getObjectStream(storage, key, `bytes=0-${maxBytes - 1}`).catch((error: unknown) => {
    if (isInvalidRangeError(error)) return getObjectStream(storage, key);
    throw error;
  });
  if (!object) return null;
  return Buffer.concat(await object.body.toArray());
}

/** Deletes one object by its exact key (deleting a key that does not exist is no error). */
export async function deleteObject(storage: Storage, key: string): Promise<void> {
  await storage.client.send(new DeleteObjectCommand({ Bucket: storage.bucket, Key: key }));
}
