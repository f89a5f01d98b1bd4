import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { StorageEnv } from "@aq/config";
import { createStorage, type Storage } from "@aq/platform/storage";
import { installS3rverDesShim } from "./s3rver-des-shim.js";
import { installS3rverMultipartShim } from "./s3rver-multipart-shim.js";
import { startStrictS3Proxy, type R2Limits, type StrictS3Proxy } from "./strict-s3/index.js";

export interface TestS3Server {
  /** The variables a service would read to reach this server (the strict stand-in's endpoint unless `strict: false`). */
  env: StorageEnv & { S3_ENDPOINT: string };
  storage: Storage;
  /** s3rver itself, which checks no SigV4 signature, size or multipart rule. */
  plainEndpoint: string;
  /** The R2 stand-in in front of it; null with `strict: false`. */
  strict: StrictS3Proxy | null;
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  bucket?: string;
  host?: string;
  port?: number;
  /** Where s3rver keeps the objects, kept after stop(). Default: a temporary directory, removed on stop(). */
  directory?: string;
  /**
   * Put the strict R2 stand-in (strict-s3/) in front of s3rver, optionally with scaled-down
   * limits. On by default, so that tests fail where R2 would; false gives plain s3rver.
   */
  strict?: boolean | Partial<R2Limits>;
}

// s3rver's fixed credentials. s3rver checks SigV2 signatures only; the strict stand-in checks SigV4.
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
 * directory, and one bucket that accepts browser requests from any origin; by default behind
 * the strict R2 stand-in, whose endpoint `env` names.
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<TestS3Server> {
  const bucket = options.bucket ?? "aq-test";
  const host = options.host ?? "127.0.0.1";
  installS3rverDesShim();
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "aq-s3-")));
  await mkdir(directory, { recursive: true });
  const removeDirectory = () => (options.directory ? Promise.resolve() : rm(directory, { recursive: true, force: true }));
  const server = new S3rver({
    address: host,
    port: options.port ?? 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [ANY_ORIGIN_CORS] }],
  });
  installS3rverMultipartShim(server);
  let address: { port: number };
  try {
    address = await server.run();
  } catch (error) {
    await removeDirectory();
    throw new Error(`could not start s3rver on ${host}`, { cause: error });
  }
  const plainEndpoint = `http://${host}:${address.port}`;
  const strictOption = options.strict ?? true;
  const strict =
    strictOption === false
      ? null
      : await startStrictS3Proxy({
          upstream: plainEndpoint,
          credentials: { [ACCESS_KEY_ID]: SECRET_ACCESS_KEY },
          limits: strictOption === true ? {} : strictOption,
          host,
        });
  const env = {
    S3_ENDPOINT: strict?.endpoint ?? plainEndpoint,
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
    plainEndpoint,
    strict,
    async stop() {
      storage.client.destroy();
      await strict?.stop();
      await server.close();
      await removeDirectory();
    },
  };
}
