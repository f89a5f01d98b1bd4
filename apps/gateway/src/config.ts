import { databaseEnv, envBoolean, envInt, loadConfig, natsEnv, serviceEnv, sourceUrlEnv, storageEnv } from "@aq/config";
import { parsePlaybackKeys } from "@aq/platform/playback";
import { z } from "zod";
import { productionCredentialProblems } from "./production-credentials.js";

/** A comma-separated list; empty entries are dropped. */
function envList() {
  return z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    );
}

/** Variables only the gateway reads. */
export const gatewayEnv = {
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  GATEWAY_HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: envInt(4000, 0, 65535),
  /** Bearer keys accepted for every GraphQL operation; when empty, the API is open (refused in production). */
  API_KEYS: envList(),
  /** `kid:secret[,kid:secret]`: the first signs playback tokens, all verify (rotation). */
  PLAYBACK_SIGNING_KEYS: z.string().min(1).superRefine((value, ctx) => {
    try {
      parsePlaybackKeys(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  }),
  /** Origin that playback URLs start with (a CDN or the edge worker in production); default: this gateway's address. */
  PLAYBACK_BASE_URL: z.string().url().optional(),
  PLAYBACK_DEFAULT_TTL_SECONDS: envInt(3600, 1),
  PLAYBACK_MAX_TTL_SECONDS: envInt(7 * 24 * 3600, 1),
  /** Access-Control-Allow-Origin of playback responses. The token is the credential, so "*" is safe. */
  PLAYBACK_CORS_ORIGIN: z.string().default("*"),
  /** Origins whose pages may call /graphql from a browser; none by default (server-to-server use). */
  GRAPHQL_CORS_ORIGINS: envList(),
  GRAPHQL_MAX_DEPTH: envInt(8, 2, 64),
  GRAPHQL_MAX_FIELDS: envInt(200, 10, 10_000),
  /** Largest accepted request body, in bytes. */
  GRAPHQL_MAX_BODY_BYTES: envInt(100_000, 1000),
  UPLOAD_URL_TTL_SECONDS: envInt(3600, 60, 7 * 24 * 3600),
  /** The S3 endpoint browsers reach for direct uploads, when it differs from S3_ENDPOINT (e.g. inside Docker). */
  UPLOAD_S3_ENDPOINT: z.string().url().optional(),
  /** A non-terminal video that has not moved for this long may be re-queued by retryVideo. */
  RETRY_STUCK_AFTER_SECONDS: envInt(900, 1),
  /** /healthz and /readyz on a port of their own, as every service has them (also served on GATEWAY_PORT). */
  HEALTH_PORT: envInt(4001, 0, 65535),
  /** Run pending database migrations on start. */
  MIGRATE_ON_START: envBoolean(true),
};

/** In production the gateway refuses to start open or with published credentials (see production-credentials.ts). */
export const gatewayConfigSchema = z
  .object({ ...serviceEnv, ...databaseEnv, ...natsEnv, ...storageEnv, ...sourceUrlEnv, ...gatewayEnv })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV !== "production") return;
    for (const { variable, message } of productionCredentialProblems(config)) ctx.addIssue({ code: "custom", path: [variable], message });
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
