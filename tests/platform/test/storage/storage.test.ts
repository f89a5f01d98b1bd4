import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAqError } from "@aq/contracts";
import { startS3Server, type TestS3Server } from "@aq/devkit";
import { createStorage } from "@aq/platform/storage";
import {
  deletePrefix,
  downloadObject,
  getObjectStream,
  headObject,
  isInvalidRangeError,
  listPrefix,
  presignPut,
} from "@aq/platform/storage";
import { ensureBucket } from "@aq/platform/storage";
import { logKey } from "@aq/contracts";
import { copyTree, uploadDirectory, uploadFile, verifyListing, verifyUploadedTree } from "@aq/platform/storage";

let s3: TestS3Server;
let work: string;

beforeAll(async () => {
  s3 = await startS3Server();
  work = await mkdtemp(join(tmpdir(), "aq-storage-test-"));
});
afterAll(async () => {
  await s3?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

async function readBody(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString();
}

async function makeTree(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const root = join(work, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, path, ".."), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

describe("objects on the local S3 server", () => {
  it("puts, heads, reads ranges, lists in pages and deletes in batches", async () => {
    const { storage } = s3;
    for (const name of ["a", "b", "c", "d", "e"]) {
      await storage.client.send(
        new PutObjectCommand({ Bucket: storage.bucket, Key: `objs/${name}.txt`, Body: `content ${name}`, ContentType: "text/plain" }),
      );
    }
    expect(await headObject(storage, "objs/a.txt")).toEqual({ size: 9, contentType: "text/plain" });
    expect(await headObject(storage, "objs/missing.txt")).toBeNull();

    const whole = await getObjectStream(storage, "objs/b.txt");
    expect(whole?.contentLength).toBe(9);
    expect(await readBody(whole!.body)).toBe("content b");
    const part = await getObjectStream(storage, "objs/b.txt", "bytes=2-4");
    expect(part?.contentRange).toBe("bytes 2-4/9");
    expect(await readBody(part!.body)).toBe("nte");
    expect(await getObjectStream(storage, "objs/missing.txt")).toBeNull();
    const badRange = await getObjectStream(storage, "objs/b.txt", "bytes=100-200").catch((error: unknown) => error);
    expect(isInvalidRangeError(badRange)).toBe(true);

    const listed = await listPrefix(storage, "objs/", { pageSize: 2 });
    expect(listed.map((o) => o.key)).toEqual(["a", "b", "c", "d", "e"].map((n) => `objs/${n}.txt`));

    const target = join(work, "downloads", "c.txt");
    expect(await downloadObject(storage, "objs/c.txt", target)).toEqual({ size: 9 });
    expect(await readFile(target, "utf8")).toBe("content c");
    await expect(downloadObject(storage, "objs/none.txt", target)).rejects.toMatchObject({ code: "NOT_FOUND" });

    expect(await deletePrefix(storage, "objs/", { batchSize: 2 })).toBe(5);
    expect(await listPrefix(storage, "objs/")).toEqual([]);
  });

  it("accepts a presigned PUT sent with plain fetch", async () => {
    const { storage } = s3;
    const body = "uploaded by a browser";
    const signed = await presignPut(storage, "uploads/presigned/source.mp4", {
      contentType: "video/mp4",
      contentLength: Buffer.byteLength(body),
      expiresInSeconds: 300,
    });
    expect(signed.method).toBe("PUT");
    expect(signed.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const response = await fetch(signed.url, { method: "PUT", headers: signed.headers, body });
    expect(response.status).toBe(200);
    expect(await headObject(storage, "uploads/presigned/source.mp4")).toEqual({ size: body.length, contentType: "video/mp4" });
    // The content type and length are part of the signature (s3rver does not check V4
    // signatures, so only the URL can show it here).
    expect(new URL(signed.url).searchParams.get("X-Amz-SignedHeaders")).toBe("content-length;content-type;host");
  });

  it("answers CORS preflights for browser uploads from any origin", async () => {
    const response = await fetch(`${s3.env.S3_ENDPOINT}/${s3.env.S3_BUCKET}/uploads/x/source.mp4`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "content-type",
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("PUT");
  });

  it("ensureBucket creates a missing bucket and is idempotent", async () => {
    const storage = createStorage({ ...s3.env, S3_BUCKET: "aq-created" });
    await ensureBucket(storage, { corsOrigins: ["http://localhost:5173"] });
    await ensureBucket(storage);
    await storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: "k", Body: "v" }));
    expect(await headObject(storage, "k")).toMatchObject({ size: 1 });
    storage.client.destroy();
  });
});

describe("uploadDirectory", () => {
  it("uploadFile stores one file with the content type of its name", async () => {
    const root = await makeTree("single", { "attempt-1.log": "ffmpeg says hello\n" });
    const key = logKey("v0", "encode attempt 1.log");
    expect(key).toBe("logs/v0/encode_attempt_1.log");
    await uploadFile(s3.storage, join(root, "attempt-1.log"), key);
    expect(await headObject(s3.storage, key)).toEqual({ size: 18, contentType: "text/plain; charset=utf-8", cacheControl: "no-cache" });
  });

  it("uploads a tree with HLS headers, multipart for large files, and verifies the listing", async () => {
    const large = Buffer.alloc(6 * 1024 * 1024 + 123, 7);
    const root = await makeTree("tree", {
      "master.m3u8": "#EXTM3U\n",
      "720p/index.m3u8": "#EXTM3U\n#EXTINF:4,\nseg_000.ts\n",
      "720p/seg_000.ts": Buffer.alloc(1000, 1),
      "720p/seg_001.ts": Buffer.alloc(2000, 2),
      "360p/big.ts": large,
      "thumb.jpg": "jpeg",
    });
    const storage = createStorage(s3.env);
    const commands: string[] = [];
    storage.client.middlewareStack.add(
      (next, context) => (args) => {
        commands.push(context.commandName ?? "");
        return next(args);
      },
      { step: "initialize" },
    );
    const result = await uploadDirectory(storage, root, "videos/v1/", { concurrency: 3, partSizeBytes: 5 * 1024 * 1024 });
    storage.client.destroy();
    expect(commands.filter((c) => c === "UploadPartCommand")).toHaveLength(2);
    expect(commands.filter((c) => c === "CreateMultipartUploadCommand")).toHaveLength(1);
    expect(commands.filter((c) => c === "PutObjectCommand")).toHaveLength(5);
    expect(result).toEqual({ files: 6, bytes: 8 + 30 + 1000 + 2000 + large.length + 4 });

    const listed = await listPrefix(s3.storage, "videos/v1/");
    expect(listed.map((o) => o.key).sort()).toEqual(
      ["360p/big.ts", "720p/index.m3u8", "720p/seg_000.ts", "720p/seg_001.ts", "master.m3u8", "thumb.jpg"].map((k) => `videos/v1/${k}`),
    );
    const playlist = await s3.storage.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: "videos/v1/720p/index.m3u8" }));
    expect(playlist.ContentType).toBe("application/vnd.apple.mpegurl");
    expect(playlist.CacheControl).toBe("no-cache");
    await playlist.Body?.transformToString();
    const segment = await s3.storage.client.send(new GetObjectCommand({ Bucket: storage.bucket, Key: "videos/v1/360p/big.ts" }));
    expect(segment.ContentType).toBe("video/mp2t");
    expect(segment.CacheControl).toBe("public, max-age=31536000, immutable");
    expect(Buffer.from(await segment.Body!.transformToByteArray()).equals(large)).toBe(true);
  });

  it("reports every difference between the bucket and the local tree", async () => {
    const root = await makeTree("mismatch", { "a.ts": "aaaa", "b.ts": "bbbb", "c.m3u8": "#EXTM3U\n" });
    await uploadDirectory(s3.storage, root, "videos/v2/", { concurrency: 2 });
    const { storage } = s3;
    await storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: "videos/v2/b.ts", Body: "b" }));
    await storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: "videos/v2/stale.ts", Body: "old" }));
    await deletePrefix(storage, "videos/v2/c.m3u8");
    const error = await verifyUploadedTree(storage, root, "videos/v2/").catch((e: unknown) => e);
    expect(isAqError(error) && error.code).toBe("UPLOAD_MISMATCH");
    expect(isAqError(error) && error.details).toEqual({
      missing: ["videos/v2/c.m3u8"],
      wrongSize: ["videos/v2/b.ts (1 bytes in the bucket, 4 expected)"],
      extra: ["videos/v2/stale.ts"],
    });
  });

  it("fails with UPLOAD_FAILED after its retries, without the secret in the message", async () => {
    const root = await makeTree("denied", { "a.ts": "aaaa" });
    const secret = "very-secret-key-material";
    const wrong = createStorage({ ...s3.env, S3_ACCESS_KEY_ID: "UNKNOWNKEYID", S3_SECRET_ACCESS_KEY: secret });
    const error = await uploadDirectory(wrong, root, "videos/v3/", { concurrency: 1, attempts: 2, retryBaseMs: 10 }).catch(
      (e: unknown) => e,
    );
    wrong.client.destroy();
    expect(isAqError(error) && error.code).toBe("UPLOAD_FAILED");
    expect((error as Error).message).toContain("after 2 attempts");
    expect((error as Error).message).toContain("InvalidAccessKeyId");
    expect((error as Error).message).not.toContain(secret);
    expect((error as Error).message).not.toContain("UNKNOWNKEYID");
    expect(await listPrefix(s3.storage, "videos/v3/")).toEqual([]);
  });
});

