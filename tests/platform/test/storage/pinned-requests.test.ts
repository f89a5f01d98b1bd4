import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  abortMultipartUpload,
  completeMultipartUpload,
  copyObject,
  createMultipartUpload,
  createStorage,
  deleteObject,
  deletePrefix,
  downloadObject,
  ensureBucket,
  getObjectStream,
  headObject,
  listMultipartUploads,
  listPrefix,
  listUploadedParts,
  MIN_PART_BYTES,
  presignGet,
  presignPut,
  presignUploadPart,
  putTextObject,
  uploadFile,
  type Storage,
} from "@aq/platform/storage";

/**
 * What R2 depends on in the requests the storage module sends, pinned without a network: the
 * S3 client gets a request handler that records each request and answers it locally. An SDK
 * upgrade that changes a default (checksums, trailers, chunked bodies, new headers) fails here
 * before it fails against R2.
 */
interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

const XML = { "content-type": "application/xml" };

/** The local answer to each request, by method and sub-resource. */
function answer(request: Recorded): { statusCode: number; headers: Record<string, string>; body: string } {
  const { method, query } = request;
  if (method === "GET" && "list-type" in query) {
    // One key on the first listing, none after (deletePrefix lists until the prefix is empty).
    const keys = listed++ % 2 === 0 ? "<Contents><Key>videos/v/a.ts</Key><Size>4</Size></Contents>" : "";
    return { statusCode: 200, headers: XML, body: `<ListBucketResult><IsTruncated>false</IsTruncated>${keys}</ListBucketResult>` };
  }
  if (method === "POST" && "delete" in query) return { statusCode: 200, headers: XML, body: "<DeleteResult></DeleteResult>" };
  if (method === "POST" && "uploads" in query) {
    return {
      statusCode: 200,
      headers: XML,
      body: "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up-1</UploadId></InitiateMultipartUploadResult>",
    };
  }
  if (method === "POST" && "uploadId" in query)
    return { statusCode: 200, headers: XML, body: '<CompleteMultipartUploadResult><ETag>"e"</ETag></CompleteMultipartUploadResult>' };
  if (method === "GET" && "uploadId" in query) {
    return {
      statusCode: 200,
      headers: XML,
      body: '<ListPartsResult><IsTruncated>false</IsTruncated><Part><PartNumber>1</PartNumber><ETag>"e"</ETag><Size>5242880</Size></Part></ListPartsResult>',
    };
  }
  if (method === "GET" && "uploads" in query)
    return {
      statusCode: 200,
      headers: XML,
      body: "<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>",
    };
  if (method === "PUT" && "x-amz-copy-source" in request.headers)
    return { statusCode: 200, headers: XML, body: '<CopyObjectResult><ETag>"e"</ETag></CopyObjectResult>' };
  if (method === "DELETE") return { statusCode: 204, headers: {}, body: "" };
  if (method === "HEAD")
    return { statusCode: 200, headers: { "content-length": "4", "content-type": "video/mp2t", etag: '"e"' }, body: "" };
  if (method === "GET") return { statusCode: 200, headers: { "content-length": "4", etag: '"e"' }, body: "abcd" };
  return { statusCode: 200, headers: { etag: '"e"' }, body: "" };
}

let listed = 0;
const requests: Recorded[] = [];
let storage: Storage;
let work: string;

