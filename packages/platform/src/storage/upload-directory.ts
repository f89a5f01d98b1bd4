import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { Upload } from "@aws-sdk/lib-storage";
import { AqError } from "@aq/contracts";
import type { Logger } from "../log/index.js";
import { withBackoff } from "../service/backoff.js";
import { BUCKET_BACKOFF } from "./bucket-backoff.js";
import type { Storage } from "./client.js";
import { cacheControlFor, contentTypeFor } from "@aq/contracts";
import { listPrefix } from "./objects.js";
import { describeSafely } from "./describe-safely.js";

export interface LocalFile {
  /** Path relative to the tree's root, with "/" separators (the key suffix). */
  relativePath: string;
  absolutePath: string;
  size: number;
}

/** Every regular file under a directory, sorted by relative path. */
export async function listLocalTree(root: string): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const absolutePath = join(dir, entry.name);
      if (entry.isDirectory()) await walk(absolutePath);
      else if (entry.isFile()) {
        const { size } = await stat(absolutePath);
        files.push({ relativePath: relative(root, absolutePath).split(sep).join("/"), absolutePath, size });
      }
    }
  }
  await walk(root);
  return files.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}

export function keyFor(prefix: string, relativePath: string): string {
  return prefix.endsWith("/") || prefix === "" ? prefix + relativePath : `${prefix}/${relativePath}`;
}

export interface UploadFileOptions {
  log?: Logger;
  signal?: AbortSignal;
  /** Tries before the upload fails. */
  attempts?: number;
  retryBaseMs?: number;
  /** Files larger than this go up in parts of this size (S3's minimum part is 5 MiB). */
  partSizeBytes?: number;
}

const MIB = 1024 * 1024;

/**
 * PUTs a stream to `key` with the content type and cache headers its name calls for, in parts
 * when it is large; stopped (and its parts removed) when `signal` aborts.
 */
export async function putStream(
  storage: Storage,
  key: string,
  body: Readable,
  options: { partSizeBytes?: number; signal?: AbortSignal },
): Promise<void> {
  const upload = new Upload({
    client: storage.client,
    params: { Bucket: storage.bucket, Key: key, Body: body, ContentType: contentTypeFor(key), CacheControl: cacheControlFor(key) },
    partSize: Math.max(5 * MIB, options.partSizeBytes ?? 8 * MIB),
    queueSize: 2,
    leavePartsOnError: false,
  });
  const abort = () => void upload.abort();
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    await upload.done();
  } finally {
    options.signal?.removeEventListener("abort", abort);
  }
}

/**
 * Uploads one local file to `key` with the content type and cache headers its name calls
 * for; multipart when it is large; retried with backoff. Fails with UPLOAD_FAILED.
 */
export async function uploadFile(storage: Storage, localPath: string, key: string, options: UploadFileOptions = {}): Promise<void> {
  const attempts = options.attempts ?? BUCKET_BACKOFF.attempts;
  try {
    await withBackoff(() => putStream(storage, key, createReadStream(localPath), options), {
      attempts,
      baseMs: options.retryBaseMs ?? BUCKET_BACKOFF.baseMs,
      maxMs: BUCKET_BACKOFF.maxMs,
      signal: options.signal,
      onBackoff: (error, attempt, delayMs) => options.log?.warn({ key, attempt, delayMs, err: error }, "object upload failed, retrying"),
    });
  } catch (error) {
    const reason = await describeSafely(storage, error);
    throw new AqError("UPLOAD_FAILED", `upload of ${localPath} to ${key} failed after ${attempts} attempts: ${reason}`, { key });
  }
}

export interface UploadDirectoryOptions extends UploadFileOptions {
  /** Files uploaded at once. */
  concurrency: number;
}

export interface UploadedTree {
  files: number;
  bytes: number;
}

/**
 * Uploads every file under `localDir` to `prefix` + its relative path, keeping the layout,
 * with content types and cache headers for HLS; several files at once, each retried with
 * backoff. Then checks the bucket listing against the local tree (verifyUploadedTree).
 */
