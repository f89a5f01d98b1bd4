import { claimDueWebhookDeliveries, recordWebhookAttempt, type ClaimedDelivery, type Database } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import { backoffMs, wakeablePause } from "@aq/platform/service";
import { sendWebhook, webhookEventOf, webhookHeaders, type SecretBox, type WebhookResponse } from "@aq/platform/webhooks";

export interface DispatcherSettings {
  concurrency: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  retryWindowMs: number;
  allowPrivate: boolean;
}

export interface DispatcherOptions {
  db: Database;
  log: Logger;
  secrets: SecretBox;
  settings: DispatcherSettings;
  signal: AbortSignal;
}

export interface Dispatcher {
  /** Look for due deliveries now rather than at the next poll. */
  wake(): void;
  /** Resolves once stopped: no more claims, and the tries in flight recorded. */
  stopped: Promise<void>;
}

/** Retries fall due at their own times; this is how late one may go out at most. */
const POLL_MS = 500;
/** A claim outlives the try by this much, so that recording the outcome never races another sender. */
const CLAIM_MARGIN_MS = 5000;

/**
 * Sends due deliveries, up to `concurrency` at once, and records each try: delivered on a 2xx,
 * otherwise due again after a backoff until the retry window is over. The claim in Postgres
 * (not this process's memory) says who is sending what, so any number of instances may run,
 * and a delivery whose sender was killed goes out again once its claim expires.
 */
export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, log, secrets, settings, signal } = options;
  const inFlight = new Set<Promise<void>>();
  const { pause, wake, clear } = wakeablePause(signal);

  const attempt = async ({ delivery, endpoint, change }: ClaimedDelivery) => {
    const event = webhookEventOf(change);
    const body = JSON.stringify(event);
    const number = delivery.attempts + 1;
    const context = {
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: event.type,
      videoId: event.data.videoId,
      attempt: number,
    };
    let secret: string | undefined;
    try {
      secret = secrets.open(endpoint.encryptedSecret);
    } catch (error) {
      // The key differs from the one that sealed it: nothing can be signed, so nothing is sent.
      log.error(
        { ...context, err: { message: (error as Error).message } },
        "the endpoint's secret cannot be opened with WEBHOOK_SECRETS_KEY",
      );
    }
    const outcome: WebhookResponse = secret
      ? await sendWebhook({
          url: endpoint.url,
          body,
          headers: webhookHeaders(event, body, secret, number),
          timeoutMs: settings.timeoutMs,
          policy: { allowPrivate: settings.allowPrivate },
        })
      : { statusCode: null, error: "the endpoint's secret cannot be opened with this WEBHOOK_SECRETS_KEY", durationMs: 0 };
    const retryInMs = backoffMs(number, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs });
    const claim = { deliveryId: delivery.id, claimToken: delivery.claimToken! };
    const state = await recordWebhookAttempt(db, claim, outcome, { retryInMs, retryWindowMs: settings.retryWindowMs });
    const line = { ...context, statusCode: outcome.statusCode, error: outcome.error, durationMs: outcome.durationMs, state };
    if (state === null)
      log.info(line, "webhook try done, but the delivery was replayed, taken over or deleted meanwhile; its outcome changes nothing");
    else if (state === "delivered") log.info(line, "webhook delivered");
    else if (state === "failed") log.error(line, "webhook delivery failed for good: its retry window is over");
    else log.warn({ ...line, retryInMs }, "webhook delivery failed; retrying later");
  };

  const track = (claimed: ClaimedDelivery) => {
    const running: Promise<void> = attempt(claimed)
      .catch((error: unknown) =>
        log.warn(
          { err: error, deliveryId: claimed.delivery.id },
          "recording a webhook try failed; it is sent again once its claim expires",
        ),
      )
      .finally(() => {
        inFlight.delete(running);
        wake();
      });
    inFlight.add(running);
  };

  const run = async () => {
    let failures = 0;
    while (!signal.aborted) {
      clear();
      const free = settings.concurrency - inFlight.size;
      let full = false;
      if (free > 0) {
        try {
          const claimed = await claimDueWebhookDeliveries(db, { limit: free, claimMs: settings.timeoutMs + CLAIM_MARGIN_MS });
          claimed.forEach(track);
          full = claimed.length === free;
          failures = 0;
        } catch (error) {
          failures++;
          const delay = backoffMs(failures, { baseMs: POLL_MS, maxMs: 30_000 });
          log.warn({ err: error, retryInMs: delay }, "claiming webhook deliveries failed; retrying");
          await pause(delay);
          continue;
        }
      }
      // With every slot busy, the next look comes when a try ends (it wakes the loop).
      if (full && inFlight.size < settings.concurrency) continue;
      await pause(POLL_MS);
    }
    await Promise.all(inFlight);
  };

  return { wake, stopped: run() };
}
