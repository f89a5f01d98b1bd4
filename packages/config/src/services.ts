import { availableParallelism } from "node:os";
import { z } from "zod";
import { described } from "./describe.js";
import { databaseEnv, healthPortEnv, natsEnv, serviceEnv, sourceUrlEnv, storageEnv, stuckEnv, sweepEnv, workDirEnv } from "./fragments.js";
import { defaultLadderConfig, ladderEnv, sourceRulesEnv, withLadder, X264_PRESETS, type LadderConfig } from "./ladder.js";
import { envBoolean, envInt, envList } from "./load.js";
import { webhookSecretsEnv, webhookServiceEnv } from "./webhooks.js";

/** What every pipeline service (probe, encoder, uploader) reads. */
export const pipelineWorkerEnv = { ...serviceEnv, ...databaseEnv, ...natsEnv, ...storageEnv, ...workDirEnv, ...stuckEnv, ...sweepEnv };
export type PipelineWorkerConfig = z.output<z.ZodObject<typeof pipelineWorkerEnv>> & { ladder: LadderConfig; HEALTH_PORT: number };

export const probeServiceEnv = {
  ...pipelineWorkerEnv,
  ...ladderEnv,
  ...sourceUrlEnv,
  HEALTH_PORT: healthPortEnv(8081),
  PROBE_CONCURRENCY: described(
    envInt(2, 1, 64),
    "Videos probed at once per instance; also the `planVideo` requests it answers at once (counted apart).",
  ),
};

/** Read by the encoder (staging a single run's output in the bucket) and the uploader (copying it to videos/<id>/). */
const uploadFileEnv = {
  UPLOAD_FILE_CONCURRENCY: described(envInt(8, 1, 64), "Objects put in or copied within the bucket at once for one video."),
};

export const encoderServiceEnv = {
  ...pipelineWorkerEnv,
  ...uploadFileEnv,
  ...ladderEnv,
  HEALTH_PORT: healthPortEnv(8082),
  ENCODER_CONCURRENCY: described(
    envInt(availableParallelism(), 1, 64),
    'Encodes at once per instance (the guide: "one encode job per CPU core").',
    "number of CPU cores",
  ),
  CHUNK_MIN_SOURCE_SECONDS: described(
    envInt(30, 0),
    "Sources at least this long are encoded in chunks spread over every encoder instance, and play before they are READY (within seconds: the first chunk is short); shorter ones in one ffmpeg run, which shows nothing until the whole ladder is done. `0`: never chunk.",
  ),
  CHUNK_SECONDS: described(
    envInt(36, 6, 3600).refine((seconds) => seconds % 6 === 0, "must be a multiple of the 6 s segment length"),
    "Length of a chunk (a multiple of the 6 s segment); the first chunk is shorter (`CHUNK_FIRST_SEGMENTS`) so the video plays within seconds.",
  ),
  CHUNK_FIRST_SEGMENTS: described(envInt(2, 1, 100), "Segments in the first chunk of a chunked encode."),
  CHUNK_FIRST_PRESET: described(
    z.enum(X264_PRESETS).default("superfast"),
    "x264 preset of the first chunk only, the one that makes a chunked video playable; the rest of the video keeps `X264_PRESET`. Its four rungs of 12 s of 1080p took 8.9-9.2 s at `veryfast`, 6.6-6.7 s at `superfast`, 4.8-5.0 s at `ultrafast` on 2 idle cores (BENCHMARKS.md's speed source); `superfast` costs about 7 % more bytes than `veryfast` on those 12 s.",
  ),
  ENCODE_DISK_RESERVE_BYTES: described(
    envInt(512 * 1024 * 1024, 0),
    "Free space kept in `WORK_DIR`; an encode that would need it fails with `INSUFFICIENT_DISK` before it starts.",
  ),
};

export const uploaderServiceEnv = {
  ...pipelineWorkerEnv,
  HEALTH_PORT: healthPortEnv(8083),
  UPLOADER_CONCURRENCY: described(envInt(2, 1, 64), "Videos uploaded at once per instance."),
  ...uploadFileEnv,
};