export async function uploadDirectory(
  storage: Storage,
  localDir: string,
  prefix: string,
  options: UploadDirectoryOptions,
): Promise<UploadedTree> {
  const files = await listLocalTree(localDir);
  await uploadFiles(
    storage,
    files.map((file) => ({ localPath: file.absolutePath, key: keyFor(prefix, file.relativePath) })),
    options,
  );
  await verifyUploadedTree(storage, localDir, prefix);
  return { files: files.length, bytes: files.reduce((sum, f) => sum + f.size, 0) };
}

/**
 * Uploads local files to their keys, several at once, each retried with backoff (uploadFile);
 * the first failure stops the rest and is thrown.
 */
export async function uploadFiles(
  storage: Storage,
  files: readonly { localPath: string; key: string }[],
  options: UploadDirectoryOptions,
): Promise<void> {
  await forEachAtOnce(files, options.concurrency, options.signal, async (file) => {
    await uploadFile(storage, file.localPath, file.key, options);
    options.log?.debug({ key: file.key }, "object uploaded");
  });
}

/**
 * Runs `work` on every item, `concurrency` at a time; the first failure (or an abort, as
 * UPLOAD_FAILED) stops the items not started yet and is thrown once the running ones end.
 */
export async function forEachAtOnce<T extends { key: string }>(
  items: readonly T[],
  concurrency: number,
  signal: AbortSignal | undefined,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      if (signal?.aborted) {
        failure = new AqError("UPLOAD_FAILED", `the transfer of ${item.key} was aborted`);
        return;
      }
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  if (failure !== undefined) throw failure;
}

/**
 * Compares the objects under `prefix` (names and sizes) with the files under `localDir`, and
 * throws UPLOAD_MISMATCH naming every difference: missing, wrong size, or not in the tree.
 */
export async function verifyUploadedTree(storage: Storage, localDir: string, prefix: string): Promise<void> {
  const local = await listLocalTree(localDir);
  await verifyListing(
    storage,
    prefix,
    local.map((file) => ({ path: file.relativePath, size: file.size })),
    localDir,
  );
}

/** One object of a tree: its path under the tree's prefix ("/" separators) and its size. */
export interface TreeEntry {
  path: string;
  size: number;
}

/**
 * Compares the objects under `prefix` (names and sizes) with `expected`, which `source` names in
 * the error, and throws UPLOAD_MISMATCH naming every difference: missing, wrong size, or extra.
 * Objects under `prefix + options.except` are not the tree's, and are not compared.
 */
export async function verifyListing(
  storage: Storage,
  prefix: string,
  expected: readonly TreeEntry[],
  source: string,
  options: { except?: string } = {},
): Promise<void> {
  const except = options.except === undefined ? null : prefix + options.except;
  const listed = (await listPrefix(storage, prefix)).filter((o) => except === null || !o.key.startsWith(except));
  const remoteSizes = new Map(listed.map((o) => [o.key, o.size]));
  const missing: string[] = [];
  const wrongSize: string[] = [];
  for (const entry of expected) {
    const key = keyFor(prefix, entry.path);
    const size = remoteSizes.get(key);
    if (size === undefined) missing.push(key);
    else if (size !== entry.size) wrongSize.push(`${key} (${size} bytes in the bucket, ${entry.size} expected)`);
    remoteSizes.delete(key);
  }
  const extra = [...remoteSizes.keys()];
  if (missing.length + wrongSize.length + extra.length === 0) return;
  const parts = [
    missing.length ? `missing: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", ..." : ""}` : "",
    wrongSize.length ? `wrong size: ${wrongSize.slice(0, 10).join(", ")}${wrongSize.length > 10 ? ", ..." : ""}` : "",
    extra.length ? `not in ${source}: ${extra.slice(0, 10).join(", ")}${extra.length > 10 ? ", ..." : ""}` : "",
  ].filter(Boolean);
  throw new AqError("UPLOAD_MISMATCH", `the bucket under ${prefix} does not match ${source}: ${parts.join("; ")}`, {
    missing,
    wrongSize,
    extra,
  });
}
