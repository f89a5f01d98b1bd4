import { S3Client } from "@aws-sdk/client-s3";
import type { StorageEnv } from "@aq/config";

export interface Storage {
  client: S3Client;
  bucket: string;
}

/**
 * An S3 client that works against Cloudflare R2 and local S3-compatible servers: region
 * "auto", path-style addressing, and checksums only where the API requires them (the SDK's
 * default CRC32 trailers are rejected by R2 and most S3-compatible servers).
 *
 * Every request has time limits: without them a server that accepts the connection and never
 * answers holds the call (and the worker slot waiting on it, its message kept alive by
 * heartbeats) for ever. `idleMs` is the SDK's socket inactivity limit (`socketTimeout`; its
 * `requestTimeout` is a whole-request timer that only logs a warning unless told to throw), so
 * a large transfer that keeps moving is never cut.
 */
export function createStorage(env: StorageEnv, timeouts: { connectionMs?: number; idleMs?: number } = {}): Storage {
  const client = new S3Client({
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials: { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
    requestHandler: { connectionTimeout: timeouts.connectionMs ?? 10_000, socketTimeout: timeouts.idleMs ?? 60_000 },
  });
  return { client, bucket: env.S3_BUCKET };
}