/** Variables only the gateway reads. */
export const gatewayEnv = {
  NODE_ENV: described(
    z.enum(["development", "production", "test"]).default("development"),
    "`production` turns off introspection, the landing page and stack traces in errors.",
  ),
  GATEWAY_HOST: described(z.string().default("127.0.0.1"), "Listen address (`0.0.0.0` in containers)."),
  GATEWAY_PORT: described(envInt(4000, 0, 65535), "Listen port (HTTP, WebSocket, playback and health)."),
  HEALTH_PORT: healthPortEnv(4001),
  API_KEYS: described(
    envList(),
    "Comma-separated bearer keys; every GraphQL operation needs `Authorization: Bearer <key>` (WebSocket: connection parameter `authorization`). Empty: the API is open (development only; refused when `NODE_ENV=production`).",
    "none (open API; the local stack sets a development key)",
  ),
  PLAYBACK_SIGNING_KEYS: described(
    z.string().min(1),
    "`kid:secret[,kid:secret…]`, secrets of 32+ characters: the first signs playback tokens, all verify (rotation).",
    "required (the local stack sets a development key)",
  ),
  PLAYBACK_BASE_URL: described(
    z.string().url().optional(),
    "Origin that playback URLs start with (a CDN or the edge worker in production).",
    "the gateway's own address",
  ),
  MP4_DOWNLOAD_DEFAULT: described(
    envBoolean(false),
    "Whether a video makes a progressive MP4 download when `createVideo` does not say (`input.mp4Download`).",
  ),
  PLAYBACK_DEFAULT_TTL_SECONDS: described(envInt(3600, 1), "Lifetime of a `playbackUrl` without `expiresInSeconds`."),
  PLAYBACK_MAX_TTL_SECONDS: described(envInt(7 * 24 * 3600, 1), "Longest lifetime a client may ask for."),
  PLAYBACK_CORS_ORIGIN: described(
    z.string().default("*"),
    "`Access-Control-Allow-Origin` of playback responses (the token is the credential, so `*` is safe).",
  ),
  GRAPHQL_CORS_ORIGINS: described(envList(), "Origins whose pages may call `/graphql` from a browser (server-to-server use needs none)."),
  GRAPHQL_MAX_DEPTH: described(envInt(8, 2, 64), "Query depth limit."),
  GRAPHQL_MAX_FIELDS: described(envInt(200, 10, 10_000), "Query size limit (fields per operation)."),
  GRAPHQL_MAX_BODY_BYTES: described(envInt(100_000, 1000), "Largest accepted request body, in bytes."),
  UPLOAD_URL_TTL_SECONDS: described(envInt(3600, 60, 7 * 24 * 3600), "Lifetime of a presigned upload URL."),
  PLAN_TIMEOUT_SECONDS: described(
    envInt(120, 5, 3600),
    "How long `planVideo` waits for a probe service to fetch, probe and plan the source; after it the query fails with `PLAN_UNAVAILABLE` and the probe service stops working on it.",
  ),
  MULTIPART_UPLOAD_THRESHOLD_BYTES: described(
    envInt(100 * 1024 ** 2, 5 * 1024 ** 2, 5 * 1024 ** 3 - 5 * 1024 ** 2),
    "A direct upload larger than this is a resumable multipart upload (parts PUT in parallel, `completeVideoUpload` with their ETags); smaller ones are one presigned `PUT`. At most 5 GiB - 5 MiB, the most one `PUT` carries on R2.",
  ),
  MULTIPART_PART_BYTES: described(
    envInt(16 * 1024 ** 2, 5 * 1024 ** 2, 5 * 1024 ** 3 - 5 * 1024 ** 2),
    "Part size of a multipart upload (every part but the last has it); a file that would need more than 10,000 parts gets the smallest whole MiB that fits (525 MiB at 5 TiB).",
  ),
  MULTIPART_UPLOAD_TTL_SECONDS: described(
    envInt(24 * 3600, 60, 7 * 24 * 3600),
    "How long a multipart upload may take from `createVideo` to `completeVideoUpload`; after that the upload sweep aborts it (its parts leave the bucket) and the video becomes `DELETED`. Each part URL lives `UPLOAD_URL_TTL_SECONDS` at most, and new ones are asked for as the upload goes on.",
  ),
  UPLOAD_S3_ENDPOINT: described(
    z.string().url().optional(),
    "The S3 endpoint browsers reach for direct uploads, when it differs from `S3_ENDPOINT` (e.g. inside Docker).",
    "`S3_ENDPOINT`",
  ),
  MIGRATE_ON_START: described(envBoolean(true), "Run pending database migrations on start (the pipeline services always do)."),
};

export const gatewayServiceEnv = {
  ...serviceEnv,
  ...databaseEnv,
  ...natsEnv,
  ...storageEnv,
  ...sourceUrlEnv,
  ...sourceRulesEnv,
  ...stuckEnv,
  ...webhookSecretsEnv,
  ...gatewayEnv,
};

/** Each service's variables, parsed once into its typed settings (the ladder as a LadderConfig). */
export const probeServiceConfig = z.object(probeServiceEnv).transform(withLadder);
export const encoderServiceConfig = z.object(encoderServiceEnv).transform(withLadder);
/** The store stage never reads the ladder, so the uploader does not read its variables. */
export const uploaderServiceConfig = z.object(uploaderServiceEnv).transform((env) => ({ ...env, ladder: defaultLadderConfig }));

/** Who reads what: docs/configuration.md's "read by" column is derived from this. */
export const ENV_READERS = {
  gateway: gatewayServiceEnv,
  "probe-service": probeServiceEnv,
  "encoder-service": encoderServiceEnv,
  "uploader-service": uploaderServiceEnv,
  "webhook-service": webhookServiceEnv,
  "aq CLI": ladderEnv,
} as const satisfies Record<string, z.ZodRawShape>;
