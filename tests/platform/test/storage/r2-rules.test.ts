import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  PutBucketCorsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type TestS3Server } from "@aq/devkit";
import { createStorage, headObject, MIN_PART_BYTES, presignPut, uploadFile, type Storage } from "@aq/platform/storage";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Each R2 rule the strict stand-in enforces, sent both to it and to the plain s3rver behind it:
 * the stand-in refuses as R2 does, s3rver accepts. A rule that passed both would be one the
 * local tests could never catch.
 */
const CAP = 1024 * 1024;
const MIB = 1024 * 1024;

let s3: TestS3Server;
let strict: Storage;
let plain: Storage;
let work: string;

beforeAll(async () => {
  s3 = await startS3Server({ strict: { maxSingleUploadBytes: CAP } });
  strict = s3.storage;
  plain = createStorage({ ...s3.env, S3_ENDPOINT: s3.plainEndpoint });
  work = await mkdtemp(join(tmpdir(), "aq-r2-rules-"));
});
afterAll(async () => {
  plain?.client.destroy();
  await s3?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** "ok", or the S3 error code the request was refused with. */
async function outcome(send: () => Promise<unknown>): Promise<string> {
  try {
    await send();
    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}

/** The error code of a raw HTTP answer ("ok" for 2xx). */
async function answer(response: Response): Promise<string> {
  const text = await response.text();
  if (response.ok) return "ok";
  return /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? `HTTP ${response.status}`;
}

/** Rewrites a presigned URL to the plain server, keeping its signature. */
function onPlain(url: string): string {
  const target = new URL(url);
  const plainUrl = new URL(s3.plainEndpoint);
  target.port = plainUrl.port;
  return target.href;
}

/** The same rule on both servers: refused by the stand-in with `code`, accepted by s3rver. */
async function expectR2Only(code: string, send: (storage: Storage) => Promise<unknown>): Promise<void> {
  expect(await outcome(() => send(strict))).toBe(code);
  expect(await outcome(() => send(plain))).toBe("ok");
}

describe("SigV4 signatures", () => {
  it("refuses a request signed with the wrong secret", async () => {
    const wrongSecret = (endpoint: string) => createStorage({ ...s3.env, S3_ENDPOINT: endpoint, S3_SECRET_ACCESS_KEY: "not-the-secret" });
    await expectR2Only("SignatureDoesNotMatch", async (storage) => {
      const wrong = wrongSecret(storage === strict ? s3.env.S3_ENDPOINT : s3.plainEndpoint);
      try {
        await wrong.client.send(new PutObjectCommand({ Bucket: wrong.bucket, Key: "sig/wrong.txt", Body: "x" }));
      } finally {
        wrong.client.destroy();
      }
    });
  });

  describe("a presigned PUT for 11 bytes of video/mp4", () => {
    const body = "hello video";
    const presign = (key: string) =>
      presignPut(strict, key, { contentType: "video/mp4", contentLength: body.length, expiresInSeconds: 300 });

    it("accepts exactly the headers the target lists", async () => {
      const target = await presign("sig/ok.mp4");
      expect(target.headers).toEqual({ "Content-Type": "video/mp4", "Content-Length": String(body.length) });
      expect(await answer(await fetch(target.url, { method: "PUT", headers: target.headers, body }))).toBe("ok");
      expect(await headObject(strict, "sig/ok.mp4")).toEqual({ size: body.length, contentType: "video/mp4" });
    });

    it("refuses another content type", async () => {
      const target = await presign("sig/type.mp4");
      const send = (url: string) => fetch(url, { method: "PUT", headers: { "Content-Type": "video/webm" }, body });
      expect(await answer(await send(target.url))).toBe("SignatureDoesNotMatch");
      expect(await answer(await send(onPlain(target.url)))).toBe("ok");
    });

    it("refuses a body of another size", async () => {
      const target = await presign("sig/size.mp4");
      const send = (url: string) => fetch(url, { method: "PUT", headers: { "Content-Type": "video/mp4" }, body: `${body}!` });
      expect(await answer(await send(target.url))).toBe("SignatureDoesNotMatch");
      expect(await answer(await send(onPlain(target.url)))).toBe("ok");
    });

    it("refuses a stream sent chunked, without a Content-Length", async () => {
      const target = await presign("sig/chunked.mp4");
      const send = (url: string) =>
        fetch(url, {
          method: "PUT",
          headers: { "Content-Type": "video/mp4" },
          body: new Blob([body]).stream(),
          duplex: "half",
        } as RequestInit & { duplex: "half" });
      expect(await answer(await send(target.url))).toBe("SignatureDoesNotMatch");
      expect(await answer(await send(onPlain(target.url)))).toBe("ok");
    });

    it("refuses a URL whose key was changed", async () => {
      const target = await presign("sig/original.mp4");
      const moved = target.url.replace("sig/original.mp4", "sig/elsewhere.mp4");
      const send = (url: string) => fetch(url, { method: "PUT", headers: target.headers, body });
      expect(await answer(await send(moved))).toBe("SignatureDoesNotMatch");
      expect(await answer(await send(onPlain(moved)))).toBe("ok");
    });
  });
});

describe("size limits", () => {
  it("refuses a single PUT above the single-request limit (scaled down to 1 MiB here)", async () => {
    await expectR2Only("EntityTooLarge", (storage) =>
      storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: "size/big.bin", Body: Buffer.alloc(CAP + 1) })),
    );
    expect(
      await outcome(() => strict.client.send(new PutObjectCommand({ Bucket: strict.bucket, Key: "size/ok.bin", Body: Buffer.alloc(CAP) }))),
    ).toBe("ok");
  });

  it("refuses a presigned PUT above the limit", async () => {
    const target = await presignPut(strict, "size/presigned.bin", {
      contentType: "video/mp4",
      contentLength: CAP + 1,
      expiresInSeconds: 300,
    });
    expect(await answer(await fetch(target.url, { method: "PUT", headers: target.headers, body: Buffer.alloc(CAP + 1) }))).toBe(
      "EntityTooLarge",
    );
  });
});

