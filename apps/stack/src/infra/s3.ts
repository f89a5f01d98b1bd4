import { mkdir } from "node:fs/promises";
import S3rver from "s3rver";
import { createStorage, ensureBucket } from "@aq/platform/storage";

export interface S3Env {
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_BUCKET: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: string;
}

export interface S3Endpoint {
  env: S3Env;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
/** s3rver checks request signatures against its fixed credentials. */
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * The local stand-in for R2: an S3-protocol server (s3rver) on loopback with its objects as
 * files under `directory` (kept between runs), one bucket, and CORS open to any origin so a
 * browser page can upload to presigned URLs directly.
 */
export async function startLocalS3(options: { directory: string; port: number; bucket: string }): Promise<S3Endpoint> {
  await mkdir(options.directory, { recursive: true });
  const server = new S3rver({ address: HOST, port: options.port, silent: true, directory: options.directory, vhostBuckets: false });
  try {
    await server.run();
  } catch (error) {
    throw new Error(`could not start the local S3 server on ${HOST}:${options.port}`, { cause: error });
  }
  const env: S3Env = {
    S3_ENDPOINT: `http://${HOST}:${options.port}`,
    S3_REGION: "auto",
    S3_BUCKET: options.bucket,
    S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    S3_FORCE_PATH_STYLE: "true",
  };
  const storage = createStorage({ ...env, S3_FORCE_PATH_STYLE: true });
  try {
    await ensureBucket(storage, { corsOrigins: ["*"] });
  } catch (error) {
    await server.close();
    throw new Error(`could not create bucket ${options.bucket} on the local S3 server`, { cause: error });
  } finally {
    storage.client.destroy();
  }
  return { env, stop: () => server.close() };
}
