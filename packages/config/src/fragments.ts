import { z } from "zod";
import { DEFAULT_STUCK_AFTER_SECONDS } from "@aq/contracts";
import { described } from "./describe.js";
import { envBoolean, envInt } from "./load.js";

/** Variables every long-running service reads. */
export const serviceEnv = {
  LOG_LEVEL: described(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    "`fatal` `error` `warn` `info` `debug` `trace` `silent`.",
  ),
  HEALTH_HOST: described(z.string().default("127.0.0.1"), "Address of the health endpoints (`0.0.0.0` in containers)."),
  SHUTDOWN_TIMEOUT_SECONDS: described(envInt(30, 1, 3600), "How long SIGTERM waits for in-flight work before handing it back."),
};

/** Each service has /healthz and /readyz on a port of its own; only the default differs. */
export function healthPortEnv(defaultPort: number) {
  return described(envInt(defaultPort, 0, 65535), "Port of `/healthz` and `/readyz` (the gateway also serves them on `GATEWAY_PORT`).");
}

export const databaseEnv = {
  DATABASE_URL: described(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .default("postgres://postgres@127.0.0.1:5432/postgres"),
    "Postgres. The local stack uses it when set, else finds or embeds one.",
  ),
};

export const natsEnv = {
  NATS_URL: described(
    z.string().default("nats://127.0.0.1:4222"),
    "NATS with JetStream. The local stack uses it when set, else finds or starts one.",
  ),
  NATS_ACK_WAIT_SECONDS: described(
    envInt(30, 1, 3600),
    "Unacknowledged work goes to another instance after this (heartbeats extend it during an encode).",
  ),
  NATS_MAX_DELIVER: described(envInt(5, 1, 100), "Deliveries of one work message before it is given up."),
};

export const storageEnv = {
  S3_ENDPOINT: described(
    z.string().url().optional(),
    "R2: `https://<account id>.r2.cloudflarestorage.com`; development: the local S3 server.",
    "none (AWS)",
  ),
  S3_REGION: described(z.string().default("auto"), "`auto` for R2."),
  S3_BUCKET: described(z.string().min(3).default("aq-videos"), "The bucket (the local stack uses `aq-local`)."),
  S3_ACCESS_KEY_ID: described(z.string().min(1), "Bucket credentials."),
  S3_SECRET_ACCESS_KEY: described(z.string().min(1), "Bucket credentials."),
  S3_FORCE_PATH_STYLE: described(envBoolean(true), "Path-style addressing (R2, MinIO, s3rver)."),
};

export type StorageEnv = z.infer<z.ZodObject<typeof storageEnv>>;

export const workDirEnv = {
  WORK_DIR: described(
    z.string().default(".data/work"),
    "Local scratch folder of this service instance alone: services hand each other everything through the bucket or the message, so no two instances need to share it.",
  ),
};

/** Read by the gateway (to refuse a sourceUrl early) and the probe service (to refuse every redirect hop). */
export const sourceUrlEnv = {
  SOURCE_URL_ALLOW_PRIVATE: described(
    envBoolean(false),
    "Let `sourceUrl` and webhook endpoint URLs reach private, loopback and link-local addresses (local development only; the local stack sets it).",
  ),
  MAX_SOURCE_BYTES: described(
    envInt(20 * 1024 ** 3, 1),
    "Largest accepted source in bytes (declared upload size, or downloaded `sourceUrl`); a direct upload is also capped at 5 TiB, the largest object R2 and S3 store.",
  ),
};

/**
 * One idea, one name: the pipeline services' sweep re-queues a video idle this long in their
 * stage, and the gateway's retryVideo accepts a video idle this long as stuck.
 */
export const stuckEnv = {
  STUCK_AFTER_SECONDS: described(
    envInt(DEFAULT_STUCK_AFTER_SECONDS, 1),
    "A video waiting this long in a stage's queue status is announced again by the services' sweep, and `retryVideo` accepts it; work in progress is handed back only when its lease (`WORK_LEASE_SECONDS`) expired.",
  ),
};

/** Read by the probe, encoder and uploader services. */
export const sweepEnv = {
  SWEEP_INTERVAL_SECONDS: described(envInt(60, 1), "How often each pipeline service sweeps its stage for stuck videos."),
  WORK_LEASE_SECONDS: described(
    envInt(20, 2, 3600),
    "A worker owns a video's stage by a lease it renews in the database every quarter of this; a lease not renewed for this long is taken over (its holder stops its work at 70 % of it). Keep it under two thirds of `NATS_ACK_WAIT_SECONDS`, so redelivered work finds it expired.",
  ),
};
