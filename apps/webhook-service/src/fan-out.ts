import { jetstream, type Consumer, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { PIPELINE_STREAM, statusEventSchema, WEBHOOK_CONSUMER } from "@aq/contracts";
import { ensureEventConsumer, ensurePipelineStream } from "@aq/platform/bus";
import { fanOutVideoEvents, type Database } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import { backoffMs, sleep } from "@aq/platform/service";

export interface FanOutOptions {
  db: Database;
  nc: NatsConnection;
  log: Logger;
  ackWaitSeconds: number;
  signal: AbortSignal;
  /** Called after deliveries were queued, so the sender need not wait for its next poll. */
  queued: () => void;
}

/**
 * Turns status events into deliveries. Each event of the durable `webhooks` consumer makes the
 * video's status changes that endpoints have not got yet into deliveries (in Postgres), and is
 * acked only after that committed: a process that dies before has its message redelivered, and
 * the outbox guarantees every committed change is published. Resolves once stopped.
 */
export async function runFanOut(options: FanOutOptions): Promise<void> {
  const { db, nc, log, signal } = options;
  const js = jetstream(nc);
  let consumer: Consumer | undefined;
  let failures = 0;

  const handle = async (msg: JsMsg) => {
    const parsed = statusEventSchema.safeParse(safeJson(msg));
    if (!parsed.success) {
      log.error({ subject: msg.subject, seq: msg.seq }, "malformed status event terminated (INVALID_EVENT)");
      msg.term();
      return;
    }
    const { videoId } = parsed.data;
    try {
      const queued = await fanOutVideoEvents(db, videoId);
      msg.ack();
      if (queued) {
        log.debug({ videoId, queued }, "webhook deliveries queued");
        options.queued();
      }
    } catch (error) {
      const delay = backoffMs(msg.info.deliveryCount, { baseMs: 1000, maxMs: 30_000 });
      log.warn({ err: error, videoId, retryInMs: delay }, "queueing webhook deliveries failed; the event will be redelivered");
      msg.nak(delay);
    }
  };

  while (!signal.aborted) {
    try {
      if (!consumer) {
        await ensurePipelineStream(nc);
        await ensureEventConsumer(nc, { ...WEBHOOK_CONSUMER, ackWaitSeconds: options.ackWaitSeconds });
        consumer = await js.consumers.get(PIPELINE_STREAM, WEBHOOK_CONSUMER.durable);
        log.info({ consumer: WEBHOOK_CONSUMER.durable }, "status event consumer ready");
      }
      const batch = await consumer.fetch({ max_messages: 100, expires: 5000 });
      const stop = () => void batch.close();
      signal.addEventListener("abort", stop, { once: true });
      try {
        for await (const msg of batch) await handle(msg);
      } finally {
        signal.removeEventListener("abort", stop);
      }
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      failures++;
      // The consumer may have been deleted or the server restarted with an empty store.
      consumer = undefined;
      const delay = backoffMs(failures, { baseMs: 250, maxMs: 5000 });
      log.warn({ err: error, retryInMs: delay }, "reading status events failed; retrying");
      await sleep(delay, signal);
    }
  }
  log.info("stopped reading status events");
}

function safeJson(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
