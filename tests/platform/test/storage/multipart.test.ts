import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type TestS3Server } from "@aq/devkit";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  createMultipartUpload,
  headObject,
  listMultipartUploads,
  listUploadedParts,
  MAX_OBJECT_BYTES,
  MAX_PARTS,
  MAX_SINGLE_PUT_BYTES,
  MIN_PART_BYTES,
  partSize,
  planParts,
  presignUploadPart,
} from "@aq/platform/storage";

const MIB = 1024 * 1024;

describe("planParts", () => {
  it("keeps the preferred size while it fits in 10,000 parts, and cuts uniform parts with a shorter last one", () => {
    const plan = planParts(100 * MIB + 3, 16 * MIB);
    expect(plan).toEqual({ partBytes: 16 * MIB, partCount: 7, lastPartBytes: 4 * MIB + 3 });
    expect(partSize(plan, 1)).toBe(16 * MIB);
    expect(partSize(plan, 7)).toBe(4 * MIB + 3);
  });

  it("never goes under 5 MiB, and grows the parts so that 5 TiB fits in 10,000 of them, each under the request limit", () => {
    expect(planParts(20 * MIB, 1).partBytes).toBe(MIN_PART_BYTES);
    const largest = planParts(MAX_OBJECT_BYTES, 16 * MIB);
    expect(largest.partBytes).toBe(525 * MIB);
    expect(largest.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(largest.partBytes).toBeLessThan(MAX_SINGLE_PUT_BYTES);
    expect(() => planParts(MAX_OBJECT_BYTES + 1, 16 * MIB)).toThrow(RangeError);
  });
});

describe("multipart uploads through presigned part URLs (strict R2 stand-in)", () => {
  let s3: TestS3Server;
  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(async () => {
    await s3?.stop();
  });

  async function putPart(url: string, body: Uint8Array): Promise<Response> {
    return fetch(url, { method: "PUT", body });
  }

  it("lists the parts the bucket holds, completes with their ETags, and refuses a part of another size than signed", async () => {
    const key = "uploads/mp-1/big.mp4";
    const plan = planParts(5 * MIB + 10, 5 * MIB);
    const uploadId = await createMultipartUpload(s3.storage, key, "video/mp4");
    expect(await listUploadedParts(s3.storage, key, uploadId)).toEqual([]);

    const second = await presignUploadPart(s3.storage, { key, uploadId, partNumber: 2, contentLength: partSize(plan, 2) }, 600);
    expect((await putPart(second.url, new Uint8Array(11))).status).toBe(403);
    const put2 = await putPart(second.url, new Uint8Array(10).fill(2));
    expect(put2.status).toBe(200);
    const first = await presignUploadPart(s3.storage, { key, uploadId, partNumber: 1, contentLength: partSize(plan, 1) }, 600);
    const put1 = await putPart(first.url, new Uint8Array(5 * MIB).fill(1));
    expect(put1.status).toBe(200);

    const parts = await listUploadedParts(s3.storage, key, uploadId);
    expect(parts?.map((p) => [p.partNumber, p.size, p.etag])).toEqual([
      [1, 5 * MIB, put1.headers.get("etag")],
      [2, 10, put2.headers.get("etag")],
    ]);
    expect((await listMultipartUploads(s3.storage, "uploads/mp-1/")).map((u) => u.uploadId)).toEqual([uploadId]);

    await completeMultipartUpload(s3.storage, key, uploadId, parts!);
    expect((await headObject(s3.storage, key))?.size).toBe(5 * MIB + 10);
    expect(await listUploadedParts(s3.storage, key, uploadId)).toBeNull();
    expect(await listMultipartUploads(s3.storage, "uploads/mp-1/")).toEqual([]);
  });

  it("aborts an upload: its parts are gone and aborting again is not an error", async () => {
    const key = "uploads/mp-2/big.mp4";
    const uploadId = await createMultipartUpload(s3.storage, key, "video/mp4");
    const part = await presignUploadPart(s3.storage, { key, uploadId, partNumber: 1, contentLength: 100 }, 600);
    expect((await putPart(part.url, new Uint8Array(100))).status).toBe(200);
    expect(await listMultipartUploads(s3.storage, "uploads/mp-2/")).toHaveLength(1);

    await abortMultipartUpload(s3.storage, key, uploadId);
    expect(await listMultipartUploads(s3.storage, "uploads/mp-2/")).toEqual([]);
    expect(await listUploadedParts(s3.storage, key, uploadId)).toBeNull();
    await expect(abortMultipartUpload(s3.storage, key, uploadId)).resolves.toBeUndefined();
    expect(await headObject(s3.storage, key)).toBeNull();
  });

  it("the stand-in refuses a completion naming a part with a wrong ETag, as R2 does", async () => {
    const key = "uploads/mp-3/big.mp4";
    const uploadId = await createMultipartUpload(s3.storage, key, "video/mp4");
    const part = await presignUploadPart(s3.storage, { key, uploadId, partNumber: 1, contentLength: 100 }, 600);
    expect((await putPart(part.url, new Uint8Array(100))).status).toBe(200);
    await expect(completeMultipartUpload(s3.storage, key, uploadId, [{ partNumber: 1, etag: '"0123"' }])).rejects.toThrow(/ETag/);
    await abortMultipartUpload(s3.storage, key, uploadId);
  });
});