describe("copyTree", () => {
  it("copies a staged tree inside the bucket with the headers the target names call for, then verifies it", async () => {
    const { storage } = s3;
    const refusedBefore = s3.strict?.refusals.length;
    const files = { "master.m3u8": "#EXTM3U\n", "segments/240p_000.ts": "x".repeat(3000), "images/poster.jpg": "jpg!" };
    // Staged with headers the published copies must not inherit.
    for (const [path, body] of Object.entries(files))
      await storage.client.send(
        new PutObjectCommand({
          Bucket: storage.bucket,
          Key: `work/c1/output/${path}`,
          Body: body,
          ContentType: "x/staged",
          CacheControl: "max-age=1",
        }),
      );
    const entries = Object.entries(files).map(([path, body]) => ({ path, size: body.length }));
    // The segment is above maxCopyBytes: streamed through the process instead of one CopyObject.
    await copyTree(storage, entries, "work/c1/output/", "videos/c1/", { concurrency: 2, maxCopyBytes: 1000 });
    await verifyListing(storage, "videos/c1/", entries, "the staged output");
    const heads = await Promise.all(
      ["master.m3u8", "segments/240p_000.ts", "images/poster.jpg"].map((path) => headObject(storage, `videos/c1/${path}`)),
    );
    expect(heads).toEqual([
      { size: 8, contentType: "application/vnd.apple.mpegurl", cacheControl: "no-cache" },
      { size: 3000, contentType: "video/mp2t", cacheControl: "public, max-age=31536000, immutable" },
      { size: 4, contentType: "image/jpeg", cacheControl: "public, max-age=86400" },
    ]);
    expect(await readBody((await getObjectStream(storage, "videos/c1/segments/240p_000.ts"))!.body)).toBe(files["segments/240p_000.ts"]);
    // Passed through the R2 stand-in, which checked every signature.
    expect(s3.strict?.refusals.length).toBe(refusedBefore);
  });

  it("fails with UPLOAD_FAILED naming the object when the source is missing, and verifyListing names what differs", async () => {
    const entries = [{ path: "a.ts", size: 4 }];
    const error = await copyTree(s3.storage, entries, "work/none/", "videos/none/", { concurrency: 1, attempts: 2, retryBaseMs: 10 }).catch(
      (e: unknown) => e,
    );
    expect(isAqError(error) && error.code).toBe("UPLOAD_FAILED");
    expect((error as Error).message).toMatch(/^copy of work\/none\/a.ts to videos\/none\/a.ts failed after 2 attempts: NoSuchKey/);
    const mismatch = await verifyListing(s3.storage, "videos/none/", entries, "the staged output").catch((e: unknown) => e);
    expect(isAqError(mismatch) && mismatch.details).toEqual({ missing: ["videos/none/a.ts"], wrongSize: [], extra: [] });
  });
});
