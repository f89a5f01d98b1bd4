import { createHash } from "node:crypto";
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand } from "@aws-sdk/client-s3";
import type { Storage } from "./client.js";
import { isNotFoundError } from "./objects.js";

/**
 * Creates the bucket when it does not exist (local development and test servers; production
 * buckets are provisioned by the operator), and optionally allows browsers from `corsOrigins`
 * to GET, HEAD and PUT objects directly.
 */
export async function ensureBucket(storage: Storage, options: { corsOrigins?: string[] } = {}): Promise<void> {
  try {
    await storage.client.send(new HeadBucketCommand({ Bucket: storage.bucket }));
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
    try {
      await storage.client.send(new CreateBucketCommand({ Bucket: storage.bucket }));
    } catch (createError) {
      // Another instance may have created it in between.
      if ((createError as Error).name !== "BucketAlreadyOwnedByYou") throw createError;
    }
  }
  if (options.corsOrigins?.length) {
    const command = new PutBucketCorsCommand({
      Bucket: storage.bucket,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: options.corsOrigins,
            AllowedMethods: ["GET", "HEAD", "PUT"],
            AllowedHeaders: ["*"],
            ExposeHeaders: ["ETag", "Content-Length", "Content-Range", "Accept-Ranges"],
            MaxAgeSeconds: 3600,
          },
        ],
      },
    });
    command.middlewareStack.add(withContentMd5Only, { step: "build", priority: "low", name: "aqContentMd5Only" });
    await storage.client.send(command);
  }
}

/**
 * PutBucketCors must carry an integrity header. The SDK sends x-amz-sdk-checksum-algorithm
 * and x-amz-checksum-crc32, which R2 marks not implemented for this operation (501); this
 * sends Content-MD5 instead, which both R2 and S3 accept.
 */
const withContentMd5Only =
  <A extends { request: unknown }, R>(next: (args: A) => Promise<R>) =>
  (args: A): Promise<R> => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown };
    if (request.headers) {
      for (const name of Object.keys(request.headers)) {
        if (/^x-amz-(sdk-)?checksum-/i.test(name)) delete request.headers[name];
      }
      request.headers["content-md5"] = createHash("md5")
        .update(String(request.body ?? ""))
        .digest("base64");
    }
    return next(args);
  };