describe("multipart rules", () => {
  async function multipart(storage: Storage, key: string, partSizes: number[], numbers = partSizes.map((_, i) => i + 1)): Promise<void> {
    const { UploadId } = await storage.client.send(new CreateMultipartUploadCommand({ Bucket: storage.bucket, Key: key }));
    const parts = [];
    for (const [i, size] of partSizes.entries()) {
      const PartNumber = numbers[i]!;
      const { ETag } = await storage.client.send(
        new UploadPartCommand({ Bucket: storage.bucket, Key: key, UploadId, PartNumber, Body: Buffer.alloc(size, i) }),
      );
      parts.push({ ETag, PartNumber });
    }
    await storage.client.send(
      new CompleteMultipartUploadCommand({ Bucket: storage.bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }),
    );
  }

  it("refuses parts of different sizes before the last", async () => {
    await expectR2Only("InvalidPart", (storage) => multipart(storage, "mp/uneven.bin", [5 * MIB, 6 * MIB, MIB]));
  });

  it("refuses a part under 5 MiB that is not the last", async () => {
    await expectR2Only("EntityTooSmall", (storage) => multipart(storage, "mp/small.bin", [MIB, MIB]));
  });

  it("refuses a part number above 10,000", async () => {
    await expectR2Only("InvalidArgument", (storage) => multipart(storage, "mp/many.bin", [MIB], [10_001]));
  });

  it("takes an 11 MiB file in uniform 5 MiB parts from uploadFile", async () => {
    const path = join(work, "eleven.bin");
    await writeFile(path, Buffer.alloc(11 * MIB, 3));
    await uploadFile(strict, path, "mp/eleven.bin", { partSizeBytes: MIN_PART_BYTES });
    expect(await headObject(strict, "mp/eleven.bin")).toMatchObject({ size: 11 * MIB });
  });
});

describe("features R2 does not implement (501)", () => {
  it("refuses ACL and tagging headers, and the tagging operation", async () => {
    await expectR2Only("NotImplemented", (storage) =>
      storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: "feat/acl.txt", Body: "x", ACL: "public-read" })),
    );
    await expectR2Only("NotImplemented", (storage) =>
      storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: "feat/tagged.txt", Body: "x", Tagging: "a=b" })),
    );
    await strict.client.send(new PutObjectCommand({ Bucket: strict.bucket, Key: "feat/plain.txt", Body: "x" }));
    await expectR2Only("NotImplemented", (storage) =>
      storage.client.send(
        new PutObjectTaggingCommand({ Bucket: storage.bucket, Key: "feat/plain.txt", Tagging: { TagSet: [{ Key: "a", Value: "b" }] } }),
      ),
    );
  });

  it("refuses the SDK's own checksum headers on PutBucketCors", async () => {
    await expectR2Only("NotImplemented", (storage) =>
      storage.client.send(
        new PutBucketCorsCommand({
          Bucket: storage.bucket,
          CORSConfiguration: { CORSRules: [{ AllowedOrigins: ["*"], AllowedMethods: ["GET"] }] },
        }),
      ),
    );
  });

  it("refuses CRC64NVME on a multipart upload", async () => {
    await expectR2Only("NotImplemented", (storage) =>
      storage.client.send(
        new CreateMultipartUploadCommand({ Bucket: storage.bucket, Key: "feat/crc64.bin", ChecksumAlgorithm: "CRC64NVME" }),
      ),
    );
  });
});

describe("DeleteObjects integrity", () => {
  it("refuses a DeleteObjects without Content-MD5 or a checksum header", async () => {
    await expectR2Only("InvalidRequest", (storage) => {
      const command = new DeleteObjectsCommand({ Bucket: storage.bucket, Delete: { Objects: [{ Key: "gone.txt" }], Quiet: true } });
      command.middlewareStack.add(
        (next) => (args) => {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          for (const name of Object.keys(headers)) if (/checksum|content-md5/i.test(name)) delete headers[name];
          return next(args);
        },
        { step: "build", priority: "low" },
      );
      return storage.client.send(command);
    });
  });
});
