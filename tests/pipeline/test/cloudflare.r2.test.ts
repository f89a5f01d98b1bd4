import { randomUUID } from "node:crypto";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadKey, uploadPrefix, videoPrefix, workPrefix } from "@aq/contracts";
import { makeTestClip, waitFor } from "@aq/devkit";
import { insertVideo } from "@aq/platform/db";
import {
  createStorage,
  deletePrefix,
  getObjectStream,
  headObject,
  isInvalidRangeError,
  listPrefix,
  MIN_PART_BYTES,
  presignPut,
  uploadFile,
  type Storage,
} from "@aq/platform/storage";
import { startPipelineStack, waitForStatus, type PipelineStack } from "./harness.js";

/**
 * The live smoke test against a real Cloudflare R2 bucket (`npm run test:r2`): what the strict
 * local stand-in can only imitate. Skipped without AQ_R2_ENDPOINT, AQ_R2_BUCKET,
 * AQ_R2_ACCESS_KEY_ID and AQ_R2_SECRET_ACCESS_KEY, and always in CI. Every object it writes is
 * under a fresh prefix (or a fresh video id) and deleted afterwards.
 */
const r2Env = {
  S3_ENDPOINT: process.env.AQ_R2_ENDPOINT ?? "",
  S3_REGION: "auto",
  S3_BUCKET: process.env.AQ_R2_BUCKET ?? "",
  S3_ACCESS_KEY_ID: process.env.AQ_R2_ACCESS_KEY_ID ?? "",
  S3_SECRET_ACCESS_KEY: process.env.AQ_R2_SECRET_ACCESS_KEY ?? "",
};
const configured = Object.values(r2Env).every(Boolean) && !process.env.CI;

describe.skipIf(!configured)("Cloudflare R2 (live)", () => {
  const MIB = 1024 * 1024;
  const prefix = `aq-smoke/${randomUUID()}/`;
  let storage: Storage;
  let scratch: string;

  beforeAll(async () => {
    storage = createStorage({ ...r2Env, S3_FORCE_PATH_STYLE: true });
    scratch = await mkdtemp(join(tmpdir(), "aq-r2-live-"));
  });
  afterAll(async () => {
    if (storage) {
      await deletePrefix(storage, prefix);
      storage.client.destroy();
    }
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it("puts, heads, reads a range and answers 416 past the end", async () => {
    await storage.client.send(
      new PutObjectCommand({ Bucket: storage.bucket, Key: `${prefix}a.txt`, Body: "hello r2", ContentType: "text/plain" }),
    );
    expect(await headObject(storage, `${prefix}a.txt`)).toEqual({ size: 8, contentType: "text/plain" });
    const part = await getObjectStream(storage, `${prefix}a.txt`, "bytes=2-4");
    expect(part?.contentRange).toBe("bytes 2-4/8");
    expect(Buffer.concat(await part!.body.toArray()).toString()).toBe("llo");
    const beyond = await getObjectStream(storage, `${prefix}a.txt`, "bytes=100-200").catch((error: unknown) => error);
    expect(isInvalidRangeError(beyond)).toBe(true);
  });

  it("takes a presigned PUT with the listed headers, with and without a signed length, and refuses another type", async () => {
    const body = "uploaded by a browser";
    const withLength = await presignPut(storage, `${prefix}with-length.mp4`, {
      contentType: "video/mp4",
      contentLength: body.length,
      expiresInSeconds: 300,
    });
    expect((await fetch(withLength.url, { method: "PUT", headers: withLength.headers, body })).status).toBe(200);
    const withoutLength = await presignPut(storage, `${prefix}without-length.mp4`, { contentType: "video/mp4", expiresInSeconds: 300 });
    expect((await fetch(withoutLength.url, { method: "PUT", headers: withoutLength.headers, body })).status).toBe(200);
    expect(await headObject(storage, `${prefix}without-length.mp4`)).toEqual({ size: body.length, contentType: "video/mp4" });

    const otherType = await fetch(withLength.url, {
      method: "PUT",
      headers: { ...withLength.headers, "Content-Type": "video/webm" },
      body,
    });
    expect(otherType.status).toBe(403);
    expect(await otherType.text()).toMatch(/SignatureDoesNotMatch/);
  });

  it("uploads 11 MiB in uniform 5 MiB parts", async () => {
    const path = join(scratch, "eleven.bin");
    await writeFile(path, Buffer.alloc(11 * MIB, 5));
    await uploadFile(storage, path, `${prefix}eleven.bin`, { partSizeBytes: MIN_PART_BYTES });
    expect(await headObject(storage, `${prefix}eleven.bin`)).toMatchObject({ size: 11 * MIB });
  });

  it("lists in pages and deletes a prefix (DeleteObjects as the SDK sends it)", async () => {
    for (const name of ["1", "2", "3"]) {
      await storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: `${prefix}list/${name}.ts`, Body: name }));
    }
    expect((await listPrefix(storage, `${prefix}list/`, { pageSize: 2 })).map((o) => o.key)).toEqual(
      ["1", "2", "3"].map((n) => `${prefix}list/${n}.ts`),
    );
    expect(await deletePrefix(storage, `${prefix}list/`, { batchSize: 2 })).toBe(3);
    expect(await listPrefix(storage, `${prefix}list/`)).toEqual([]);
  });

  describe("one short video through the pipeline into the bucket", () => {
    let stack: PipelineStack;
    const id = `r2-smoke-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      stack = await startPipelineStack({ ...r2Env, S3_FORCE_PATH_STYLE: "true" });
    });
    afterAll(async () => {
      // work/<id>/ holds the encoder's staged output until the uploader copies it: left behind if the run fails.
      for (const prefix of [videoPrefix(id), uploadPrefix(id), workPrefix(id)]) await deletePrefix(storage, prefix);
      await stack?.stop();
    });

    it("ends READY with its HLS tree in R2 and the upload removed", async () => {
      const clip = join(stack.scratch, "clip.mp4");
      await makeTestClip(clip, { seconds: 6, width: 640, height: 360, fps: 25, audio: "stereo" });
      const key = uploadKey(id, "source.mp4");
      await uploadFile(storage, clip, key);
      await insertVideo(stack.db, {
        id,
        title: id,
        status: "uploaded",
        sourceKind: "upload",
        sourceLocation: key,
        sourceSizeBytes: (await stat(clip)).size,
      });
      const video = await waitForStatus(stack, id);
      expect(video.status).toBe("ready");
      const keys = (await listPrefix(storage, videoPrefix(id))).map((o) => o.key);
      expect(keys).toContain(`${videoPrefix(id)}master.m3u8`);
      expect(keys.some((k) => k.endsWith(".ts"))).toBe(true);
      // The uploader deletes the original and the staged work/ objects after it records READY.
      await waitFor(async () => (await listPrefix(storage, uploadPrefix(id))).length === 0, {
        message: "the original upload to be deleted",
      });
      await waitFor(async () => (await listPrefix(storage, workPrefix(id))).length === 0, {
        message: "the staged output under work/ to be deleted",
      });
    });
  });
});