/** An operation's name from its method and sub-resource, for readable failures. */
function operation(r: Recorded): string {
  const q = r.query;
  if (r.method === "POST" && "delete" in q) return "DeleteObjects";
  if (r.method === "POST" && "uploads" in q) return "CreateMultipartUpload";
  if (r.method === "POST" && "uploadId" in q) return "CompleteMultipartUpload";
  if (r.method === "PUT" && "uploadId" in q) return "UploadPart";
  if (r.method === "GET" && "uploadId" in q) return "ListParts";
  if (r.method === "DELETE" && "uploadId" in q) return "AbortMultipartUpload";
  if (r.method === "GET" && "uploads" in q) return "ListMultipartUploads";
  if (r.method === "PUT" && "x-amz-copy-source" in r.headers) return "CopyObject";
  if (r.method === "PUT" && "cors" in q) return "PutBucketCors";
  if (r.method === "GET" && "list-type" in q) return "ListObjectsV2";
  if (r.method === "HEAD" && r.path.split("/").filter(Boolean).length === 1) return "HeadBucket";
  return { GET: "GetObject", HEAD: "HeadObject", PUT: "PutObject", DELETE: "DeleteObject" }[r.method] ?? r.method;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "aq-pinned-"));
  storage = createStorage({
    S3_ENDPOINT: "http://r2.invalid",
    S3_REGION: "auto",
    S3_BUCKET: "aq-videos",
    S3_ACCESS_KEY_ID: "AKIDPINNED",
    S3_SECRET_ACCESS_KEY: "pinned-secret",
    S3_FORCE_PATH_STYLE: true,
  });
  // The client keeps createStorage's settings; only the transport is replaced.
  storage.client.config.requestHandler = {
    async handle(request: {
      method: string;
      path: string;
      query?: Record<string, string | string[] | null>;
      headers: Record<string, string>;
      body?: unknown;
    }) {
      if (request.body instanceof Readable) for await (const _ of request.body);
      const recorded: Recorded = {
        method: request.method,
        path: request.path,
        query: Object.fromEntries(Object.entries(request.query ?? {}).map(([k, v]) => [k, String(v ?? "")])),
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
      };
      requests.push(recorded);
      const { statusCode, headers, body } = answer(recorded);
      return { response: { statusCode, headers, body: Readable.from([Buffer.from(body)]) } };
    },
  } as unknown as typeof storage.client.config.requestHandler;

  const small = join(work, "small.ts");
  const large = join(work, "large.ts");
  await writeFile(small, "abcd");
  await writeFile(large, Buffer.alloc(MIN_PART_BYTES + 1, 1));
  await headObject(storage, "videos/v/a.ts");
  (await getObjectStream(storage, "videos/v/a.ts", "bytes=0-1"))?.body.resume();
  await downloadObject(storage, "videos/v/a.ts", join(work, "down.ts"));
  await listPrefix(storage, "videos/v/");
  listed = 0;
  await deletePrefix(storage, "videos/v/");
  await uploadFile(storage, small, "videos/v/small.ts", { attempts: 1 });
  await uploadFile(storage, large, "videos/v/large.ts", { attempts: 1, partSizeBytes: MIN_PART_BYTES });
  await ensureBucket(storage, { corsOrigins: ["https://app.example"] });
  // A browser's multipart upload as the gateway drives it, the uploader's copies and playlists, and single deletes.
  const uploadId = await createMultipartUpload(storage, "uploads/v/big.mp4", "video/mp4");
  await listUploadedParts(storage, "uploads/v/big.mp4", uploadId);
  await completeMultipartUpload(storage, "uploads/v/big.mp4", uploadId, [{ partNumber: 1, etag: '"e"' }]);
  await abortMultipartUpload(storage, "uploads/v/big.mp4", uploadId);
  await listMultipartUploads(storage, "uploads/");
  await copyObject(storage, "work/v/output/a b.ts", "videos/v/a b.ts", { sizeBytes: 4 });
  await putTextObject(storage, "videos/v/master.m3u8", "#EXTM3U\n");
  await deleteObject(storage, "videos/v/captions/.upload-en");
});

