import { jetstream, type Consumer, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { PIPELINE_STREAM, playableEventSchema, statusEventSchema, WEBHOOK_CONSUMERS } from "@aq/contracts";
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
 * Turns status and playable events into deliveries. Each event of the durable `webhooks`
 * consumers makes the video's history entries that endpoints have not got yet into deliveries (in
 * Postgres), and is acked only after that committed: a process that dies before has its message
 * redelivered, and the outbox guarantees every committed entry is published. Resolves once stopped.
 */
export async function runFanOut(options: FanOutOptions): Promise<void> {
  await Promise.all(WEBHOOK_CONSUMERS.map((consumer) => readEvents(options, consumer)));
}

async function readEvents(options: FanOutOptions, spec: (typeof WEBHOOK_CONSUMERS)[number]): Promise<void> {
  const { db, nc, signal } = options;
  const log = options.log.child({ consumer: spec.durable });
  const js = jetstream(nc);
  let consumer: Consumer | undefined;
  let failures = 0;

  const handle = async (msg: JsMsg) => {
    const videoId = videoIdOf(safeJson(msg));
    if (videoId === null) {
      log.error({ subject: msg.subject, seq: msg.seq }, "malformed event terminated (INVALID_EVENT)");
      msg.term();
      return;
    }
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
        await ensureEventConsumer(nc, { ...spec, ackWaitSeconds: options.ackWaitSeconds });
        consumer = await js.consumers.get(PIPELINE_STREAM, spec.durable);
        log.info("event consumer ready");
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
      log.warn({ err: error, retryInMs: delay }, "reading events failed; retrying");
      await sleep(delay, signal);
    }
  }
  log.info("stopped reading events");
}

/** The video a status or playable event is about; null for anything else. */
function videoIdOf(event: unknown): string | null {
  const status = statusEventSchema.safeParse(event);
  if (status.success) return status.data.videoId;
  const playable = playableEventSchema.safeParse(event);
  return playable.success ? playable.data.videoId : null;
}

function safeJson(msg: JsMsg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
