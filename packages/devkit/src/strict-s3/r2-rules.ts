import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { MAX_PARTS, MAX_SINGLE_PUT_BYTES, MIN_PART_BYTES } from "@aq/platform/storage";

/** An S3 error answer: HTTP status, S3 error code, message. */
export interface S3Refusal {
  status: number;
  code: string;
  message: string;
}

export interface R2Limits {
  /** The largest PutObject body (R2: 5 GiB - 5 MiB); tests scale it down. */
  maxSingleUploadBytes: number;
  /** The smallest part other than the last (5 MiB on R2 and S3). */
  minPartBytes: number;
  /** The largest part (5 GiB - 5 MiB, R2's per-request limit). */
  maxPartBytes: number;
  /** Part numbers run from 1 to this (10,000). */
  maxParts: number;
}

/** R2's own limits; a part is one request, so it has the single-request limit too. */
export const R2_LIMITS: R2Limits = {
  maxSingleUploadBytes: MAX_SINGLE_PUT_BYTES,
  minPartBytes: MIN_PART_BYTES,
  maxPartBytes: MAX_SINGLE_PUT_BYTES,
  maxParts: MAX_PARTS,
};

/**
 * Request headers R2's S3 compatibility table marks ❌ (https://developers.cloudflare.com/r2/api/s3/api/)
 * on every operation that takes them: ACLs, tagging, object lock, bucket-owner and requester-pays
 * checks, website redirects, SSE-KMS. Streaming trailers (x-amz-trailer) are refused too: R2
 * answered 501 to the SDK's trailing CRC32 in January 2025, and AQ must not depend on them.
 */
const UNSUPPORTED_HEADERS = [
  /^x-amz-acl$/,
  /^x-amz-grant-/,
  /^x-amz-tagging/,
  /^x-amz-object-lock-/,
  /^x-amz-bucket-object-lock-enabled$/,
  /^x-amz-expected-bucket-owner$/,
  /^x-amz-request-payer$/,
  /^x-amz-website-redirect-location$/,
  /^x-amz-server-side-encryption-aws-kms-key-id$/,
  /^x-amz-server-side-encryption-context$/,
  /^x-amz-trailer$/,
];

/** Sub-resources (query flags) of operations R2 does not implement. */
const UNSUPPORTED_SUBRESOURCES = [
  "acl",
  "tagging",
  "object-lock",
  "retention",
  "legal-hold",
  "policy",
  "versioning",
  "versions",
  "website",
  "replication",
  "logging",
  "notification",
  "requestPayment",
  "accelerate",
  "analytics",
  "inventory",
  "metrics",
  "ownershipControls",
  "publicAccessBlock",
  "intelligent-tiering",
  "torrent",
  "select",
  "restore",
];

export interface S3Request {
  method: string;
  /** Decoded path segments after the bucket: empty for bucket operations. */
  key: string;
  query: URLSearchParams;
  headers: Record<string, string>;
}

const notImplemented = (message: string): S3Refusal => ({ status: 501, code: "NotImplemented", message });

/** The first feature of this request R2 answers 501 NotImplemented to, or null. */
export function unsupportedFeature(request: S3Request): S3Refusal | null {
  for (const name of Object.keys(request.headers)) {
    if (UNSUPPORTED_HEADERS.some((pattern) => pattern.test(name))) return notImplemented(`Header '${name}' is not implemented`);
  }
  for (const flag of UNSUPPORTED_SUBRESOURCES) {
    if (request.query.has(flag)) return notImplemented(`the '${flag}' operation is not implemented`);
  }
  if (request.headers["content-encoding"]?.includes("aws-chunked") && request.headers["x-amz-content-sha256"]?.endsWith("-TRAILER")) {
    return notImplemented(`x-amz-content-sha256 ${request.headers["x-amz-content-sha256"]} is not implemented`);
  }
  const kms = request.headers["x-amz-server-side-encryption"];
  if (kms && kms !== "AES256") return notImplemented(`x-amz-server-side-encryption ${kms} is not implemented`);
  if (request.method === "PUT" && request.key === "" && request.query.has("cors")) {
    for (const name of Object.keys(request.headers)) {
      // PutBucketCors: the table marks the SDK's checksum headers ❌.
      if (name === "x-amz-sdk-checksum-algorithm" || name.startsWith("x-amz-checksum-"))
        return notImplemented(`Header '${name}' is not implemented for PutBucketCors`);
    }
  }
  // CRC64NVME is a full-object checksum on R2: multipart uploads cannot use it.
  const multipart = request.query.has("uploads") || request.query.has("uploadId");
  if (
    multipart &&
    (request.headers["x-amz-checksum-algorithm"]?.toUpperCase() === "CRC64NVME" || "x-amz-checksum-crc64nvme" in request.headers)
  ) {
    return notImplemented("CRC64NVME checksums are not implemented for multipart uploads");
  }
  return null;
}

/**
 * The size rules of one PUT with a body: 411 without a Content-Length, 400 EntityTooLarge above
 * the single-request limit (PutObject) or the part limit (UploadPart), 400 InvalidArgument for a
 * part number outside 1..maxParts.
 */