afterAll(async () => {
  storage?.client.destroy();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("requests the storage module sends", () => {
  it("covers every operation AQ uses", () => {
    expect(new Set(requests.map(operation))).toEqual(
      new Set([
        "HeadObject",
        "GetObject",
        "ListObjectsV2",
        "DeleteObjects",
        "PutObject",
        "CreateMultipartUpload",
        "UploadPart",
        "CompleteMultipartUpload",
        "HeadBucket",
        "PutBucketCors",
        "ListParts",
        "AbortMultipartUpload",
        "ListMultipartUploads",
        "CopyObject",
        "DeleteObject",
      ]),
    );
  });

  it("carry no streaming trailer, aws-chunked body, ACL, tagging, object lock or storage class", () => {
    for (const request of requests) {
      const names = Object.keys(request.headers);
      const context = `${operation(request)} ${names.join(",")}`;
      expect(
        names.filter((name) =>
          /^x-amz-(trailer|decoded-content-length|acl|grant-|tagging|object-lock|storage-class|expected-bucket-owner)/.test(name),
        ),
        context,
      ).toEqual([]);
      expect(request.headers["content-encoding"] ?? "", context).not.toMatch(/aws-chunked/);
      expect(request.headers["x-amz-content-sha256"] ?? "", context).not.toMatch(/^STREAMING-/);
    }
  });

  it("send no checksum headers with object uploads or PutBucketCors (R2 answers 501 to some)", () => {
    const checksumHeaders = (r: Recorded) => Object.keys(r.headers).filter((name) => /^x-amz-(sdk-)?checksum-/.test(name));
    for (const request of requests.filter((r) =>
      ["PutObject", "UploadPart", "CreateMultipartUpload", "CompleteMultipartUpload", "CopyObject", "PutBucketCors"].includes(operation(r)),
    )) {
      expect(checksumHeaders(request), operation(request)).toEqual([]);
    }
    expect(requests.find((r) => operation(r) === "PutBucketCors")?.headers["content-md5"]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it("prove DeleteObjects' body with Content-MD5 or a checksum header", () => {
    const deletes = requests.filter((r) => operation(r) === "DeleteObjects");
    expect(deletes.length).toBeGreaterThan(0);
    for (const request of deletes) {
      expect(
        Object.keys(request.headers).filter((name) => /^(content-md5|x-amz-checksum-(crc32|crc32c|sha1|sha256))$/.test(name)),
      ).not.toEqual([]);
    }
  });

  it("copy with the key percent-encoded in x-amz-copy-source and the target's own headers (MetadataDirective REPLACE)", () => {
    const copies = requests.filter((r) => operation(r) === "CopyObject");
    expect(copies).toHaveLength(1);
    expect(copies[0]!.headers).toMatchObject({
      "x-amz-copy-source": "aq-videos/work/v/output/a%20b.ts",
      "x-amz-metadata-directive": "REPLACE",
      "content-type": "video/mp2t",
    });
  });

  it("never ask for checksum validation of GetObject responses (R2 broke ranged reads with it)", () => {
    for (const request of requests.filter((r) => operation(r) === "GetObject"))
      expect(request.headers["x-amz-checksum-mode"]).toBeUndefined();
  });
});

describe("presigned URLs", () => {
  it("for a PUT carry no checksum parameters, expire within 7 days and sign exactly the headers the target lists", async () => {
    const target = await presignPut(storage, "uploads/v/clip.mp4", {
      contentType: "video/mp4",
      contentLength: 1234,
      expiresInSeconds: 7 * 24 * 3600,
    });
    const query = new URL(target.url).searchParams;
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(Number(query.get("X-Amz-Expires"))).toBeLessThanOrEqual(604_800);
    expect(query.get("X-Amz-Credential")).toMatch(/\/auto\/s3\/aws4_request$/);
    const signed = query.get("X-Amz-SignedHeaders")!.split(";");
    expect(signed.filter((name) => name !== "host").sort()).toEqual(
      Object.keys(target.headers)
        .map((name) => name.toLowerCase())
        .sort(),
    );
  });

  it("for one part of a multipart upload carry no checksum parameters, expire within 7 days and sign the part's length", async () => {
    const part = await presignUploadPart(
      storage,
      { key: "uploads/v/big.mp4", uploadId: "up-1", partNumber: 3, contentLength: MIN_PART_BYTES },
      7 * 24 * 3600,
    );
    const query = new URL(part.url).searchParams;
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(Number(query.get("X-Amz-Expires"))).toBeLessThanOrEqual(604_800);
    expect(query.get("partNumber")).toBe("3");
    const signed = query.get("X-Amz-SignedHeaders")!.split(";");
    expect(signed.filter((name) => name !== "host").sort()).toEqual(
      Object.keys(part.headers)
        .map((name) => name.toLowerCase())
        .sort(),
    );
  });

  it("for reading (a chunk encode's source) carry no checksum mode and expire within 7 days", async () => {
    const query = new URL(await presignGet(storage, "work/v/source.mp4", 3600)).searchParams;
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(Number(query.get("X-Amz-Expires"))).toBeLessThanOrEqual(604_800);
  });

  it("cannot be made to last longer than 7 days", async () => {
    await expect(presignPut(storage, "uploads/v/clip.mp4", { contentType: "video/mp4", expiresInSeconds: 604_801 })).rejects.toThrow(
      /expir/i,
    );
  });
});
