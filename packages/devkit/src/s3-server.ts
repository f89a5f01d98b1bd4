import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { StorageEnv } from "@aq/config";
import { createStorage, type Storage } from "@aq/platform/storage";
import { installS3rverDesShim } from "./s3rver-des-shim.js";

export interface TestS3Server {
  /** The variables a service would read to reach this server. */
  env: StorageEnv & { S3_ENDPOINT: string };
  storage: Storage;
  stop(): Promise<void>;
}

// s3rver's fixed credentials: it verifies request signatures against these.
const ACCESS_KEY_ID = "S3RVER";
const SECRET_ACCESS_KEY = "S3RVER";

/** Browsers upload straight to the bucket and play from it, from any origin in development. */
const ANY_ORIGIN_CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <ExposeHeader>Content-Length</ExposeHeader>
    <ExposeHeader>Content-Range</ExposeHeader>
    <MaxAgeSeconds>3600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/**
 * An S3-protocol server (s3rver) on a free loopback port with its files in a temporary
 * directory, and one bucket that accepts browser requests from any origin.
 */
export async function startS3Server(options: { bucket?: string; host?: string; port?: number } = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? "aq-test";
  const host = options.host ?? "127.0.0.1";
  installS3rverDesShim();
  const directory = await mkdtemp(join(tmpdir(), "aq-s3-"));
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [ANY_ORIGIN_CORS] }],
  });
  let address: { port: number };
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw new Error(`could not start s3rver on ${host}`, { cause: error });
  }
  const env = {
    S3_ENDPOINT: `http://${host}:${address.port}`,
    S3_REGION: "auto",
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
    S3_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
    S3_FORCE_PATH_STYLE: true,
  };
  const storage = createStorage(env);
  return {
    env,
    storage,
    async stop() {
      storage.client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
