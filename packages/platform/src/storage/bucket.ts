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
    await storage.client.send(
      new PutBucketCorsCommand({
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
      }),
    );
  }
}
