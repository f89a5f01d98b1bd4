import { toApiStatus, WEBHOOK_HEADERS, type WebhookEvent } from "@aq/contracts";
import type { StatusChangeRow } from "../db/schema.js";
import { webhookEventTypeOf } from "./event-type.js";
import { signWebhook } from "./signature.js";

/**
 * A history row (a status change, or becoming playable) as a webhook event: built from the row
 * alone, so every retry and replay sends the same body.
 */
export function webhookEventOf(change: StatusChangeRow): WebhookEvent {
  return {
    id: change.eventId,
    type: webhookEventTypeOf(change),
    createdAt: change.at.toISOString(),
    data: {
      videoId: change.videoId,
      status: toApiStatus(change.toStatus),
      previousStatus: change.fromStatus ? toApiStatus(change.fromStatus) : null,
      error: change.error ?? null,
    },
  };
}

/** The headers of one try: the event's id and type, the try's number and the signature of this body at this time. */
export function webhookHeaders(
  event: WebhookEvent,
  body: string,
  secret: string,
  attempt: number,
  nowMs = Date.now(),
): Record<string, string> {
  return {
    "content-type": "application/json",
    "user-agent": "aq-webhooks/1",
    [WEBHOOK_HEADERS.eventId]: event.id,
    [WEBHOOK_HEADERS.eventType]: event.type,
    [WEBHOOK_HEADERS.attempt]: String(attempt),
    [WEBHOOK_HEADERS.signature]: signWebhook(secret, body, Math.floor(nowMs / 1000)),
  };
}
