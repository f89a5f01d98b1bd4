import { z } from "zod";
import { PLAYABLE_SUBJECTS } from "./chunks.js";
import { errorValueSchema } from "./events.js";
import { VIDEO_STATUSES, type ApiVideoStatus, type VideoStatus } from "./status.js";

/**
 * Webhook event types. Every status change is an event named for the status reached
 * (`video.ready`, `video.failed_encoding`), so the list follows the status table; an event that
 * is not a status change (e.g. `video.playable`) is one more entry in OTHER_WEBHOOK_EVENT_TYPES.
 */
export type StatusWebhookEventType = `video.${VideoStatus}`;
/** A chunked video became playable before READY (the `playable` event of contracts/chunks.ts). */
export const PLAYABLE_WEBHOOK_EVENT_TYPE = "video.playable";
const OTHER_WEBHOOK_EVENT_TYPES = [PLAYABLE_WEBHOOK_EVENT_TYPE] as const;
export type WebhookEventType = StatusWebhookEventType | (typeof OTHER_WEBHOOK_EVENT_TYPES)[number];

export function statusWebhookEventType(status: VideoStatus): StatusWebhookEventType {
  return `video.${status}`;
}

/** Every event type an endpoint may subscribe to: the status events in status-table order, then the others. */
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  ...VIDEO_STATUSES.map(statusWebhookEventType),
  ...OTHER_WEBHOOK_EVENT_TYPES,
];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The JSON body of every webhook delivery. `id` is stable across retries and replays of the
 * same event, so a receiver that stores the ids it handled can drop repeats (delivery is
 * at-least-once). Statuses are spelt as the GraphQL API spells them.
 */
export const webhookEventSchema = z.object({
  id: z.string(),
  type: z.string(),
  /** ISO 8601: when the event happened (not when it was sent). */
  createdAt: z.string(),
  data: z.object({
    videoId: z.string(),
    status: z.string(),
    previousStatus: z.string().nullable(),
    /** Set with REJECTED and FAILED_* statuses. */
    error: errorValueSchema.nullable(),
  }),
});
export interface WebhookEvent extends z.infer<typeof webhookEventSchema> {
  type: WebhookEventType;
  data: { videoId: string; status: ApiVideoStatus; previousStatus: ApiVideoStatus | null; error: z.infer<typeof errorValueSchema> | null };
}

/**
 * Headers of a delivery. The signature header is `t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<body>" keyed with the endpoint's secret>` (Stripe's scheme): the timestamp is signed
 * with the body, so a receiver refuses a captured delivery replayed later.
 */
export const WEBHOOK_HEADERS = {
  signature: "aq-signature",
  eventId: "aq-event-id",
  eventType: "aq-event-type",
  /** 1 for the first try of a delivery, counting again from 1 after a replay. */
  attempt: "aq-delivery-attempt",
} as const;

/**
 * The durable JetStream consumers of the webhook service: every status event and every playable
 * event feeds its fan-out. Two consumers, because a consumer takes one filter subject on the
 * NATS servers AQ supports (several arrived in 2.10).
 */
export const WEBHOOK_CONSUMERS = [
  { durable: "webhooks", filterSubject: "aq.video.>" },
  { durable: "webhooks-playable", filterSubject: PLAYABLE_SUBJECTS },
] as const;
