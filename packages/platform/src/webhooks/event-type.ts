import { PLAYABLE_WEBHOOK_EVENT_TYPE, statusWebhookEventType, type WebhookEventType } from "@aq/contracts";
import type { StatusChangeRow } from "../db/schema.js";

/** The webhook event a history row is: `video.<status reached>`, or `video.playable`. */
export function webhookEventTypeOf(change: StatusChangeRow): WebhookEventType {
  return change.kind === "playable" ? PLAYABLE_WEBHOOK_EVENT_TYPE : statusWebhookEventType(change.toStatus);
}
