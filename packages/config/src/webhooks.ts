import { z } from "zod";
import { isWebhookEventType } from "@aq/contracts";
import { described } from "./describe.js";
import { databaseEnv, healthPortEnv, natsEnv, serviceEnv, sourceUrlEnv } from "./fragments.js";
import { envInt } from "./load.js";

const eventTypes = z.array(z.string().refine(isWebhookEventType, "not a webhook event type (video.<status>)")).default([]);

/** One endpoint declared in WEBHOOK_ENDPOINTS. */
const configuredEndpoint = z.object({
  url: z.string().url(),
  secret: z.string().min(24, "a webhook secret is at least 24 characters"),
  events: eventTypes,
});
export type ConfiguredWebhookEndpoint = z.infer<typeof configuredEndpoint>;

function parseJson(text: string, ctx: z.RefinementCtx): unknown {
  try {
    return JSON.parse(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "not JSON" });
    return z.NEVER;
  }
}

/** Read by the gateway (to seal the secrets of endpoints it registers) and the webhook service (to sign). */
export const webhookSecretsEnv = {
  WEBHOOK_SECRETS_KEY: described(
    z.string().min(32, "at least 32 characters").optional(),
    "Key (32+ random characters) that encrypts webhook endpoint secrets in the database (AES-256-GCM); the gateway and the webhook service need the same one. The gateway refuses `createWebhookEndpoint` without it.",
    "none (webhooks off; the local stack sets a development key)",
  ),
};

/** Variables only the webhook service reads. */
export const webhookEnv = {
  WEBHOOK_ENDPOINTS: described(
    z
      .string()
      .optional()
      .transform((text, ctx) => (text ? parseJson(text, ctx) : []))
      .pipe(z.array(configuredEndpoint).refine((list) => new Set(list.map((e) => e.url)).size === list.length, "each URL at most once")),
    'Endpoints declared by the operator, as JSON: `[{"url":"https://…","secret":"whsec_…","events":["video.ready"]}]` (`events` empty or left out: all). Listed by the API as `CONFIG`; one removed from here is disabled.',
    "none",
  ),
  WEBHOOK_CONCURRENCY: described(envInt(8, 1, 256), "Deliveries sent at once per webhook service instance."),
  WEBHOOK_TIMEOUT_SECONDS: described(envInt(10, 1, 300), "How long one delivery may take before it counts as failed and is retried."),
  WEBHOOK_RETRY_BASE_SECONDS: described(
    z.coerce.number().min(0.05).default(30),
    "Wait after a delivery's first failure; it doubles with every failure (with jitter) up to `WEBHOOK_RETRY_MAX_SECONDS`.",
  ),
  WEBHOOK_RETRY_MAX_SECONDS: described(z.coerce.number().min(0.05).default(3600), "Longest wait between two tries of a delivery."),
  WEBHOOK_RETRY_WINDOW_HOURS: described(
    z.coerce.number().positive().default(72),
    "A delivery is retried this long after its first try, then marked failed (a video's later events then go out).",
  ),
};

export const webhookServiceEnv = {
  ...serviceEnv,
  ...databaseEnv,
  NATS_URL: natsEnv.NATS_URL,
  NATS_ACK_WAIT_SECONDS: natsEnv.NATS_ACK_WAIT_SECONDS,
  SOURCE_URL_ALLOW_PRIVATE: sourceUrlEnv.SOURCE_URL_ALLOW_PRIVATE,
  ...webhookSecretsEnv,
  ...webhookEnv,
  HEALTH_PORT: healthPortEnv(8084),
};

/** The webhook service cannot sign without the key, so it is required there. */
export const webhookServiceConfig = z.object(webhookServiceEnv).superRefine((config, ctx) => {
  if (!config.WEBHOOK_SECRETS_KEY)
    ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRETS_KEY"], message: "required by the webhook service" });
});
export type WebhookServiceConfig = z.output<typeof webhookServiceConfig>;