export function uploadSizeRefusal(request: S3Request, limits: R2Limits): S3Refusal | null {
  // Other PUTs on keys (tagging, ACLs) are refused as unsupported before this.
  if (request.method !== "PUT" || request.key === "" || "x-amz-copy-source" in request.headers) return null;
  const declared = request.headers["content-length"] ?? request.headers["x-amz-decoded-content-length"];
  if (declared === undefined)
    return { status: 411, code: "MissingContentLength", message: "You must provide the Content-Length HTTP header." };
  const length = Number(declared);
  if (request.query.has("uploadId")) {
    const partNumber = Number(request.query.get("partNumber"));
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > limits.maxParts) {
      return {
        status: 400,
        code: "InvalidArgument",
        message: `Part number must be an integer between 1 and ${limits.maxParts}, inclusive`,
      };
    }
    if (length > limits.maxPartBytes)
      return { status: 400, code: "EntityTooLarge", message: `a part is at most ${limits.maxPartBytes} bytes; this one is ${length}` };
    return null;
  }
  if (length > limits.maxSingleUploadBytes) {
    return {
      status: 400,
      code: "EntityTooLarge",
      message: `Your proposed upload exceeds the maximum allowed object size (${limits.maxSingleUploadBytes} bytes in one request; use a multipart upload)`,
    };
  }
  return null;
}

/**
 * DeleteObjects must prove its body's integrity (S3 requires Content-MD5 or an x-amz-checksum-*
 * header); a Content-MD5, CRC32 or SHA-256 that does not match the body is refused.
 */
export function deleteObjectsIntegrityRefusal(request: S3Request, body: Buffer): S3Refusal | null {
  if (request.method !== "POST" || !request.query.has("delete")) return null;
  const md5 = request.headers["content-md5"];
  const crc = request.headers["x-amz-checksum-crc32"];
  const sha256 = request.headers["x-amz-checksum-sha256"];
  if (md5 === undefined && !Object.keys(request.headers).some((name) => name.startsWith("x-amz-checksum-"))) {
    return { status: 400, code: "InvalidRequest", message: "Missing required header for this request: Content-MD5 or x-amz-checksum-*" };
  }
  const crcBytes = Buffer.alloc(4);
  crcBytes.writeUInt32BE(crc32(body));
  const mismatch =
    (md5 !== undefined && md5 !== createHash("md5").update(body).digest("base64")) ||
    (crc !== undefined && crc !== crcBytes.toString("base64")) ||
    (sha256 !== undefined && sha256 !== createHash("sha256").update(body).digest("base64"));
  return mismatch ? { status: 400, code: "BadDigest", message: "The checksum of the body does not match the one sent" } : null;
}

/**
 * Remembers the size of every uploaded part and checks CompleteMultipartUpload against R2's
 * rules: at most maxParts parts, in ascending order, every part but the last at least
 * minPartBytes, and all of them but the last of one size (R2 assembles objects from uniform parts).
 */
export class MultipartLedger {
  private readonly parts = new Map<string, Map<number, { size: number; etag: string | undefined }>>();

  constructor(private readonly limits: R2Limits) {}

  recordPart(uploadId: string, partNumber: number, size: number, etag?: string): void {
    let sizes = this.parts.get(uploadId);
    if (!sizes) this.parts.set(uploadId, (sizes = new Map()));
    sizes.set(partNumber, { size, etag });
  }

  forget(uploadId: string): void {
    this.parts.delete(uploadId);
  }

  /** Checks the parts a CompleteMultipartUpload body lists. */
  completionRefusal(uploadId: string, body: string): S3Refusal | null {
    const listed = [...body.matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((m) => Number(m[1]));
    const etags = [...body.matchAll(/<ETag>\s*([^<]*?)\s*<\/ETag>/g)].map((m) => m[1]!.replace(/&quot;|"/g, ""));
    const recorded = this.parts.get(uploadId) ?? new Map<number, { size: number; etag: string | undefined }>();
    if (listed.length === 0) return { status: 400, code: "MalformedXML", message: "the request lists no parts" };
    if (listed.length > this.limits.maxParts)
      return { status: 400, code: "InvalidArgument", message: `at most ${this.limits.maxParts} parts` };
    for (let i = 1; i < listed.length; i++) {
      if (listed[i]! <= listed[i - 1]!)
        return { status: 400, code: "InvalidPartOrder", message: "The list of parts was not in ascending order." };
    }
    const partSizes: number[] = [];
    for (const [index, number] of listed.entries()) {
      const part = recorded.get(number);
      if (part === undefined) return { status: 400, code: "InvalidPart", message: `part ${number} was never uploaded` };
      const etag = etags[index];
      if (etag !== undefined && part.etag !== undefined && etag !== part.etag.replace(/"/g, ""))
        return { status: 400, code: "InvalidPart", message: `part ${number}'s ETag does not match the part uploaded` };
      partSizes.push(part.size);
    }
    const leading = partSizes.slice(0, -1);
    if (leading.some((size) => size < this.limits.minPartBytes)) {
      return {
        status: 400,
        code: "EntityTooSmall",
        message: `Your proposed upload is smaller than the minimum allowed object size (parts before the last are at least ${this.limits.minPartBytes} bytes)`,
      };
    }
    const first = partSizes[0]!;
    if (leading.some((size) => size !== first) || partSizes.at(-1)! > first) {
      return { status: 400, code: "InvalidPart", message: "All non-trailing parts must have the same length." };
    }
    return null;
  }
}
