import { z } from "zod";
import { envBoolean, envInt } from "./load.js";

/** Variables every long-running service reads. */
export const serviceEnv = {
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HEALTH_HOST: z.string().default("127.0.0.1"),
  /** Seconds a service waits for in-flight work on SIGTERM before handing it back. */
  SHUTDOWN_TIMEOUT_SECONDS: envInt(30, 1, 3600),
};

export const databaseEnv = {
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL").default("postgres://postgres@127.0.0.1:5432/postgres"),
};

export const natsEnv = {
  NATS_URL: z.string().default("nats://127.0.0.1:4222"),
  /** Seconds before an unacknowledged message is redelivered to another instance. */
  NATS_ACK_WAIT_SECONDS: envInt(30, 1, 3600),
  NATS_MAX_DELIVER: envInt(5, 1, 100),
};

export const storageEnv = {
  /** R2: https://<account_id>.r2.cloudflarestorage.com; development: the local S3 server. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default("auto"),
  S3_BUCKET: z.string().min(3).default("aq-videos"),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  S3_FORCE_PATH_STYLE: envBoolean(true),
};

export const workDirEnv = {
  /** Shared by encoder and uploader: a volume both mount in multi-host deployments. */
  WORK_DIR: z.string().default(".data/work"),
};

export type StorageEnv = z.infer<z.ZodObject<typeof storageEnv>>;

/** Read by the gateway (to refuse a sourceUrl early) and the probe service (to refuse every redirect hop). */
export const sourceUrlEnv = {
  /** Allow sourceUrl to reach private, loopback and link-local addresses (local development only). */
  SOURCE_URL_ALLOW_PRIVATE: envBoolean(false),
  MAX_SOURCE_BYTES: envInt(20 * 1024 ** 3, 1),
};

/** Read by the probe, encoder and uploader services. */
export const workerEnv = {
  /** A video left in a work status or its in-progress status this long without an update is re-queued. */
  STUCK_AFTER_SECONDS: envInt(900, 10),
  SWEEP_INTERVAL_SECONDS: envInt(60, 1),
};
